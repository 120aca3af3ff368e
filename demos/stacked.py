"""Copies of one small ReLU MLP trained as one network: the engines' shared piece.

To run several variants of a network together instead of one after another, every weight
gets a leading "copy" axis and one batched matrix multiply (torch.baddbmm) evaluates all
copies at once. Each copy still has its own weights and its own gradients. Engines use this;
lessons never do (they train plain nn.Sequential models).
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

# (weight (fan_out, fan_in), bias (fan_out,)) per layer, as nn.Linear stores them.
LayerInit = tuple[torch.Tensor, torch.Tensor]


class StackedMLP(nn.Module):
    """`copies` independent ReLU MLPs evaluated together, all starting from `init`.

    Weights have shape (copies, fan_in, fan_out) and biases (copies, 1, fan_out); the input
    has shape (copies, batch, features). Copy i never touches copy j's weights, so summing
    the copies' losses before backward() still gives every copy exactly its own gradient.
    """

    def __init__(self, copies: int, init: list[LayerInit]) -> None:
        super().__init__()
        self.weights, self.biases = _stack([init] * copies)

    @classmethod
    def from_inits(cls, inits: Sequence[list[LayerInit]]) -> "StackedMLP":
        """One copy per entry of `inits`, each starting from its own weights (`linear_layers`
        reads them from a plain model).

        Copies may differ in how many outputs they have (heads of 1, 3 and 10 outputs): the
        narrower ones are padded with zero rows up to the widest. Those are outputs a copy
        ignores: its loss reads only its first outputs, so the padded weights get no gradient
        and stay 0 under SGD (with momentum) and Adam, which move a weight only when some
        gradient has reached it.
        """
        model = cls.__new__(cls)
        nn.Module.__init__(model)
        model.weights, model.biases = _stack(inits)
        return model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.baddbmm(b, x, w)  # b + x @ w for every copy at once
            if i < last:
                x = torch.relu(x)
        return x


def linear_layers(model: nn.Module) -> list[LayerInit]:
    """The (weight, bias) of every nn.Linear of a plain model, in order (copies, detached):
    start a stacked copy from exactly the numbers a lesson's nn.Sequential drew."""
    return [(m.weight.detach().clone(), m.bias.detach().clone())
            for m in model.modules() if isinstance(m, nn.Linear)]


def _stack(inits: Sequence[list[LayerInit]]) -> tuple[nn.ParameterList, nn.ParameterList]:
    """Stacked (copies, fan_in, fan_out) weights and (copies, 1, fan_out) biases, each layer
    padded with zero outputs to its widest copy."""
    weights, biases = nn.ParameterList(), nn.ParameterList()
    for layer in zip(*inits):
        fan_out = max(w.shape[0] for w, _ in layer)
        # F.pad's (0, k) adds k zeros at the end of the last axis: the outputs' axis here.
        weights.append(nn.Parameter(torch.stack([F.pad(w.t(), (0, fan_out - len(b))) for w, b in layer])))
        biases.append(nn.Parameter(torch.stack([F.pad(b, (0, fan_out - len(b))).view(1, -1) for _, b in layer])))
    return weights, biases


def forward_keeping_inputs(model: StackedMLP, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The forward pass without autograd: the logits, and what each layer received (the
    weight gradients of `add_backward` need it)."""
    weights, biases = list(model.weights), list(model.biases)  # once: ParameterList indexing is slow
    last = len(weights) - 1
    inputs = []
    with torch.no_grad():
        for i, (w, b) in enumerate(zip(weights, biases)):
            inputs.append(x)
            x = torch.baddbmm(b, x, w)
            if i < last:
                x = x.relu()
    return x, inputs


def add_backward(model: StackedMLP, inputs: list[torch.Tensor], delta: torch.Tensor) -> None:
    """Backpropagation by hand from any loss: `delta` is ∂loss/∂logits, (copies, N, outputs),
    `inputs` come from `forward_keeping_inputs`. Adds every weight's gradient to its .grad:
        ∂loss/∂W = inputᵀ δ,  ∂loss/∂b = Σ δ     for a layer computing input @ W + b
        δ ← (δ Wᵀ) ⊙ [input > 0]                 back through the layer, then its ReLU
    (for the cross-entropy, δ = softmax(logits) − one-hot)."""
    weights, biases = list(model.weights), list(model.biases)  # once: ParameterList indexing is slow
    with torch.no_grad():
        for i in range(len(weights) - 1, -1, -1):
            w = weights[i]
            w.grad.baddbmm_(inputs[i].transpose(1, 2), delta)
            biases[i].grad.add_(delta.sum(dim=1, keepdim=True))
            if i > 0:  # a ReLU's output is > 0 exactly where its slope is 1
                delta = torch.bmm(delta, w.transpose(1, 2)).mul_(inputs[i] > 0)


def per_copy_loss(logits: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy of each copy, averaged ("mean") or added up ("sum") over the batch.

    logits: (copies, N, classes); y: (N,) labels shared by every copy. cross_entropy takes the
    classes on axis 1, so the copies become a batch of (classes, N) "images" with N "pixels".
    """
    copies = logits.shape[0]
    loss = F.cross_entropy(logits.transpose(1, 2), y.expand(copies, -1), reduction="none")  # (copies, N)
    return loss.sum(dim=1) if reduction == "sum" else loss.mean(dim=1)


def per_copy_accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Share of correct predictions of each copy: (copies,)."""
    return (logits.argmax(-1) == y).float().mean(dim=1)


# --- the mini-batches a lesson draws --------------------------------------------------------


def epoch_orders(n: int, epochs: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """`epochs` shuffled orders of n rows, shape (epochs, n): the very numbers a lesson gets
    from `torch.randperm(n, device=device)` at the start of each epoch, when it seeded
    PyTorch's global generator the same way and draws nothing else from it in between."""
    if epochs == 0:
        return torch.empty(0, n, dtype=torch.long, device=device)
    return torch.stack([torch.randperm(n, device=device) for _ in range(epochs)])


def epoch_batches(n: int, batch_size: int, steps: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """Row indices of `steps` mini-batches, shape (steps, batch_size), as a lesson takes them:
    each epoch's `torch.randperm` order cut into whole batches, the ragged rest left out."""
    per_epoch = n // batch_size
    orders = epoch_orders(n, -(-steps // per_epoch), device)[:, : per_epoch * batch_size]
    return orders.reshape(-1, batch_size)[:steps]
