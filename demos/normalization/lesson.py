"""Normalization and initialization: does the signal survive 20 layers?

Three deep ReLU MLPs learn the handwritten digits from the same starting weights: one plain,
one with batch norm, one with layer norm. Each layer multiplies the size of its signal by a
factor set by the weights' scale: about 1 with He initialization (Var(W) = 2 / fan_in),
0.71 with Xavier, 0.5 and 2 with half and twice He. Over 20 layers the signal fades or
explodes, unless a normalization layer rescales every layer's output. After training,
single images go through the batch-norm network in train mode and in eval mode.

Run it on its own:  python lesson.py
"""

import copy

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

WIDTH, BATCH_SIZE = 64, 64
NORMS = ("none", "batch", "layer")
SCALES = {"small": 0.5, "he": 1.0, "large": 2.0}  # times He's standard deviation
ALONE = 50  # test images sent through the batch-norm network one at a time


def make_mlp(depth, norm, init):
    sizes = [64] + [WIDTH] * depth
    blocks = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        # BatchNorm1d averages each unit over the batch; LayerNorm averages each image over
        # its units. Both then rescale with a learned γ (starts at 1) and β (starts at 0).
        normalize = {"none": nn.Identity(), "batch": nn.BatchNorm1d(fan_out),
                     "layer": nn.LayerNorm(fan_out)}[norm]
        blocks.append(nn.Sequential(nn.Linear(fan_in, fan_out), normalize, nn.ReLU()))
    model = nn.Sequential(*blocks, nn.Linear(WIDTH, 10))
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            if init == "xavier":
                nn.init.xavier_normal_(layer.weight)  # Var(W) = 2 / (fan_in + fan_out)
            else:
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")  # Var(W) = 2 / fan_in
                with torch.no_grad():
                    layer.weight.mul_(SCALES[init])
            nn.init.zeros_(layer.bias)
    return model


def similarity(h):
    """Mean cosine similarity of different images' activations: 1 = they all look the same."""
    u = F.normalize(h, dim=1)
    return ((u @ u.T).sum().item() - len(u)) / (len(u) * (len(u) - 1))


def spread(model, x, y):
    """Step 0, every hidden layer: the std of its output and of the gradient there (∂loss/∂h),
    and how alike different images look."""
    model = copy.deepcopy(model).train()  # a copy: this pass must not move the running stats
    outputs, h = [], x
    for block in model[:-1]:
        h = block(h)
        outputs.append(h)
    # Summed, not averaged, so that each image's gradient does not depend on the batch size.
    loss = F.cross_entropy(model[-1](h), y, reduction="sum")
    grads = torch.autograd.grad(loss, outputs)
    return {"activation": [o.std().item() for o in outputs],
            "gradient": [g.std().item() for g in grads],
            "similarity": [similarity(o.detach()) for o in outputs]}


def accuracy(logits, y):
    return (logits.argmax(1) == y).float().mean().item()  # the share classified right


def evaluate(model, x, y):
    model.eval()  # batch norm: the running averages from training, as at test time
    with torch.no_grad():
        return accuracy(model(x), y)


def batch_of_one(model, x, y):
    """A trained batch-norm network in train mode, on single images and on the whole set."""
    probe = copy.deepcopy(model).train()  # a copy: train-mode passes move the running stats
    with torch.no_grad():
        try:
            probe(x[:1])  # one image in train mode
            error = ""
        except ValueError as refused:  # "Expected more than 1 value per channel when training"
            error = str(refused)
        # Two copies of one image pass that check and show why it is there: each unit minus
        # the batch mean is 0, so every BN layer outputs only β and all images look alike.
        alone = torch.cat([probe(x[i:i + 1].repeat(2, 1))[:1] for i in range(ALONE)])
        return error, {"bn_batch1_refused": float(error != ""), "bn_alone_acc": accuracy(
            alone, y[:ALONE]), "bn_alone_classes": len(alone.argmax(1).unique()),
            "bn_whole_acc": accuracy(probe(x), y)}  # the whole test set as one batch


def train(init="xavier", depth=20, steps=80, lr=0.01, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    x_train, y_train, x_test, y_test = (t.to(device) for t in split_digits(597, seed))
    models, optimizers, diverged = {}, {}, {}  # diverged: norm -> step its loss went inf/NaN
    for norm in NORMS:
        torch.manual_seed(seed)  # the same linear weights in all three networks
        models[norm] = make_mlp(depth, norm, init).to(device)
        optimizers[norm] = torch.optim.SGD(models[norm].parameters(), lr=lr, momentum=0.9)
    at_start = {norm: spread(m, x_train[:256], y_train[:256]) for norm, m in models.items()}

    losses, tests = {n: [] for n in NORMS}, {n: [] for n in NORMS}  # each batch; (step, acc)
    batches = torch.Generator().manual_seed(seed)
    test_every, report_every = max(1, steps // 20), max(1, steps // 200)
    for step in range(1, steps + 1):
        idx = torch.randint(len(y_train), (BATCH_SIZE,), generator=batches).to(device)
        for norm, model in models.items():  # the same batch for all three
            if norm in diverged:
                continue
            model.train()
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            if not torch.isfinite(loss):  # exploded: stop this network, keep the others
                diverged[norm] = step
                continue
            optimizers[norm].zero_grad()
            loss.backward()
            optimizers[norm].step()
            losses[norm].append(loss.item())
            if step % test_every == 0 or step == steps:
                tests[norm].append((step, evaluate(model, x_test, y_test)))
        if step % report_every == 0 or step == steps:
            # The mean of the last 10 batches: one batch is too few to show a trend.
            latest = {norm: sum(lost[-10:]) / len(lost[-10:])
                      for norm, lost in losses.items() if lost and norm not in diverged}
            if report(step, steps, latest):  # True when the learner pressed Stop
                break

    metrics = {}
    for norm, model in models.items():
        act, grad = at_start[norm]["activation"], at_start[norm]["gradient"]
        metrics.update({f"{norm}_test_acc": evaluate(model, x_test, y_test),
                        f"{norm}_diverged_step": diverged.get(norm, 0),
                        f"{norm}_activation_ratio": act[-1] / act[0],  # < 1: faded going up
                        f"{norm}_gradient_ratio": grad[0] / grad[-1],  # < 1: faded coming back
                        f"{norm}_similarity": at_start[norm]["similarity"][-1]})
    error, found = batch_of_one(models["batch"], x_test, y_test)
    metrics.update(found)
    return {"metrics": metrics, "losses": losses, "tests": tests, "spread": at_start,
            "bn_error": error, "steps": steps}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:26} {value:.3g}")
