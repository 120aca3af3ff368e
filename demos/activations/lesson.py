"""Activation functions, vanishing gradients, dead ReLUs and weight initialization.

Five deep MLPs learn the same handwritten digits (real 8x8 images). They differ only in the
function between their layers: sigmoid, tanh, ReLU, Leaky ReLU or GELU. All five start from the
same weights, drawn with the initialization you pick, and see the same mini-batches.

Backpropagation multiplies the gradient by f'(z) once per layer on its way back to the input.
Sigmoid's f' is at most 0.25, so a deep sigmoid network's first layers get almost no gradient
(the vanishing gradient). A ReLU unit whose input is negative for every image outputs 0 and
gets gradient 0: it is dead, and no update can bring it back.

Run it on its own:  python lesson.py
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

# One class per activation; nn.LeakyReLU lets 0.01 of a negative input through by default.
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
               "leaky_relu": nn.LeakyReLU, "gelu": nn.GELU}
FIXED_STD = {"zeros": 0.0, "small normal": 0.01, "large normal": 1.0}


def make_mlp(activation: type[nn.Module], depth: int, width: int, init: str) -> nn.Sequential:
    """64 pixels -> `depth` hidden layers of `width` units -> 10 classes."""
    layers = []
    for fan_in in [64] + [width] * (depth - 1):
        layers += [nn.Linear(fan_in, width), activation()]
    model = nn.Sequential(*layers, nn.Linear(width, 10))
    for layer in model:
        if isinstance(layer, nn.Linear):
            # Biases start at 0, so the weights' scale alone decides if the signal grows or fades.
            nn.init.zeros_(layer.bias)
            if init == "xavier":  # Var(w) = 2 / (fan_in + fan_out): keeps slope-1 signals' size
                nn.init.xavier_normal_(layer.weight)
            elif init == "he":  # Var(w) = 2 / fan_in: makes up for ReLU zeroing half its inputs
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            else:
                nn.init.normal_(layer.weight, std=FIXED_STD[init])
    return model


def hidden_values(model: nn.Sequential, x: torch.Tensor) -> tuple[list, list]:
    """Each hidden layer's input to its activation function (z) and its output f(z)."""
    zs, outputs = [], []
    for layer in model[:-1]:
        x = layer(x)
        (zs if isinstance(layer, nn.Linear) else outputs).append(x)
    return zs, outputs


def slope(activation: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """f'(z) element by element, by autograd: for an element-wise f, d(sum f(z))/dz = f'(z)."""
    z = z.detach().requires_grad_()
    return torch.autograd.grad(activation(z).sum(), z)[0]


def distinct_units(outputs: torch.Tensor) -> int:
    """How many units of a layer compute different things on these images (1: all are copies)."""
    gap = torch.cdist(outputs.T, outputs.T, p=math.inf)  # largest difference between two units
    copy_of_an_earlier_unit = (gap <= 1e-5).tril(-1).any(1)
    return int((~copy_of_an_earlier_unit).sum())


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    model.eval()
    with torch.no_grad():
        logits = model(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def train(init="xavier", depth=10, width=64, steps=200, batch_size=128, lr=0.02,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    x_train, y_train, x_val, y_val = (t.to(device) for t in split_digits(test_size=400, seed=seed))

    models = {name: make_mlp(act, depth, width, init).to(device)
              for name, act in ACTIVATIONS.items()}
    for model in models.values():  # the same starting weights for all five
        model.load_state_dict(models["sigmoid"].state_dict())
    # Plain SGD on purpose: Adam would rescale the tiny gradients and hide their vanishing.
    optimizers = {name: torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
                  for name, model in models.items()}
    with torch.no_grad():  # each hidden layer's outputs on 100 images, before any training
        at_start = {name: torch.stack([a.flatten() for a in hidden_values(model, x_val[:100])[1]])
                    .cpu().numpy() for name, model in models.items()}

    losses = {name: [] for name in models}  # mini-batch loss of every step
    val_acc = {"step": [], **{name: [] for name in models}}
    grads, diverged = {}, {}  # name -> ‖∂L/∂W‖ per layer at step 1; name -> step it blew up
    for step in range(1, steps + 1):
        batch = torch.randint(len(y_train), (batch_size,), device=device)  # same for all five
        for name, model in models.items():
            if name in diverged:
                continue
            loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
            optimizers[name].zero_grad()
            loss.backward()
            if step == 1:  # the gradient the initial weights send back, before any update
                grads[name] = [layer.weight.grad.norm().item() for layer in model
                               if isinstance(layer, nn.Linear)]
            if not math.isfinite(loss.item()):  # inf or NaN: this network diverged; stop it
                diverged[name] = step
                continue
            optimizers[name].step()
            losses[name].append(loss.item())

        if step % max(1, steps // 25) == 0 or step == steps:  # about 25 checks a run
            val_acc["step"].append(step)
            for name, model in models.items():
                val_acc[name].append(evaluate(model, x_val, y_val)[1])
                model.train()  # back from evaluate's eval mode (it matters for dropout, say)
            if report(step, steps, {name: val_acc[name][-1] for name in models
                                    if name not in diverged}):  # True: Stop was pressed
                break

    metrics = {}
    for name, model in models.items():
        loss, accuracy = evaluate(model, x_val, y_val)
        with torch.no_grad():
            zs, outputs = hidden_values(model, x_val)
        # A unit is dead when f'(z) = 0 on every image: no gradient reaches its weights.
        dead = torch.cat([(slope(model[1], z) == 0).all(0) for z in zs]).float().mean().item()
        first, last = grads[name][0], grads[name][-1]
        ratio = last / first if first > 0 else (math.inf if last > 0 else math.nan)  # 0/0: NaN
        metrics.update({
            f"{name}_grad_first": first, f"{name}_grad_last_over_first": ratio,
            f"{name}_dead_share": dead,
            f"{name}_distinct_units": max(distinct_units(a) for a in outputs),
            f"{name}_val_loss": loss, f"{name}_val_acc": accuracy,
            f"{name}_diverged_step": diverged.get(name, -1),
        })
    return {"metrics": metrics, "losses": losses, "val_acc": val_acc, "grads": grads,
            "at_start": at_start, "diverged": diverged, "init": init}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:32} {value:.4g}")
