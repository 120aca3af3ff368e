"""Pieces shared by the optimization demos (optimizers, learning-rate, batch-size).

All three compare several training runs of the *same* small network on the digits. To run
the variants together instead of one after another, the network is "stacked": every weight
gets a leading variant axis, so one batched matrix multiply (torch.baddbmm) evaluates all
copies at once. Each copy still has its own weights and its own gradients.

The plain references in each demo (one nn.Sequential per variant, torch.optim, a DataLoader)
start from exactly the same initial numbers, drawn once by `init_mlp`, so fast path and
reference can be compared number for number.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import RandomSampler

from demos.data import digits
from demos.stacked import (  # noqa: F401  (moved; the optimization demos import them from here)
    LayerInit, StackedMLP, add_cross_entropy_gradients, init_mlp, per_copy_accuracy, per_copy_loss,
)

TEST_SIZE = 360  # held out once; the remaining 1437 digits are the training set


def split_digits(
    generator: torch.Generator, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A fixed random train/test split of the 1797 digits, already on `device`."""
    x, y = digits()
    order = torch.randperm(len(x), generator=generator)
    test, train = order[:TEST_SIZE], order[TEST_SIZE:]
    return x[train].to(device), y[train].to(device), x[test].to(device), y[test].to(device)


def sequential_mlp(init: list[LayerInit]) -> nn.Sequential:
    """The same network the plain way (for the references): Linear, ReLU, ..., Linear."""
    layers: list[nn.Module] = []
    for i, (weight, bias) in enumerate(init):
        linear = nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            linear.weight.copy_(weight)
            linear.bias.copy_(bias)
        layers += [linear, nn.ReLU()] if i < len(init) - 1 else [linear]
    return nn.Sequential(*layers)


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of one plain (unstacked) model, as Python floats."""
    with torch.no_grad():
        logits = model(x)
        return float(F.cross_entropy(logits, y)), float((logits.argmax(-1) == y).float().mean())


def epoch_orders(n: int, epochs: int, generator: torch.Generator) -> torch.Tensor:
    """One shuffled order of the n training rows per epoch, shape (epochs, n).

    Drawn with the very RandomSampler a DataLoader uses, so a reference built on
    DataLoader(sampler=RandomSampler(data, generator=g)) sees the same batches in the same order.
    """
    sampler = RandomSampler(range(n), generator=generator)
    return torch.tensor([list(sampler) for _ in range(epochs)], dtype=torch.long)


def shuffled_batches(n: int, batch_size: int, steps: int, generator: torch.Generator) -> torch.Tensor:
    """Row indices for `steps` mini-batches, shape (steps, batch_size): each epoch's shuffled
    order cut into whole batches, the ragged remainder dropped (DataLoader's drop_last=True)."""
    per_epoch = n // batch_size
    epochs = -(-steps // per_epoch)  # ceiling division
    orders = epoch_orders(n, epochs, generator)[:, : per_epoch * batch_size]
    return orders.reshape(-1, batch_size)[:steps]
