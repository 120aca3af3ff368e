"""Degradation: a deeper plain network trains worse than a shallow one; shortcuts fix it.

Three MLPs learn the same handwritten digits (real 8x8 images) from the same batches:
* shallow   a plain network of `shallow_depth` weight layers
* plain     a plain network of `depth` weight layers
* residual  the same `depth` layers, with a shortcut around every pair: y = relu(F(x) + x)
The blocks are ResNet's "basic block" with Linear layers in place of 3x3 convolutions:
Linear, BatchNorm, ReLU, Linear, BatchNorm, then the shortcut (if any) and a ReLU.

A deeper network can represent everything a shallower one can (extra layers could just
copy their input), so its training loss should be no worse. Yet after the same number of
steps the deep plain network's *training* loss is higher: it is harder to optimize, not
overfitting. This is the degradation problem ResNet (He et al., 2015) set out to fix: with
the shortcut, a block that should do nothing only has to learn F(x) = 0.

With BatchNorm on, the gradients do not vanish at the start (the lesson measures the
gradient reaching every layer), so vanishing gradients do not explain it. Switch BatchNorm
off to see them vanish through PyTorch's default initialization, which is too small for
ReLU layers; the shortcuts carry the gradient past every block.

Run it on its own:  python lesson.py
"""

import torch
import torch.nn.functional as F
from torch import nn

from demos.data import split_digits

BATCH_SIZE = 64
NETS = ("shallow", "plain", "residual")


class Block(nn.Module):
    """Two weight layers; with `residual` the block adds its input to what they compute."""

    def __init__(self, width, residual, batch_norm):
        super().__init__()
        norm = nn.BatchNorm1d if batch_norm else (lambda width: nn.Identity())
        self.f = nn.Sequential(nn.Linear(width, width), norm(width), nn.ReLU(),
                               nn.Linear(width, width), norm(width))
        self.residual = residual

    def forward(self, x):
        out = self.f(x)
        return F.relu(out + x) if self.residual else F.relu(out)


def make_net(depth, width, residual, batch_norm):
    """`depth` weight layers: 64 pixels in, (depth - 2) / 2 blocks of two, 10 scores out."""
    norm = nn.BatchNorm1d(width) if batch_norm else nn.Identity()
    blocks = [Block(width, residual, batch_norm) for _ in range((depth - 2) // 2)]
    return nn.Sequential(nn.Linear(64, width), norm, nn.ReLU(), *blocks, nn.Linear(width, 10))


def weight_layers(net):
    return [layer for layer in net.modules() if isinstance(layer, nn.Linear)]


def gradient_per_layer(net, x, y):
    """‖∂loss/∂W‖ of every weight layer, from the input (first) to the output (last)."""
    net.zero_grad()
    F.cross_entropy(net(x), y).backward()
    grads = [layer.weight.grad.norm().item() for layer in weight_layers(net)]
    net.zero_grad()
    return grads


def evaluate(net, x, y):
    """Loss and accuracy with BatchNorm using its running averages."""
    net.eval()
    with torch.no_grad():
        logits = net(x)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def train(depth=20, shallow_depth=4, width=32, steps=120, lr=0.03, batch_norm=True,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = (t.to(device) for t in split_digits(400, seed))

    depths = {"shallow": shallow_depth, "plain": depth, "residual": depth}
    nets = {name: make_net(depths[name], width, name == "residual", batch_norm) for name in NETS}
    # The same starting weights for both deep networks: the shortcuts are the only difference.
    nets["residual"].load_state_dict(nets["plain"].state_dict())
    optimizers, grad_start = {}, {}
    for name in NETS:
        nets[name].to(device)
        # SGD with momentum, as in the ResNet paper.
        optimizers[name] = torch.optim.SGD(nets[name].parameters(), lr=lr, momentum=0.9)
        # The gradient each layer gets from the first batch, before any update.
        grad_start[name] = gradient_per_layer(nets[name], x_train[:256], y_train[:256])

    losses = {name: [] for name in NETS}  # every training batch's loss
    diverged = {}  # name -> the step its loss stopped being a finite number
    batches = torch.Generator().manual_seed(seed)
    every = max(1, steps // 150)  # a few hundred reports at most
    for step in range(1, steps + 1):
        batch = torch.randint(0, len(y_train), (BATCH_SIZE,), generator=batches).to(device)
        x, y = x_train[batch], y_train[batch]
        for name, net in nets.items():  # the same batch for all three
            if name in diverged:
                continue
            net.train()
            loss = F.cross_entropy(net(x), y)
            if not torch.isfinite(loss):  # steps too large: it blew up, and is done
                diverged[name] = step
                continue
            optimizers[name].zero_grad()
            loss.backward()
            optimizers[name].step()
            losses[name].append(loss.item())
        if step % every == 0 or step == steps:
            # The mean of the last 10 batches: one batch is too noisy to show a trend.
            latest = {name: sum(l[-10:]) / len(l[-10:]) for name, l in losses.items()
                      if name not in diverged and l}
            if report(step, steps, latest):  # True when the learner pressed Stop
                break

    metrics = {}
    for name, net in nets.items():  # what was trained, also after Stop
        train_loss, train_acc = evaluate(net, x_train, y_train)
        metrics[f"{name}_train_loss"] = train_loss if name not in diverged else float("nan")
        metrics[f"{name}_train_acc"] = train_acc
        metrics[f"{name}_test_acc"] = evaluate(net, x_test, y_test)[1]
        grads = grad_start[name]
        metrics[f"{name}_grad_ratio"] = grads[0] / grads[-1]  # first layer's over the last's
        metrics[f"{name}_diverged_step"] = diverged.get(name, 0)
    # Degradation: how much higher the deep plain network's training loss ended than the
    # shallow one's (above 0: deeper trained worse). The gain: what the shortcuts won back.
    metrics["degradation"] = metrics["plain_train_loss"] - metrics["shallow_train_loss"]
    metrics["shortcut_gain"] = metrics["plain_train_loss"] - metrics["residual_train_loss"]
    layers = {name: len(weight_layers(net)) for name, net in nets.items()}  # an odd depth: one less
    return {"metrics": metrics, "losses": losses, "grad_start": grad_start, "depths": layers,
            "diverged": diverged}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:26} {value:.4g}")
