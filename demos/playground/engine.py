"""The playground's engine: the lesson's exact training run, with a hand-written SGD loop.

Never shown on the page; `studyapp bench playground` keeps it honest (it must stay at least
2x faster than the lesson, with results that agree).

Why the lesson is slow
----------------------
The networks here are tiny (at most 7 layers of 16 units) and train with plain SGD on
mini-batches of about 10 points. A step then costs a few thousand multiply-adds, far less than
the *overhead* of launching each PyTorch operation (about a microsecond each) and of the
DataLoader fetching and stacking ten points one by one. The lesson's loop (nn.Sequential +
autograd + torch.optim.SGD + DataLoader) spends nearly all of its time on that bookkeeping:
it builds an autograd graph, allocates fresh tensors for every intermediate result, walks the
graph backwards, and updates each parameter tensor apart. On TensorFlow Playground's largest
network this engine measured about 10x faster (`benchmark_tf_playground`).

What the engine does instead
----------------------------
Exactly the same mathematics (the tests check each step against autograd and torch.optim.SGD),
from the same initial weights (the lesson's own `make_model`) and the same shuffles (drawn
through a DataLoader from the same random state), with about 33 operations per step for the
largest network:

1. The backward pass is written out by hand (it is just the chain rule), so no graph is
   recorded. Each layer costs two operations forward (matmul, activation) and two backward
   (matmul, multiply by the activation's derivative).
2. Every intermediate lives in a buffer allocated once and overwritten in place (`out=`,
   `tanh_`, `mul_`), so nothing is allocated inside the loop.
3. The bias rides along inside the weight matrix: each activation matrix gets an extra row of
   ones, so "W a + b" is one matmul and the bias gradient comes out of the same matmul as the
   weight gradient.
4. All layers are padded to the same width and stacked, so ONE batched matmul (`bmm`) computes
   the gradients of every layer, ONE op computes every hidden layer's activation derivative,
   and ONE op applies the SGD update to every parameter at once.
5. The train and test curves stay on the device; they are copied to the host only at the
   lesson's reports (one wait for a GPU per report, not four per epoch).
"""

from __future__ import annotations

import math
import time
from contextlib import nullcontext
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils.data import BatchSampler, DataLoader, RandomSampler

from demos.data import split_2d
from demos.device import single_threaded, torch_threads
from demos.framework import demo_thread_count
from demos.playground import lesson
from demos.playground.lesson import EXTENT, GRID, POINTS, REPORTS, SCALE

EARLY_EPOCHS = 100  # `agrees` compares this many epochs of the loss curves closely
BIG_BATCH = 256  # from this many points on (evaluation, the picture) arithmetic costs, not ops


def _tanh_via_sigmoid_(z: Tensor) -> Tensor:
    """tanh(z) = 2 sigmoid(2z) - 1, in place.

    Same function, but PyTorch's CPU tanh is one of its slowest element-wise kernels (here
    ~10x slower than sigmoid). For a 10-point batch that does not matter (the op count does),
    but for the 10,000 points of the picture it does.
    """
    return z.mul_(2).sigmoid_().mul_(2).sub_(1)


# The in-place versions overwrite their input instead of allocating a new tensor.
_IN_PLACE = {"tanh": torch.tanh_, "relu": torch.relu_, "sigmoid": torch.sigmoid_}
_IN_PLACE_BIG = {**_IN_PLACE, "tanh": _tanh_via_sigmoid_}


def _derivative(a: Tensor, activation: str, out: Tensor, one: Tensor) -> None:
    """f'(z), written in terms of the activation's *output* a = f(z), into `out` (`one` is a
    tensor holding 1, kept on the right device so no op is spent making it).

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
    """The lesson's network (Linear layers with an activation between them), stored for fast SGD.

    All parameters live in ONE tensor `params` of shape (layers, P, P + 1), where P is the
    widest layer. Slice l holds layer l as the matrix [W | b]: P rows (output units) and P + 1
    columns (input units, then the bias). Narrower layers are padded with zeros, and `mask`
    (1 on real entries, 0 on padding) keeps the padding at zero forever.

    Outputs: with the squared-error loss each output unit ends in tanh (a score in [-1, 1]);
    with cross-entropy the outputs are raw logits. Both as in the lesson's `make_model`.
    """

    def __init__(self, model: nn.Sequential, activation: str, loss: str) -> None:
        linears = [m for m in model if isinstance(m, nn.Linear)]
        self.sizes = [linears[0].in_features] + [m.out_features for m in linears]
        self.activation, self.loss = activation, loss
        self.num_layers = len(linears)
        self.pad = max(self.sizes)
        device = linears[0].weight.device
        shape = (self.num_layers, self.pad, self.pad + 1)
        self.params = torch.zeros(shape, device=device)
        self.mask = torch.zeros(shape, device=device)
        self.weight_mask = torch.zeros(shape, device=device)  # like mask, but 0 on biases
        for l, linear in enumerate(linears):
            fan_out, fan_in = linear.weight.shape
            self.params[l, :fan_out, :fan_in] = linear.weight.detach()
            self.params[l, :fan_out, self.pad] = linear.bias.detach()
            self.mask[l, :fan_out, :fan_in] = 1.0
            self.mask[l, :fan_out, self.pad] = 1.0
            self.weight_mask[l, :fan_out, :fan_in] = 1.0

    @property
    def outputs(self) -> int:
        return self.sizes[-1]

    def layers(self) -> list[tuple[Tensor, Tensor]]:
        """(weight, bias) of each layer: views of `params` without the padding."""
        return [(self.params[l, :fan_out, :fan_in], self.params[l, :fan_out, self.pad])
                for l, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:]))]

    def copy_to(self, model: nn.Sequential) -> None:
        """Write the trained weights back into the lesson's nn.Sequential."""
        with torch.no_grad():
            for (weight, bias), linear in zip(self.layers(), [m for m in model if isinstance(m, nn.Linear)]):
                linear.weight.copy_(weight)
                linear.bias.copy_(bias)


def targets_for(y: Tensor, outputs: int, loss: str) -> Tensor:
    """Class labels (n,) -> what the output units should produce, shape (n, outputs):
    squared-error +1 for the right class and -1 otherwise; cross-entropy 1 and 0."""
    hot = y.float().unsqueeze(1) if outputs == 1 else F.one_hot(y, outputs).float()
    return 2 * hot - 1 if loss == "squared-error" else hot


def point_losses(out: Tensor, y: Tensor, loss: str) -> Tensor:
    """The loss of each point (n,); their mean is the lesson's `loss_of`."""
    if loss == "squared-error":
        return 0.5 * (out - targets_for(y, out.shape[1], loss)).pow(2).sum(dim=1)
    if out.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(out[:, 0], y.float(), reduction="none")
    return F.cross_entropy(out, y, reduction="none")


def picture(out: Tensor, loss: str) -> Tensor:
    """The lesson's `boundary` from the network's outputs (GRID * GRID, outputs) at the grid."""
    if out.shape[1] > 1:
        belief = out.argmax(1).float()
    else:
        belief = (out[:, 0] + 1) / 2 if loss == "squared-error" else torch.sigmoid(out[:, 0])
    return belief.view(GRID, GRID).cpu()


class _Workspace:
    """Buffers for one mini-batch size, allocated once and overwritten every step.

    Data is stored "feature-major": a batch is a matrix with one COLUMN per point, so a layer
    computes Z = M A with M = [W | b] and A's last row all ones (that row multiplies the bias
    column). Shapes, with L layers, P units (padded) and B points:
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
        # Views made once: slicing a tensor is itself an operation, so never per step.
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

    Same mathematics as torch.optim.SGD(lr, weight_decay=l2 on weights only) on the mean loss
    of each mini-batch; `step` is checked against autograd in the tests.
    """

    def __init__(self, model: MLP, x: Tensor, y: Tensor, *, lr: float, l2: float) -> None:
        self.model, self.lr, self.l2 = model, lr, l2
        self.grad = torch.zeros_like(model.params)  # every layer's gradient, same layout
        # L2 weight decay shrinks each weight by lr * l2 * w before the gradient step (the
        # gradient of l2/2 * w^2). One multiply by this precomputed factor.
        self.decay = 1.0 - lr * l2 * model.weight_mask
        self.x_cols = self.columns(x)
        self.t_cols = targets_for(y, model.outputs, model.loss).t().contiguous()
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
        """Network outputs (outputs, n) for feature-major points: the lesson's model(x).t(),
        computed the fast way. A view into a buffer that the next call with as many points
        overwrites."""
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

        # dLoss/d[W | b] = dLoss/dZ @ A^T for every layer in one batched matmul. The ones row
        # of A makes the last column the bias gradient (the sum of dLoss/dZ over the batch).
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


def train(dataset="circles", hidden_layers=2, width=8, activation="tanh", loss="cross-entropy",
          lr=0.03, l2=0.0, noise=0.0, train_ratio=0.5, batch_size=10, epochs=300,
          *, device="cpu", seed=0, report=None):
    """The lesson's `train`, the same run and the same result, with a hand-written SGD loop."""
    report = report or (lambda *args, **kwargs: False)
    device = torch.device(device)
    # Tiny ops: splitting one across threads costs more than the op (see single_threaded).
    with single_threaded() if device.type == "cpu" else nullcontext():
        return _train(dataset, hidden_layers, width, activation, loss, lr, l2, noise, train_ratio,
                      batch_size, epochs, device, seed, report)


def _train(dataset, hidden_layers, width, activation, loss, lr, l2, noise, train_ratio, batch_size,
           epochs, device, seed, report) -> dict[str, Any]:
    # Everything up to the loop exactly as in the lesson, so the random numbers are the same.
    torch.manual_seed(seed)
    x_train, y_train, x_test, y_test = split_2d(dataset, POINTS, noise, train_ratio, seed=seed)
    x_train, y_train = (SCALE * x_train).to(device), y_train.to(device)
    x_test, y_test = (SCALE * x_test).to(device), y_test.to(device)
    classes = int(y_train.max()) + 1
    model = lesson.make_model(hidden_layers, width, 1 if classes == 2 else classes, activation, loss)
    model.to(device)
    n = len(x_train)
    # The lesson's DataLoader(shuffle=True) draws each epoch's order from the global random
    # state; a DataLoader handing out the whole order at once draws the very same numbers.
    orders = DataLoader(torch.arange(n), batch_size=None,
                        sampler=BatchSampler(RandomSampler(range(n)), n, drop_last=False))
    axis = torch.linspace(-EXTENT, EXTENT, GRID, device=device)
    x2, x1 = torch.meshgrid(axis, axis, indexing="ij")
    grid = torch.stack([x1.flatten(), x2.flatten()], dim=1)
    points = (x_train.cpu(), y_train.cpu())

    # We compute every gradient ourselves: autograd's bookkeeping is switched off entirely.
    with torch.inference_mode():
        net = MLP(model, activation, loss)
        trainer = FastTrainer(net, x_train, y_train, lr=lr, l2=l2)
        batch = min(batch_size, n)
        # Train and test points go through the network together: one forward pass per epoch.
        x_eval, y_eval = trainer.columns(torch.cat([x_train, x_test])), torch.cat([y_train, y_test])
        grid_cols = trainer.columns(grid)
        # Rows: train loss, test loss, train acc, test acc; one column per epoch, on the device.
        curves = torch.full((4, epochs), math.nan, device=device)
        done, diverged_at, every = 0, 0, max(1, epochs // REPORTS)
        for epoch in range(1, epochs + 1):
            trainer.epoch(next(iter(orders)).to(device), batch)
            out = trainer.outputs(x_eval).t()
            losses = point_losses(out, y_eval, loss)
            correct = (lesson.predict(out) == y_eval).float()
            curves[:, epoch - 1] = torch.stack([losses[:n].mean(), losses[n:].mean(),
                                                correct[:n].mean(), correct[n:].mean()])
            done = epoch
            if epoch == 1 or epoch % every == 0 or epoch == epochs:
                # The lesson stops at the first epoch whose training loss is not finite.
                bad = (~torch.isfinite(curves[0, :epoch])).nonzero()
                if len(bad):
                    diverged_at = done = int(bad[0, 0]) + 1
                    break
                train_loss, test_loss = curves[:2, epoch - 1].tolist()
                if report(epoch, epochs, {"train loss": train_loss, "test loss": test_loss},
                          boundary=picture(trainer.outputs(grid_cols).t(), loss), points=points):
                    break
        values = curves[:, :done].cpu().tolist()

    net.copy_to(model)  # the rest exactly as in the lesson, on its own model
    train_loss, train_acc = lesson.evaluate(model, x_train, y_train, loss)
    test_loss, test_acc = lesson.evaluate(model, x_test, y_test, loss)
    history = {"epoch": list(range(1, done + 1)), "train loss": values[0], "test loss": values[1],
               "train acc": values[2], "test acc": values[3]}
    metrics = {"train_loss": train_loss, "test_loss": test_loss, "train_acc": train_acc,
               "test_acc": test_acc, "epochs_run": done, "diverged_epoch": diverged_at}
    return {"metrics": metrics, "history": history, "boundary": lesson.boundary(model, grid, loss),
            "x_train": points[0], "y_train": points[1], "x_test": x_test.cpu(),
            "y_test": y_test.cpu(), "classes": classes}


def agrees(engine_out: dict[str, Any], lesson_out: dict[str, Any]) -> tuple[bool, str]:
    """Same data, same initial weights, same batches in the same order: the runs differ only in
    floating-point rounding (the engine adds and multiplies in another order).

    1. Early on the training-loss curves must match to 1e-4: that proves the same mathematics.
    2. Rounding differences of 1e-7 do not stay small: over hundreds of epochs on the spiral,
       SGD amplifies them until the two runs take visibly different paths. So at the end we
       only ask for an equally good network: test accuracy within 10 points.
    With a large learning rate and batch size 1 the growth is so fast that the curves part
    within the first epochs and check 1 fails, although every single step agrees (the tests
    compare the steps one by one). A run that diverges must diverge in both, within 2 epochs.
    """
    e, l = engine_out["metrics"], lesson_out["metrics"]
    if e["diverged_epoch"] or l["diverged_epoch"]:
        ok = bool(e["diverged_epoch"]) and bool(l["diverged_epoch"]) and abs(
            e["diverged_epoch"] - l["diverged_epoch"]) <= 2
        return ok, f"diverged at epoch {e['diverged_epoch']} (engine) and {l['diverged_epoch']} (lesson)"
    early = int(min(EARLY_EPOCHS, e["epochs_run"], l["epochs_run"]))
    gap = max((abs(a - b) for a, b in zip(engine_out["history"]["train loss"][:early],
                                          lesson_out["history"]["train loss"][:early])), default=0.0)
    acc_gap = abs(e["test_acc"] - l["test_acc"])
    ok = gap <= 1e-4 and acc_gap <= 0.10
    return ok, (f"train loss over the first {early} epochs within {gap:.1e} (allowed 1e-4); test "
                f"accuracy {100 * e['test_acc']:.1f}% vs {100 * l['test_acc']:.1f}% (allowed 10 points)")


# TensorFlow Playground's largest network on its hardest data set.
TF_PLAYGROUND = {"dataset": "spiral", "hidden_layers": 6, "width": 8, "activation": "tanh",
                 "loss": "squared-error", "lr": 0.03, "l2": 0.0, "noise": 0.0, "train_ratio": 0.5,
                 "batch_size": 10}


def benchmark_tf_playground(device: torch.device | str = "cpu", epochs: int = 300) -> dict[str, float]:
    """Epochs per second on TensorFlow Playground's largest configuration (6 hidden layers of 8
    tanh units, spiral, 250 training points, batch 10, SGD lr 0.03, squared error): this engine
    against the lesson (run for a tenth of the epochs: it is slow). Both with their per-epoch
    evaluation and live pictures, timed whole by the wall clock and by CPU time, after a short
    warm-up run of each, on as many threads as the app gives a demo."""
    lesson_epochs = max(1, epochs // 10)
    runs = {"engine": (train, epochs), "lesson": (lesson.train, lesson_epochs)}
    speed: dict[str, float] = {}
    with torch_threads(demo_thread_count()):
        for name, (run, count) in runs.items():
            run(**TF_PLAYGROUND, epochs=2, device=device)  # first-call costs are not training
            wall, cpu = time.perf_counter(), time.process_time()
            run(**TF_PLAYGROUND, epochs=count, device=device)
            speed[f"{name}_epochs_per_s"] = count / (time.perf_counter() - wall)
            speed[f"{name}_epochs_per_cpu_s"] = count / (time.process_time() - cpu)
    return {"tf_playground_engine_epochs_per_s": speed["engine_epochs_per_s"],
            "tf_playground_lesson_epochs_per_s": speed["lesson_epochs_per_s"],
            "tf_playground_speedup": speed["engine_epochs_per_s"] / speed["lesson_epochs_per_s"],
            "tf_playground_speedup_cpu_time": (speed["engine_epochs_per_cpu_s"]
                                               / speed["lesson_epochs_per_cpu_s"])}
