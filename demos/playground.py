"""A neural-network playground: watch a small MLP bend its decision boundary around 2-D data.

This is the TensorFlow Playground experience trained by PyTorch. Pick a data set, stack up
to six hidden layers, choose an activation, and the heatmap shows which class the network
predicts at every point of the plane, redrawn while it trains.

Which loss
----------
* cross-entropy (the default): the output is a logit, turned into a probability by a
  sigmoid (binary, one output unit) or a softmax (multiclass, one unit per class), and the
  loss is the negative log-probability of the true class. It is the loss that fits
  classification: minimizing it is maximum likelihood for the labels, and its gradient at
  the output is simply (probability - label), which stays large exactly when the network
  is confidently wrong, so the worst mistakes teach the most.
* squared-error: each output unit ends in tanh, targets are +1 / -1, and the loss is
  1/2 (output - target)^2. This is what TensorFlow Playground uses, so its settings can be
  reproduced here. Its weakness: the gradient carries a factor (1 - output^2), which
  vanishes when a tanh saturates on the wrong side, so a confidently wrong point barely
  moves the weights.

Why the training loop below is hand-written
-------------------------------------------
The networks here are tiny (at most 7 layers of 8 units) and train with plain SGD on
mini-batches of about 10 points. A step then costs only a few thousand multiply-adds, far
less than the *overhead* of launching each PyTorch operation (about a microsecond each).
The obvious loop (nn.Sequential + autograd + torch.optim + DataLoader) spends nearly all
of its time on bookkeeping: it builds an autograd graph, allocates fresh tensors for every
intermediate result, walks the graph backwards, and updates each parameter tensor apart.
`reference` is that loop; `benchmark_tf_playground` times both (about 10x apart).

`FastTrainer` does exactly the same mathematics (tested against autograd and
torch.optim.SGD) with as few operations as we could manage, about 33 per step for the
largest network:

1. The backward pass is written out by hand (it is just the chain rule), so no graph is
   recorded. Each layer costs two operations forward (matmul, activation) and two backward
   (matmul, multiply by the activation's derivative).
2. Every intermediate lives in a buffer allocated once and overwritten in place (`out=`,
   `tanh_`, `mul_`), so nothing is allocated inside the loop.
3. The bias rides along inside the weight matrix: each activation matrix gets an extra row
   of ones, so "W a + b" is one matmul and the bias gradient comes out of the same matmul
   as the weight gradient.
4. All layers are padded to the same width and stacked, so ONE batched matmul (`bmm`)
   computes the gradients of every layer, ONE op computes every hidden layer's activation
   derivative, and ONE op applies the SGD update to every parameter at once.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import Tensor, nn
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from demos.data2d import DATASETS, MULTICLASS_DATASETS, make_dataset, train_test_split
from demos.framework import (
    Param, ParamError, Progress, Reporter, Result, T, Throttle, Value, no_report, resolve_params,
    seed_everything, single_threaded,
)

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = ("squared-error", "cross-entropy")
TASKS = ("binary", "multiclass")
MULTICLASS_CLASSES = 3
POINTS = 500  # train + test, as in TensorFlow Playground
GRID = 100  # the boundary heatmap is GRID x GRID network outputs
# TensorFlow Playground's geometry: the data fills a disc of radius about 5 (data2d makes
# it in [-1, 1]; we stretch it by SCALE) and the heatmap covers [-6, 6] on both axes. The
# scale matters: inputs of size ~5 push the first layer's tanh units out of their nearly
# linear middle, which gives a deep tanh network the variety it needs to learn the spiral.
SCALE = 5.0
EXTENT = 6.0
REPORTS = 50  # about this many live updates per run
EARLY_EPOCHS = 100  # agrees_with_reference compares this many epochs of the curves closely
HISTORY = ("train_loss", "test_loss", "train_acc", "test_acc")  # the curves recorded every epoch
CLASS_COLORS = ("#f28e2b", "#4e79a7", "#59a14f")


# --------------------------------------------------------------------------- the network

def _tanh_via_sigmoid_(z: Tensor) -> Tensor:
    """tanh(z) = 2 sigmoid(2z) - 1, in place.

    Same function, but PyTorch's CPU tanh is one of its slowest element-wise kernels
    (here ~10x slower than sigmoid). For a 10-point batch that does not matter (the op
    count does), but for the 10,000 points of the boundary heatmap it does.
    """
    return z.mul_(2).sigmoid_().mul_(2).sub_(1)


# The in-place versions overwrite their input instead of allocating a new tensor.
_IN_PLACE = {"tanh": torch.tanh_, "relu": torch.relu_, "sigmoid": torch.sigmoid_}
# For big batches (evaluation, the heatmap), where arithmetic rather than op count costs.
_IN_PLACE_BIG = {**_IN_PLACE, "tanh": _tanh_via_sigmoid_}
BIG_BATCH = 256


def _activate(z: Tensor, activation: str) -> Tensor:
    """The same activations, returning a new tensor (for evaluation, where speed matters less)."""
    functions = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}
    return functions[activation](z) if activation in functions else z


def _derivative(a: Tensor, activation: str, out: Tensor, one: Tensor) -> None:
    """f'(z), written in terms of the activation's *output* a = f(z), into `out`
    (`one` is a tensor holding 1, kept on the right device so no op is spent making it).

    Expressing the derivative through the output means the backward pass needs only the
    activations the forward pass already stored, not the pre-activations z.
        tanh:    1 - a^2
        sigmoid: a (1 - a) = a - a^2
        relu:    1 where a > 0, else 0  (a >= 0, so that is sign(a))
    """
    if activation == "tanh":
        torch.addcmul(one, a, a, value=-1.0, out=out)
    elif activation == "sigmoid":
        torch.addcmul(a, a, a, value=-1.0, out=out)
    elif activation == "relu":
        torch.sign(a, out=out)
    else:
        raise ValueError(f"the derivative of {activation!r} is the constant 1; skip the multiply")


class MLP:
    """A fully connected network 2 -> width x hidden -> outputs, stored for fast SGD.

    All parameters live in ONE tensor `params` of shape (layers, P, P + 1), where P is the
    widest layer. Slice l holds layer l as the matrix [W | b]: P rows (output units) and
    P + 1 columns (input units, then the bias). Narrower layers are padded with zeros, and
    `mask` (1 on real entries, 0 on padding) keeps the padding at zero forever.

    Outputs: with the squared-error loss each output unit ends in tanh (a score in [-1, 1],
    as in TensorFlow Playground); with cross-entropy the outputs are raw logits.
    """

    def __init__(
        self, hidden_layers: int, width: int, outputs: int, activation: str, loss: str,
        *, device: torch.device, generator: torch.Generator,
    ) -> None:
        self.sizes = [2] + [width] * hidden_layers + [outputs]
        self.activation, self.loss = activation, loss
        self.num_layers = len(self.sizes) - 1
        self.pad = max(self.sizes)
        shape = (self.num_layers, self.pad, self.pad + 1)
        self.params = torch.zeros(shape)
        self.mask = torch.zeros(shape)
        self.weight_mask = torch.zeros(shape)  # like mask, but 0 on biases: L2 skips them
        for l, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:])):
            # TensorFlow Playground's initialization: weights uniform in [-0.5, 0.5], biases 0.1.
            self.params[l, :fan_out, :fan_in].uniform_(-0.5, 0.5, generator=generator)
            self.params[l, :fan_out, self.pad] = 0.1
            self.mask[l, :fan_out, :fan_in] = 1.0
            self.mask[l, :fan_out, self.pad] = 1.0
            self.weight_mask[l, :fan_out, :fan_in] = 1.0
        self.params, self.mask, self.weight_mask = (
            t.to(device) for t in (self.params, self.mask, self.weight_mask)
        )

    @property
    def outputs(self) -> int:
        return self.sizes[-1]

    def layers(self) -> list[tuple[Tensor, Tensor]]:
        """(weight, bias) of each layer: views of `params` without the padding."""
        return [
            (self.params[l, :fan_out, :fan_in], self.params[l, :fan_out, self.pad])
            for l, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:]))
        ]

    def forward(self, x: Tensor) -> Tensor:
        """Outputs for points x of shape (n, 2), the ordinary way: one row per point."""
        h = x
        last = self.num_layers - 1
        for l, (weight, bias) in enumerate(self.layers()):
            h = torch.addmm(bias, h, weight.t())  # bias + h W^T, like nn.Linear
            if l < last:
                h = _activate(h, self.activation)
        return torch.tanh(h) if self.loss == "squared-error" else h

    def to_sequential(self) -> nn.Sequential:
        """The same network (a copy of the current weights) as a standard nn.Sequential."""
        modules: list[nn.Module] = []
        activation_module = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
        for l, (weight, bias) in enumerate(self.layers()):
            linear = nn.Linear(weight.shape[1], weight.shape[0], device=weight.device)
            with torch.no_grad():
                linear.weight.copy_(weight)
                linear.bias.copy_(bias)
            modules.append(linear)
            if l < self.num_layers - 1:
                modules.append(activation_module[self.activation]())
        if self.loss == "squared-error":
            modules.append(nn.Tanh())
        return nn.Sequential(*modules)


def targets_for(y: Tensor, outputs: int, loss: str) -> Tensor:
    """Class labels (n,) -> what the output units should produce, shape (n, outputs).

    squared-error: +1 for the right class and -1 otherwise (tanh's range; one unit when
    binary). cross-entropy: 1 and 0 (probabilities).
    """
    if outputs == 1:
        hot = y.float().unsqueeze(1)
    else:
        hot = F.one_hot(y, outputs).float()
    return 2 * hot - 1 if loss == "squared-error" else hot


def point_losses(out: Tensor, y: Tensor, loss: str) -> Tensor:
    """The loss of each point (n,): network outputs `out` (n, outputs), class labels y (n,).

    squared-error: 1/2 * sum over output units of (out - target)^2.
    cross-entropy: binary cross-entropy on one logit, or softmax cross-entropy on several.
    """
    outputs = out.shape[1]
    if loss == "squared-error":
        return 0.5 * (out - targets_for(y, outputs, loss)).pow(2).sum(dim=1)
    if outputs == 1:
        return F.binary_cross_entropy_with_logits(out[:, 0], y.float(), reduction="none")
    return F.cross_entropy(out, y, reduction="none")


def mean_loss(out: Tensor, y: Tensor, loss: str) -> Tensor:
    """The loss SGD minimizes: the mean over the points of `point_losses`."""
    return point_losses(out, y, loss).mean()


def accuracy(out: Tensor, y: Tensor) -> Tensor:
    """Share of points whose predicted class is the label."""
    return (predict_class(out) == y).float().mean()


def predict_class(out: Tensor) -> Tensor:
    """The predicted class: the sign of the single output (tanh score or logit), else the argmax."""
    return (out[:, 0] > 0).long() if out.shape[1] == 1 else out.argmax(dim=1)


# --------------------------------------------------------------------------- fast SGD

class _Workspace:
    """Buffers for one mini-batch size, allocated once and overwritten every step.

    Data is stored "feature-major": a batch is a matrix with one COLUMN per point, so a
    layer computes Z = M A with M = [W | b] and A's last row all ones (that row multiplies
    the bias column). Shapes, with L layers, P units (padded) and B points:
        acts   (L + 1, P + 1, B): acts[0] = input batch, acts[l] = output of layer l
        grad_z (L, P, B):         dLoss/dZ of each layer, filled by the backward pass
        deriv  (L - 1, P, B):     f'(z) of every hidden layer, computed in one op
    """

    def __init__(self, model: MLP, batch: int) -> None:
        L, P, device = model.num_layers, model.pad, model.params.device
        self.batch = batch
        self.acts = torch.zeros(L + 1, P + 1, batch, device=device)
        self.acts[:, P] = 1.0  # the row of ones that turns "W a + b" into one matmul
        self.grad_z = torch.zeros(L, P, batch, device=device)
        self.deriv = torch.zeros(max(L - 1, 0), P, batch, device=device)
        self.out_deriv = torch.zeros(model.outputs, batch, device=device)
        self.one = torch.ones((), device=device)
        # The in-place activation functions (chosen once, not looked up per layer).
        functions = _IN_PLACE_BIG if batch >= BIG_BATCH else _IN_PLACE
        self.activate_ = functions.get(model.activation)  # None for "linear"
        self.output_tanh_ = functions["tanh"]
        # Views made once: slicing a tensor is itself an operation, so we never do it per step.
        a, g = list(self.acts.unbind(0)), list(self.grad_z.unbind(0))
        matrices = list(model.params.unbind(0))
        self.x = a[0]
        # Forward: layer l reads acts[l] and writes the first P rows of acts[l + 1].
        plan = [(matrices[l], a[l], a[l + 1][:P]) for l in range(L)]
        self.hidden_plan, self.output_plan = plan[:-1], plan[-1]
        # Backward: dLoss/dA of layer l's input = W_l^T dLoss/dZ_l (the bias column has no input).
        self.backward_plan = [
            (matrices[l][:, :P].t(), g[l], g[l - 1], self.deriv[l - 1]) for l in range(L - 1, 0, -1)
        ]
        self.hidden = self.acts[1:L, :P]  # every hidden layer's activations, as one tensor
        self.output = a[L][: model.outputs]  # the real output units
        self.grad_out = g[L - 1][: model.outputs]
        # Gradient of layer l's [W | b] = dLoss/dZ_l @ acts[l]^T: for all layers in one bmm.
        self.acts_t = self.acts[:L].transpose(1, 2)


class FastTrainer:
    """Exact mini-batch SGD for an `MLP` on a fixed training set, with few ops per step.

    Same mathematics as torch.optim.SGD(lr, weight_decay=l2 on weights only) on the mean
    loss of each mini-batch; `step` is checked against autograd in the tests.
    """

    def __init__(self, model: MLP, x: Tensor, y: Tensor, *, lr: float, l2: float) -> None:
        self.model, self.lr, self.l2 = model, lr, l2
        device = model.params.device
        self.grad = torch.zeros_like(model.params)  # every layer's gradient, same layout
        # L2 weight decay shrinks each weight by lr * l2 * w before the gradient step
        # (that is the gradient of l2/2 * w^2). One multiply by this precomputed factor.
        self.decay = 1.0 - lr * l2 * model.weight_mask
        self.x_cols = self.columns(x)
        self.t_cols = targets_for(y, model.outputs, model.loss).t().contiguous().to(device)
        self._workspaces: dict[int, _Workspace] = {}
        self._epoch_batches: dict[int, list[tuple[Tensor, Tensor]]] = {}
        self._x_shuffled = torch.empty_like(self.x_cols)
        self._t_shuffled = torch.empty_like(self.t_cols)

    def columns(self, x: Tensor) -> Tensor:
        """Points (n, 2) -> the feature-major matrix (P + 1, n): rows x1, x2, zeros, ones."""
        cols = torch.zeros(self.model.pad + 1, len(x), device=self.model.params.device)
        cols[:2] = x.t()
        cols[-1] = 1.0
        return cols

    def _workspace(self, batch: int) -> _Workspace:
        if batch not in self._workspaces:
            self._workspaces[batch] = _Workspace(self.model, batch)
        return self._workspaces[batch]

    def _forward(self, ws: _Workspace) -> None:
        """Forward pass on ws.x: Z = [W | b] A, then the activation, in place, layer by layer."""
        activate_ = ws.activate_
        for matrix, a_in, z in ws.hidden_plan:
            torch.mm(matrix, a_in, out=z)
            if activate_ is not None:  # None for "linear"
                activate_(z)
        matrix, a_in, z = ws.output_plan
        torch.mm(matrix, a_in, out=z)
        if self.model.loss == "squared-error":
            ws.output_tanh_(ws.output)

    def outputs(self, x_cols: Tensor) -> Tensor:
        """Network outputs (outputs, n) for feature-major points: the same numbers as
        `MLP.forward`, computed with the fast path. The result is a view into a buffer
        that the next call with as many points overwrites."""
        ws = self._workspace(x_cols.shape[1])
        ws.x.copy_(x_cols)
        self._forward(ws)
        return ws.output

    def step(self, x: Tensor, t: Tensor) -> None:
        """One SGD step on a batch given feature-major: x (P + 1, B) with a ones row, t (outputs, B)."""
        ws, model = self._workspace(x.shape[1]), self.model
        ws.x.copy_(x)
        self._forward(ws)

        # dLoss/dZ at the output. We use the batch's SUM here and divide by B in the update.
        if model.loss == "squared-error":
            # loss = 1/2 (a - t)^2 with a = tanh(z)  =>  dLoss/dz = (a - t)(1 - a^2)
            torch.sub(ws.output, t, out=ws.grad_out)
            _derivative(ws.output, "tanh", ws.out_deriv, ws.one)
            ws.grad_out.mul_(ws.out_deriv)
        elif model.outputs == 1:
            # binary cross-entropy on a logit z: dLoss/dz = sigmoid(z) - t
            torch.sigmoid(ws.output, out=ws.grad_out)
            ws.grad_out.sub_(t)
        else:
            # softmax cross-entropy: dLoss/dz = softmax(z) - one_hot (softmax down each column)
            torch.sub(torch.softmax(ws.output, dim=0), t, out=ws.grad_out)

        # Backward pass (the chain rule, layer by layer, output to input):
        #   dLoss/dA_below = W^T dLoss/dZ,   dLoss/dZ_below = dLoss/dA_below * f'(Z_below)
        # f' for every hidden layer at once, from the stored activations: one op.
        linear = model.activation == "linear"  # f' = 1: nothing to compute or multiply
        if not linear and len(ws.deriv):
            _derivative(ws.hidden, model.activation, ws.deriv, ws.one)
        for weight_t, grad_z, grad_below, deriv in ws.backward_plan:
            torch.mm(weight_t, grad_z, out=grad_below)
            if not linear:
                grad_below.mul_(deriv)

        # dLoss/d[W | b] = dLoss/dZ @ A^T for every layer in one batched matmul. The ones
        # row of A makes the last column the bias gradient (the sum of dLoss/dZ over the batch).
        torch.bmm(ws.grad_z, ws.acts_t, out=self.grad)

        # The SGD update of every parameter of every layer in ONE op:
        #   params -= lr / B * grad  (only where mask is 1, so the padding stays zero)
        if self.l2:
            model.params.mul_(self.decay)
        model.params.addcmul_(self.grad, model.mask, value=-self.lr / ws.batch)

    def epoch(self, order: Tensor, batch: int) -> None:
        """One pass over the training set in the given order (a permutation of its indices)."""
        # Shuffle the whole training set once (two ops), then walk through it in slices.
        torch.index_select(self.x_cols, 1, order, out=self._x_shuffled)
        torch.index_select(self.t_cols, 1, order, out=self._t_shuffled)
        if batch not in self._epoch_batches:  # the slices are views: made once, reused
            n = self.x_cols.shape[1]
            self._epoch_batches[batch] = [
                (self._x_shuffled[:, i : i + batch], self._t_shuffled[:, i : i + batch])
                for i in range(0, n, batch)
            ]
        for x, t in self._epoch_batches[batch]:
            self.step(x, t)


# --------------------------------------------------------------------------- the experiment

@dataclass
class _Setup:
    """Everything a run needs besides the training loop, shared by `run` and `reference`."""

    x_train: Tensor
    y_train: Tensor
    x_test: Tensor
    y_test: Tensor
    model: MLP
    classes: int
    shuffle: torch.Generator  # draws each epoch's order of the training points


def _setup(p: Mapping[str, Value], device: torch.device, seed: int) -> _Setup:
    classes = MULTICLASS_CLASSES if p["task"] == "multiclass" else 2
    if classes > 2 and p["dataset"] not in MULTICLASS_DATASETS:
        raise ParamError(
            f"dataset: {p['dataset']} has two classes; multiclass runs on "
            f"{' or '.join(MULTICLASS_DATASETS)}"
        )
    x, y = make_dataset(str(p["dataset"]), POINTS, float(p["noise"]), classes=classes, seed=seed)
    x = SCALE * x
    generator = torch.Generator().manual_seed(seed)
    x_train, y_train, x_test, y_test = train_test_split(x, y, float(p["train_ratio"]), generator=generator)
    model = MLP(
        int(p["hidden_layers"]), int(p["width"]), 1 if classes == 2 else classes,
        str(p["activation"]), str(p["loss"]), device=device, generator=generator,
    )
    return _Setup(
        x_train.to(device), y_train.to(device), x_test.to(device), y_test.to(device),
        model, classes, torch.Generator().manual_seed(seed + 1),
    )


def _grid_points(device: torch.device) -> Tensor:
    """The GRID x GRID points of the heatmap, row by row (row i has x2 = axis[i])."""
    axis = torch.linspace(-EXTENT, EXTENT, GRID, device=device)
    x2, x1 = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([x1.reshape(-1), x2.reshape(-1)], dim=1)


def boundary_values(out: Tensor, loss: str) -> Tensor:
    """What the heatmap shows at each point: binary -> the belief in class 1, in [0, 1];
    multiclass -> the predicted class (0, 1, 2)."""
    if out.shape[1] > 1:
        return out.argmax(dim=1).float()
    if loss == "squared-error":
        return (out[:, 0] + 1) / 2  # a tanh score in [-1, 1], stretched onto [0, 1]
    return torch.sigmoid(out[:, 0])  # a logit: sigmoid gives the probability of class 1


@dataclass(frozen=True)
class BoundaryProgress(Progress):
    """A Progress that also carries the current decision boundary for a live heatmap.

    `boundary` holds GRID * GRID values row by row (row i is the line x2 = axis[i]); see
    `boundary_values` for what they mean. `points` are the training points (x1, x2, class).
    Draw it with `PlaygroundDemo.live_figure`.
    """

    boundary: tuple[float, ...] = ()
    axis: tuple[float, ...] = ()
    classes: int = 2
    points: tuple[tuple[float, float, int], ...] = ()


def _train(
    p: Mapping[str, Value], device: torch.device, seed: int, report: Reporter,
) -> tuple[_Setup, dict[str, Tensor], int | None, float]:
    """Train with `FastTrainer`; return the setup, per-epoch history, divergence epoch, epochs/s."""
    s = _setup(p, device, seed)
    epochs, batch = int(p["epochs"]), min(int(p["batch_size"]), len(s.x_train))
    trainer = FastTrainer(s.model, s.x_train, s.y_train, lr=float(p["lr"]), l2=float(p["l2"]))
    loss = str(p["loss"])
    # One row per curve (HISTORY names them), one column per epoch; filled on the device.
    history = torch.full((len(HISTORY), epochs), float("nan"), device=device)
    # Train and test points go through the network together: one forward pass per epoch.
    n_train = len(s.x_train)
    x_eval = trainer.columns(torch.cat([s.x_train, s.x_test]))
    y_eval = torch.cat([s.y_train, s.y_test])
    train, test = slice(0, n_train), slice(n_train, None)
    grid = trainer.columns(_grid_points(device))
    points = tuple(zip(*(s.x_train.cpu().t().tolist()), s.y_train.cpu().tolist()))
    throttle = Throttle(epochs, every=max(1, epochs // REPORTS))
    diverged_at: int | None = None

    started = time.perf_counter()
    done = 0
    # Each epoch's order of the training points comes from the very sampler a shuffling
    # DataLoader uses, seeded the same way as in `reference`: both see identical batches.
    sampler = RandomSampler(range(n_train), generator=s.shuffle)
    for epoch in range(epochs):
        trainer.epoch(torch.tensor(list(sampler), device=device), batch)
        out = trainer.outputs(x_eval).t()  # (points, outputs)
        losses = point_losses(out, y_eval, loss)
        correct = (predict_class(out) == y_eval).float()
        # Stored on the device: no copy to the host (no GPU sync) until a report.
        history[:, epoch] = torch.stack([
            losses[train].mean(), losses[test].mean(), correct[train].mean(), correct[test].mean()
        ])
        done = epoch + 1
        if epoch == 0 or throttle.due(done):
            train_curve = history[0, :done].cpu()
            if not torch.isfinite(train_curve[-1]):  # divergence is a result, not a crash
                diverged_at = int((~torch.isfinite(train_curve)).nonzero()[0, 0]) + 1
                break
            boundary = boundary_values(trainer.outputs(grid).t(), loss)
            report(_live(s, history, done, epochs, boundary, points))
    seconds = time.perf_counter() - started
    return s, dict(zip(HISTORY, history[:, :done])), diverged_at, done / seconds


def _live(
    s: _Setup, history: Tensor, done: int, total: int, boundary: Tensor,
    points: tuple[tuple[float, float, int], ...],
) -> BoundaryProgress:
    """The live update: loss curves so far, plus the boundary as the network sees it now."""
    return BoundaryProgress(
        done=done, total=total, x=tuple(range(1, done + 1)),
        curves=dict(zip(("train", "test"), history[:2, :done].cpu().tolist())),
        boundary=tuple(boundary.cpu().tolist()),
        axis=tuple(np.linspace(-EXTENT, EXTENT, GRID).tolist()),
        classes=s.classes, points=points,
    )


class PlaygroundDemo:
    id = "playground"
    title = T("Neural network playground", "신경망 놀이터")
    description = T(
        "A small neural network learns to separate two-dimensional points of different "
        "classes. The background shows which class it predicts everywhere in the plane; watch "
        "that decision boundary bend as it trains. Try a network with no hidden layer on the "
        "circles or XOR data, then add layers.",
        "작은 신경망이 서로 다른 클래스의 2차원 점들을 구분하도록 학습합니다. 배경 색은 평면의 "
        "각 위치에서 신경망이 예측하는 클래스입니다. 학습이 진행되면서 결정 경계가 휘어지는 "
        "모습을 지켜보세요. 은닉층이 없는 신경망으로 원형(circles)이나 XOR 데이터를 먼저 "
        "학습해 보고, 그다음 층을 추가해 보세요.",
    )
    params = (
        Param("dataset", T("Data set", "데이터셋"), "spiral", choices=DATASETS,
              choice_labels={"circles": T("circles", "circles (원 안과 밖)"), "xor": T("xor", "xor (사분면)"),
                             "moons": T("moons", "moons (초승달 두 개)"), "spiral": T("spiral", "spiral (나선)"),
                             "blobs": T("blobs", "blobs (점 무리)")},
              help=T("circles and xor need a hidden layer; moons needs a curved boundary for "
                     "the last few points; blobs are linearly separable; spiral is the hardest.",
                     "circles와 xor는 은닉층이 있어야 풀리고, moons는 마지막 몇 점까지 맞히려면 "
                     "휘어진 경계가 필요하며, blobs는 직선으로 나뉘고, spiral이 가장 어렵습니다.")),
        Param("task", T("Task", "과제"), "binary", choices=TASKS,
              choice_labels={"binary": T("binary (2 classes)", "binary (이진 분류)"),
                             "multiclass": T("multiclass (3 classes)", "multiclass (3개 클래스)")},
              help=T("multiclass: three classes (spiral with three arms, or three blobs), "
                     "three output units.",
                     "multiclass: 클래스 세 개(팔이 세 개인 spiral 또는 blob 세 개), 출력 유닛 "
                     "세 개.")),
        Param("hidden_layers", T("Hidden layers", "은닉층 수"), 6, min=0, max=6,
              help=T("0 gives a linear model: its boundary is a straight line.",
                     "0이면 선형 모델이 되어 결정 경계가 직선입니다.")),
        Param("width", T("Units per hidden layer", "은닉층당 유닛 수"), 8, min=1, max=16),
        Param("activation", T("Activation", "활성화 함수"), "tanh", choices=ACTIVATIONS,
              help=T("linear makes any number of layers collapse into one linear model.",
                     "linear를 고르면 층을 아무리 쌓아도 하나의 선형 모델과 같아집니다.")),
        Param("loss", T("Loss", "손실 함수"), "cross-entropy", choices=LOSSES,
              choice_labels={"cross-entropy": T("cross-entropy", "cross-entropy (교차 엔트로피)"),
                             "squared-error": T("squared error", "squared-error (제곱 오차)")},
              help=T("cross-entropy: sigmoid (binary) or softmax (multiclass) on the outputs, "
                     "the natural loss for classification. squared-error: tanh outputs and "
                     "targets ±1, as in TensorFlow Playground.",
                     "cross-entropy: 출력에 시그모이드(이진) 또는 소프트맥스(다중 클래스)를 "
                     "씌우는, 분류에 알맞은 손실입니다. squared-error: 출력에 tanh를 쓰고 "
                     "목표값을 ±1로 두는 TensorFlow Playground 방식입니다.")),
        Param("lr", T("Learning rate", "학습률"), 0.03, min=1e-4, max=3.0, log=True),
        Param("l2", T("L2 regularization", "L2 규제"), 0.0, min=0.0, max=0.1, step=0.001,
              help=T("Shrinks every weight a little each step (biases are not penalized).",
                     "매 단계 가중치를 조금씩 줄입니다 (편향은 규제하지 않음).")),
        Param("noise", T("Noise", "노이즈"), 0.0, min=0.0, max=0.5, step=0.01,
              help=T("Standard deviation of the jitter added to every point, as a share of "
                     "the data's radius.",
                     "각 점에 더하는 흔들림의 표준편차이며, 데이터 반지름에 대한 비율입니다.")),
        Param("train_ratio", T("Share of points for training", "훈련에 쓰는 점의 비율"), 0.5,
              min=0.1, max=0.9, step=0.05,
              help=T("The rest are test points the network never trains on.",
                     "나머지는 학습에 쓰지 않는 테스트 점입니다.")),
        Param("batch_size", T("Batch size", "배치 크기"), 10, min=1, max=POINTS),
        Param("epochs", T("Epochs", "에포크 수"), 1000, min=1, max=5000),
    )

    def run(
        self, params: Mapping[str, Value], *, device: torch.device, seed: int, report: Reporter,
    ) -> Result:
        p = resolve_params(self.params, params)
        seed_everything(seed)
        # The whole run is inference as far as autograd is concerned: we compute every
        # gradient ourselves, so autograd's bookkeeping is switched off entirely.
        with torch.inference_mode(), single_threaded():
            s, history, diverged_at, speed = _train(p, device, seed, report)
            boundary = boundary_values(s.model.forward(_grid_points(device)), s.model.loss)
        return self._result(p, s, history, boundary, diverged_at, speed)

    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The same experiment written the plain way: nn.Sequential, autograd, torch.optim.SGD
        and a shuffling DataLoader. Same data, same initial weights."""
        p = resolve_params(self.params, params)
        seed_everything(seed)
        with single_threaded():  # the same threading as `run`, so timings compare fairly
            return self._reference(p, device, seed)

    def _reference(self, p: Mapping[str, Value], device: torch.device, seed: int) -> Result:
        s = _setup(p, device, seed)
        net = s.model.to_sequential()
        weights = [m.weight for m in net if isinstance(m, nn.Linear)]
        biases = [m.bias for m in net if isinstance(m, nn.Linear)]
        optimizer = torch.optim.SGD(
            [{"params": weights, "weight_decay": float(p["l2"])}, {"params": biases, "weight_decay": 0.0}],
            lr=float(p["lr"]),
        )
        dataset = TensorDataset(s.x_train, s.y_train)
        loader = DataLoader(dataset, batch_size=int(p["batch_size"]),
                            sampler=RandomSampler(dataset, generator=s.shuffle))
        loss, epochs = str(p["loss"]), int(p["epochs"])
        history: dict[str, list[float]] = {k: [] for k in ("train_loss", "test_loss", "train_acc", "test_acc")}
        diverged_at = None
        started = time.perf_counter()
        for epoch in range(epochs):
            net.train()
            for xb, yb in loader:
                batch_loss = mean_loss(net(xb), yb, loss)
                optimizer.zero_grad()
                batch_loss.backward()
                optimizer.step()
            net.eval()
            with torch.no_grad():
                for split, x, y in (("train", s.x_train, s.y_train), ("test", s.x_test, s.y_test)):
                    out = net(x)
                    history[f"{split}_loss"].append(float(mean_loss(out, y, loss)))
                    history[f"{split}_acc"].append(float(accuracy(out, y)))
            if not math.isfinite(history["train_loss"][-1]):
                diverged_at = epoch + 1
                break
        speed = len(history["train_loss"]) / (time.perf_counter() - started)
        with torch.no_grad():  # copy the trained weights back so the boundary can be drawn
            for (w, b), linear in zip(s.model.layers(), [m for m in net if isinstance(m, nn.Linear)]):
                w.copy_(linear.weight)
                b.copy_(linear.bias)
            boundary = boundary_values(s.model.forward(_grid_points(device)), s.model.loss)
        tensors = {k: torch.tensor(v) for k, v in history.items()}
        return self._result(p, s, tensors, boundary, diverged_at, speed)

    def agrees_with_reference(self, fast: Result, reference: Result) -> tuple[bool, str]:
        """Same data, same initial weights, same batches in the same order: the runs differ
        only in floating-point rounding (the fast path adds and multiplies in another order).

        1. Early on the loss curves must match to 1e-4: that proves the same mathematics.
        2. Rounding differences of 1e-7 do not stay small: over hundreds of epochs on the
           spiral, SGD amplifies them until the two runs take visibly different paths
           (typically after ~300 epochs). So at the end we only ask for an equally good
           network: test accuracy within 10 points.
        With a large learning rate and batch size 1 the growth is so fast that the curves
        part within the first epoch and check 1 fails, although every single step agrees
        (the tests compare the steps one by one).
        """
        f, r = fast.metrics, reference.metrics
        if f["diverged"] or r["diverged"]:
            same = bool(f["diverged"]) == bool(r["diverged"])
            return same, f"divergence: fast {bool(f['diverged'])}, reference {bool(r['diverged'])}"
        early = int(min(EARLY_EPOCHS, f["epochs_run"], r["epochs_run"]))
        curve_gap = float(np.max(np.abs(
            fast.data["curves"]["train_loss"][:early] - reference.data["curves"]["train_loss"][:early]
        )))
        acc_gap = abs(f["test_acc"] - r["test_acc"])
        ok = curve_gap <= 1e-4 and acc_gap <= 0.10
        return ok, (
            f"train-loss curves over the first {early} epochs differ by at most {curve_gap:.2e} "
            f"(allowed 1e-4); final test accuracy {100 * f['test_acc']:.1f}% vs "
            f"{100 * r['test_acc']:.1f}% (gap {100 * acc_gap:.1f} points, allowed 10)"
        )

    # ----------------------------------------------------------------------- results

    def _result(
        self, p: Mapping[str, Value], s: _Setup, history: Mapping[str, Tensor], boundary: Tensor,
        diverged_at: int | None, speed: float,
    ) -> Result:
        curves = {k: v.cpu().numpy() for k, v in history.items()}
        ran = len(curves["train_loss"])
        last = {k: float(v[-1]) if ran else float("nan") for k, v in curves.items()}
        metrics = {
            "train_loss": last["train_loss"],
            "test_loss": last["test_loss"],
            "train_acc": last["train_acc"],
            "test_acc": last["test_acc"],
            "epochs_per_s": float(speed),
            "epochs_run": float(ran),
            "diverged": 1.0 if diverged_at is not None else 0.0,
        }
        data = {
            "curves": curves,
            "boundary": boundary.cpu().numpy().reshape(GRID, GRID),
            "axis": np.linspace(-EXTENT, EXTENT, GRID),
            "x_train": s.x_train.cpu().numpy(), "y_train": s.y_train.cpu().numpy(),
            "x_test": s.x_test.cpu().numpy(), "y_test": s.y_test.cpu().numpy(),
            "classes": s.classes,
            "diverged_at": diverged_at,
            "params": dict(p),
        }
        return Result(metrics=metrics, data=data, summary=self._summary(metrics, p, diverged_at))

    @staticmethod
    def _summary(m: Mapping[str, float], p: Mapping[str, Value], diverged_at: int | None) -> T:
        if diverged_at is not None:
            return T(
                f"Training diverged at epoch {diverged_at}: the loss became infinite or NaN. "
                f"Try a smaller learning rate than {p['lr']:g}.",
                f"{diverged_at} 에포크에서 학습이 발산했습니다: 손실이 무한대나 NaN이 되었습니다. "
                f"학습률을 {p['lr']:g}보다 작게 해 보세요.",
            )
        layers = int(p["hidden_layers"])
        shape_en = f"{layers} hidden layer{'s' if layers != 1 else ''} of {p['width']} {p['activation']} units"
        shape_ko = f"{p['activation']} 유닛 {p['width']}개짜리 은닉층 {layers}개"
        if layers == 0:
            shape_en, shape_ko = "no hidden layer (a linear model)", "은닉층이 없는 선형 모델"
        return T(
            f"With {shape_en}, after {int(m['epochs_run'])} epochs the network classifies "
            f"{100 * m['test_acc']:.1f}% of the test points and {100 * m['train_acc']:.1f}% of the "
            f"training points correctly ({m['epochs_per_s']:.0f} epochs per second).",
            f"{shape_ko}로 {int(m['epochs_run'])} 에포크 학습한 결과, 테스트 점의 "
            f"{100 * m['test_acc']:.1f}%와 훈련 점의 {100 * m['train_acc']:.1f}%를 맞게 "
            f"분류했습니다 (초당 {m['epochs_per_s']:.0f} 에포크).",
        )

    # ----------------------------------------------------------------------- figures

    @staticmethod
    def _heatmap(boundary: np.ndarray, axis: Sequence[float], classes: int, lang: str) -> go.Heatmap:
        if classes == 2:
            # Orange for class 0, white where the network is unsure, blue for class 1.
            scale = [[0.0, CLASS_COLORS[0]], [0.5, "#ffffff"], [1.0, CLASS_COLORS[1]]]
            return go.Heatmap(
                x=list(axis), y=list(axis), z=boundary, zmin=0, zmax=1, colorscale=scale,
                opacity=0.55, colorbar={"title": T("belief in class 1", "클래스 1일 확신")(lang)},
                hoverinfo="skip",
            )
        # One flat colour per predicted class: a discrete colour scale over 0..classes-1.
        scale = []
        for k in range(classes):
            scale += [[k / classes, CLASS_COLORS[k]], [(k + 1) / classes, CLASS_COLORS[k]]]
        return go.Heatmap(
            x=list(axis), y=list(axis), z=boundary, zmin=-0.5, zmax=classes - 0.5,
            colorscale=scale, opacity=0.45, showscale=False, hoverinfo="skip",
        )

    @staticmethod
    def _points(x: np.ndarray, y: np.ndarray, name: str, symbol: str, lang: str) -> list[go.Scatter]:
        traces = []
        for k in np.unique(y):
            chosen = y == k
            traces.append(go.Scatter(
                x=x[chosen, 0], y=x[chosen, 1], mode="markers",
                name=f"{name} · {T('class', '클래스')(lang)} {int(k)}",
                marker={"color": CLASS_COLORS[int(k)], "symbol": symbol, "size": 6,
                        "line": {"color": "#ffffff" if symbol == "circle" else "#000000", "width": 1}},
            ))
        return traces

    def _boundary_figure(
        self, boundary: np.ndarray, axis: Sequence[float], classes: int, lang: str,
        train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray] | None, title: str,
    ) -> go.Figure:
        fig = go.Figure(self._heatmap(boundary, axis, classes, lang))
        for trace in self._points(*train, T("train", "훈련")(lang), "circle", lang):
            fig.add_trace(trace)
        if test is not None:
            for trace in self._points(*test, T("test", "테스트")(lang), "circle-open", lang):
                fig.add_trace(trace)
        fig.update_layout(
            title=title, height=480, margin={"t": 50, "b": 40},
            xaxis={"title": "x₁", "range": [-EXTENT, EXTENT], "constrain": "domain"},
            yaxis={"title": "x₂", "range": [-EXTENT, EXTENT], "scaleanchor": "x"},
            legend={"orientation": "h", "y": -0.15},
        )
        return fig

    def live_figure(self, progress: Progress, lang: str) -> go.Figure | None:
        """The boundary heatmap from a live `BoundaryProgress` (None for any other Progress)."""
        if not isinstance(progress, BoundaryProgress) or not progress.boundary:
            return None
        boundary = np.asarray(progress.boundary).reshape(GRID, GRID)
        pts = np.asarray(progress.points, dtype=float).reshape(-1, 3)
        title = T(f"Decision boundary at epoch {progress.done}",
                  f"{progress.done} 에포크의 결정 경계")(lang)
        return self._boundary_figure(
            boundary, progress.axis, progress.classes, lang,
            (pts[:, :2], pts[:, 2].astype(int)), None, title,
        )

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        d, m = result.data, result.metrics
        title = T(
            f"Decision boundary (test accuracy {100 * m['test_acc']:.1f}%)",
            f"결정 경계 (테스트 정확도 {100 * m['test_acc']:.1f}%)",
        )(lang)
        boundary = self._boundary_figure(
            d["boundary"], d["axis"], d["classes"], lang,
            (d["x_train"], d["y_train"]), (d["x_test"], d["y_test"]), title,
        )

        curves = d["curves"]
        epochs = np.arange(1, len(curves["train_loss"]) + 1)
        fig = make_subplots(rows=1, cols=2, subplot_titles=(T("Loss", "손실")(lang), T("Accuracy", "정확도")(lang)))
        for split, color in (("train", "#4e79a7"), ("test", "#e15759")):
            name = T("train", "훈련")(lang) if split == "train" else T("test", "테스트")(lang)
            for col, metric in ((1, "loss"), (2, "acc")):
                fig.add_trace(go.Scatter(
                    x=epochs, y=curves[f"{split}_{metric}"], name=name, legendgroup=split,
                    showlegend=col == 1, line={"color": color},
                ), row=1, col=col)
        if d["diverged_at"] is not None:
            fig.add_vline(x=d["diverged_at"], line_dash="dash", line_color="#d62728",
                          annotation_text=T("diverged", "발산")(lang))
        fig.update_xaxes(title_text=T("epoch", "에포크")(lang))
        fig.update_yaxes(type="log", row=1, col=1)
        fig.update_yaxes(range=[0, 1.02], row=1, col=2)
        fig.update_layout(height=380, margin={"t": 40, "b": 40}, legend={"orientation": "h", "y": -0.25})
        return [boundary, fig]


DEMO = PlaygroundDemo()


# --------------------------------------------------------------------------- benchmark

TF_PLAYGROUND_CONFIG: dict[str, Value] = {
    # TensorFlow Playground's largest network on its hardest data set.
    "dataset": "spiral", "task": "binary", "hidden_layers": 6, "width": 8, "activation": "tanh",
    "loss": "squared-error", "lr": 0.03, "l2": 0.0, "noise": 0.0, "train_ratio": 0.5, "batch_size": 10,
}


def _timed(task: Callable[[], Result]) -> tuple[Result, float, float]:
    """Run `task`; return its result, the wall-clock seconds and the CPU seconds it took.

    CPU time counts only the time this process actually ran, so on a machine shared with
    other busy processes it still measures the work; wall-clock time measures the wait too.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = task()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def benchmark_tf_playground(device: torch.device | str | None = None, epochs: int = 300) -> dict[str, float]:
    """Epochs per second on TensorFlow Playground's largest configuration (6 hidden layers
    of 8 tanh units, spiral, 250 training points, batch 10, SGD lr 0.03, squared error).

    fast:  this demo's own `run`, including its per-epoch train/test evaluation and the
           live 100x100 boundary every epochs/REPORTS epochs;
    plain: `reference`: nn.Sequential + autograd + torch.optim.SGD + DataLoader, also
           evaluating train/test loss every epoch (run for a tenth of the epochs: it is slow).
    Both are timed whole (data, setup, final figures' data included), by the wall clock
    and by CPU time, after a short warm-up run of each.
    """
    device = torch.device(device) if device is not None else torch.device("cpu")
    plain_epochs = max(1, epochs // 10)
    # Warm up both paths first: the first autograd backward, the first optimizer step and
    # the first DataLoader pay one-off setup costs (about a second) that are not training.
    DEMO.run({**TF_PLAYGROUND_CONFIG, "epochs": 2}, device=device, seed=0, report=no_report)
    DEMO.reference({**TF_PLAYGROUND_CONFIG, "epochs": 2}, device=device, seed=0)
    _, fast_wall, fast_cpu = _timed(lambda: DEMO.run(
        {**TF_PLAYGROUND_CONFIG, "epochs": epochs}, device=device, seed=0, report=no_report))
    _, plain_wall, plain_cpu = _timed(lambda: DEMO.reference(
        {**TF_PLAYGROUND_CONFIG, "epochs": plain_epochs}, device=device, seed=0))
    return {
        "epochs_fast": float(epochs),
        "epochs_plain": float(plain_epochs),
        "fast_epochs_per_s": epochs / fast_wall,
        "plain_epochs_per_s": plain_epochs / plain_wall,
        "speedup": (epochs / fast_wall) / (plain_epochs / plain_wall),
        "fast_epochs_per_cpu_s": epochs / fast_cpu,
        "plain_epochs_per_cpu_s": plain_epochs / plain_cpu,
        "boundary_every_epochs": float(max(1, epochs // REPORTS)),
    }
