"""Five optimizers race: SGD, momentum, AdaGrad, RMSProp and Adam.

Part 1 puts all five at one point of a 2-D loss surface f(x, y) (the "weights" are x and y):
a saddle, starting 0.001 off the ridge that leads into the saddle point; the long, curved
Rosenbrock valley; or a bowl 200 times more curved across than along. Part 2 trains five
copies of one small network on handwritten digits, one per optimizer. Each optimizer gets a
learning rate that suits it: the adaptive ones (AdaGrad, RMSProp, Adam) divide every step by
the gradient's recent size, so their rates are on another scale than SGD's.

Run it on its own:  python lesson.py
"""

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

OPTIMIZERS = {  # name -> how to build it for some parameters, a learning rate and a momentum β
    "sgd": lambda params, lr, beta: torch.optim.SGD(params, lr=lr),
    "momentum": lambda params, lr, beta: torch.optim.SGD(params, lr=lr, momentum=beta),
    "adagrad": lambda params, lr, beta: torch.optim.Adagrad(params, lr=lr),
    "rmsprop": lambda params, lr, beta: torch.optim.RMSprop(params, lr=lr),
    "adam": lambda params, lr, beta: torch.optim.Adam(params, lr=lr),
}
SURFACES = {  # f(x, y), the start, the minima, and learning rates in OPTIMIZERS' order
    "saddle": dict(f=lambda x, y: x**2 - y**2 + y**4 / 2, start=(1.5, 0.001),
                   minima=[(0, 1), (0, -1)], lrs=[0.01, 0.01, 0.1, 0.01, 0.05]),
    "rosenbrock": dict(f=lambda x, y: (1 - x)**2 + 100 * (y - x**2)**2, start=(-1.2, 1.0),
                       minima=[(1, 1)], lrs=[0.0015, 0.001, 0.5, 0.02, 0.2]),
    "bowl": dict(f=lambda x, y: (x**2 / 100 + 2 * y**2) / 2, start=(-4.5, 1.5),
                 minima=[(0, 0)], lrs=[0.9, 0.1, 0.5, 0.05, 0.1]),
}
DIGITS_LRS = [0.2, 0.05, 0.05, 0.002, 0.005]
HIDDEN, BATCH, TOO_BIG = 32, 64, 1e6  # a surface loss above TOO_BIG has blown up


def race(surface, start, lrs, beta, steps, report):
    """All five from `start`: the path each one took, and the step where it blew up."""
    f, low = surface["f"], surface["f"](*surface["minima"][0])
    points = {n: torch.tensor(start, dtype=torch.float64, requires_grad=True) for n in OPTIMIZERS}
    optimizers = {n: make([points[n]], lrs[n], beta) for n, make in OPTIMIZERS.items()}
    paths, diverged = {name: [list(start)] for name in OPTIMIZERS}, {}
    for step in range(steps + 1):
        values = {}  # for the live chart: how far above the minimum each one is
        for name, point in points.items():
            if name in diverged:
                continue
            loss = f(point[0], point[1])
            if not math.isfinite(loss.item()) or loss.item() > TOO_BIG:
                diverged[name] = step  # it stops; the point that blew up leaves the path
                paths[name].pop()
                continue
            values[f"surface {name}"] = loss.item() - low
            if step < steps:
                optimizers[name].zero_grad()
                loss.backward()
                optimizers[name].step()
                paths[name].append(points[name].tolist())
        if (step % max(1, steps // 50) == 0 or step == steps) and report(step, values):
            break
    return paths, diverged


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def race_on_digits(lrs, beta, steps, device, seed, report):
    """Five copies of one network, one per optimizer, on the same mini-batches."""
    x_train, y_train, x_test, y_test = [t.to(device) for t in split_digits(360, seed)]
    first = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10)).to(device)
    models = {name: copy.deepcopy(first) for name in OPTIMIZERS}  # the same start for all
    optimizers = {n: make(models[n].parameters(), lrs[n], beta) for n, make in OPTIMIZERS.items()}
    history = {"step": [], **{name: [] for name in OPTIMIZERS}}  # whole-training-set loss
    first_loss, diverged, per_epoch = {}, {}, len(y_train) // BATCH
    for step in range(steps + 1):
        if step % max(1, steps // 50) == 0 or step == steps:
            history["step"].append(step)
            for name, model in models.items():  # a copy that blew up has no curve from then on
                loss = math.nan if name in diverged else evaluate(model, x_train, y_train)[0]
                history[name].append(loss)
            if report(step, {f"digits {n}": history[n][-1] for n in models if n not in diverged}):
                break
        if step == steps:
            break
        if step % per_epoch == 0:
            order = torch.randperm(len(y_train), device=device)  # a new epoch: reshuffle
        batch = order[step % per_epoch * BATCH:][:BATCH]
        for name, model in models.items():
            if name in diverged:
                continue
            model.train()
            loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
            first_loss.setdefault(name, loss.item())
            if not math.isfinite(loss.item()) or loss.item() > 4 * first_loss[name]:
                diverged[name] = step  # blew up: this copy stops here
                continue
            optimizers[name].zero_grad()
            loss.backward()
            optimizers[name].step()
    return history, {n: evaluate(m, x_test, y_test)[1] for n, m in models.items()}, diverged


def train(surface="saddle", steps=200, lr_scale=1.0, momentum=0.9, custom_start=False,
          start_x=1.5, start_y=0.001, digits_steps=200, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    s, total = SURFACES[surface], steps + digits_steps
    start = (start_x, start_y) if custom_start else s["start"]
    lrs = {name: lr * lr_scale for name, lr in zip(OPTIMIZERS, s["lrs"])}
    digit_lrs = {name: lr * lr_scale for name, lr in zip(OPTIMIZERS, DIGITS_LRS)}
    paths, diverged = race(s, start, lrs, momentum, steps,
                           lambda step, values: report(step, total, values))
    history, test_acc, digits_diverged = race_on_digits(  # after a Stop, this stops at once
        digit_lrs, momentum, digits_steps, device, seed,
        lambda step, values: report(steps + step, total, values))
    metrics = measure(surface, paths, diverged, history, test_acc, digits_diverged)
    return {"metrics": metrics, "surface": surface, "start": list(start), "paths": paths,
            "lrs": lrs, "digit_lrs": digit_lrs, "digits": history}


def measure(surface, paths, diverged, history, test_acc, digits_diverged):
    s, metrics = SURFACES[surface], {}
    for name in OPTIMIZERS:
        metrics[f"{name}_diverged_step"] = diverged.get(name, -1)  # -1: it never blew up
        if name not in diverged:  # where it ended (after a Stop: one step past its last report)
            end = paths[name][-1]
            metrics[f"{name}_final_loss"] = s["f"](*end)
            metrics[f"{name}_distance_to_min"] = min(math.dist(end, m) for m in s["minima"])
        if surface == "saddle":  # f is 0 at the saddle point, −0.5 at the minima: escaped is
            loss = metrics.get(f"{name}_final_loss", 0)  # more than halfway down from it
            metrics[f"{name}_escaped_saddle"] = float(loss < -0.25)
            metrics[f"{name}_distance_to_saddle"] = math.dist(paths[name][-1], (0, 0))
        metrics[f"digits_{name}_diverged_step"] = digits_diverged.get(name, -1)
        if name not in digits_diverged:
            metrics[f"digits_{name}_train_loss"] = history[name][-1]
        metrics[f"digits_{name}_test_acc"] = test_acc[name]
    return metrics


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:32} {value:.4g}")
