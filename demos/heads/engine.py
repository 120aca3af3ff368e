"""The heads lesson's six networks trained as one: never shown, only faster.

The lesson's six plain models become the six copies of one `demos.stacked.StackedMLP`, each
starting from exactly the weights the lesson's `make_model` gives it (the 1- and 3-output heads
padded with zero outputs their losses ignore). Each step runs one batched forward pass, the
six losses' gradients with respect to the logits written out by hand (`output_gradients`; a
test checks them against autograd on the lesson's `loss_fn`), and one batched backward pass by
hand, where the lesson runs six of each through autograd. The batches, the divergence check and
the evaluation are the lesson's own, so both train the same networks on the same batches, up
to rounding.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from demos.data import split_digits
from demos.heads import lesson
from demos.heads.lesson import EXAMPLE_DIGITS, SETUPS, tags
from demos.stacked import StackedMLP, add_backward, forward_keeping_inputs, linear_layers

NAMES = tuple(SETUPS)
WIDTHS = tuple(SETUPS.values())
COPY = {name: i for i, name in enumerate(NAMES)}
BCE_EPSILON = 1e-12  # PyTorch's binary_cross_entropy divides by max(p(1 − p), this)


def output_gradients(logits: torch.Tensor, one_hot: torch.Tensor, tag: torch.Tensor) -> torch.Tensor:
    """∂(each copy's loss)/∂(its logits), for the lesson's six losses at once.

    logits: (copies, N, 10) in NAMES order, each copy reading its first WIDTHS outputs (the
    rest of each row gets 0); one_hot: the (N, 10) digit labels; tag: the (N, 3) `tags`. With
    p the head's probabilities and t the targets, BCE on logits and cross-entropy on logits
    give (p − t)/count; a loss L(p) on softmax probabilities gives p ⊙ (g − Σ g·p) with
    g = ∂L/∂p (softmax's own backward).
    """
    n = logits.shape[1]
    delta = torch.zeros_like(logits)
    z = {name: logits[COPY[name], :, :WIDTHS[COPY[name]]] for name in NAMES}
    delta[COPY["binary"], :, 0] = (torch.sigmoid(z["binary"][:, 0]) - tag[:, 0]) / n
    delta[COPY["multilabel"], :, :3] = (torch.sigmoid(z["multilabel"]) - tag) / (3 * n)
    p = {name: z[name].softmax(dim=-1)
         for name in ("multiclass", "double_softmax", "multilabel_softmax", "mse")}
    delta[COPY["multiclass"]] = (p["multiclass"] - one_hot) / n
    q = p["multilabel_softmax"]
    g = {"double_softmax": (p["double_softmax"].softmax(dim=-1) - one_hot) / n,
         "multilabel_softmax": (q - tag) / ((1 - q) * q).clamp_min(BCE_EPSILON) / (3 * n),
         "mse": 2 * (p["mse"] - one_hot) / (10 * n)}
    for name, grad in g.items():
        delta[COPY[name], :, :WIDTHS[COPY[name]]] = p[name] * (grad - (grad * p[name]).sum(-1, keepdim=True))
    return delta


class _Computed:
    """Stands in for a model in lesson.evaluate: hands back logits already computed."""

    def __init__(self, logits: torch.Tensor) -> None:
        self.logits = logits

    def eval(self) -> None:
        pass

    def __call__(self, _x: torch.Tensor) -> torch.Tensor:
        return self.logits


def _evaluate(model: StackedMLP, x: torch.Tensor, y: torch.Tensor, names) -> dict:
    """lesson.evaluate for every copy named, from one batched forward pass."""
    logits, _ = forward_keeping_inputs(model, x.expand(len(NAMES), -1, -1))
    return {name: lesson.evaluate(name, _Computed(logits[COPY[name], :, :WIDTHS[COPY[name]]]), x, y)
            for name in NAMES if name in names}


def _train_step(model: StackedMLP, opt: torch.optim.Optimizer, inputs: list[torch.Tensor],
                delta: torch.Tensor) -> None:
    """One optimizer step from δ = ∂loss/∂logits: the gradients by hand, then the update."""
    opt.zero_grad(set_to_none=False)
    add_backward(model, inputs, delta)
    opt.step()


def train(steps=200, batch_size=64, optimizer="sgd", lr=0.1, hidden=64,
          *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)
    x_train, y_train, x_val, y_val = split_digits(test_size=500, seed=seed)
    x_train, y_train = x_train.to(device), y_train.to(device)
    x_val, y_val = x_val.to(device), y_val.to(device)

    # The lesson's models, built in its order (so the random batches after them match too).
    plain = [lesson.make_model(hidden, SETUPS[name], seed) for name in NAMES]
    model = StackedMLP.from_inits([linear_layers(m) for m in plain]).to(device)
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    # Every training image's targets, once (the lesson builds them batch by batch).
    one_hot_train, tag_train = F.one_hot(y_train, 10).float(), tags(y_train)
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    copies = len(NAMES)
    history = {name: {"step": [], "val acc": [], "grad norm": []} for name in NAMES}
    diverged: dict[str, int] = {}
    frozen: dict[int, list[torch.Tensor]] = {}  # copy -> its weights when it diverged
    active = torch.ones(copies, 1, 1, dtype=torch.bool, device=device)
    every = max(1, steps // 25)

    for step in range(1, steps + 1):
        due = step == 1 or step % every == 0 or step == steps
        idx = torch.randint(len(x_train), (batch_size,))
        logits, inputs = forward_keeping_inputs(model, x_train[idx].expand(copies, -1, -1))
        # As in the lesson: a copy whose outputs are no longer finite numbers has diverged.
        finite = torch.isfinite(logits).flatten(1).all(dim=1)
        for i in (~finite).nonzero().flatten().tolist():
            if NAMES[i] not in diverged:
                diverged[NAMES[i]] = step
                frozen[i] = [p[i].clone() for p in model.parameters()]
                active[i] = False
        if len(diverged) < copies:
            _train_step(model, opt, inputs, torch.where(
                active, output_gradients(logits, one_hot_train[idx], tag_train[idx]), 0.0))
            if due:
                squares = sum(p.grad.pow(2).flatten(1).sum(dim=1) for p in model.parameters())
                for i, norm in enumerate(squares.sqrt().tolist()):
                    if NAMES[i] not in diverged:
                        history[NAMES[i]]["grad norm"].append(norm)
            with torch.no_grad():  # a stopped copy keeps the weights it stopped with
                for i, saved in frozen.items():
                    for p, w in zip(model.parameters(), saved):
                        p[i] = w
        if due:
            latest = {}
            for name, (acc, _) in _evaluate(model, x_val, y_val, set(NAMES) - set(diverged)).items():
                latest[name] = acc
                history[name]["step"].append(step)
                history[name]["val acc"].append(acc)
            if report(step, steps, latest):
                break

    metrics, probs = {}, {}
    final = _evaluate(model, x_val, y_val, set(NAMES))
    for name in NAMES:  # the lesson's metrics, in its order
        metrics[f"{name}_acc"], probs[name] = final[name]
        metrics[f"{name}_grad_start"] = (history[name]["grad norm"] or [math.nan])[0]
        metrics[f"{name}_diverged_step"] = diverged.get(name, 0)
        if name != "binary":
            metrics[f"{name}_row_sum"] = probs[name].sum(dim=1).mean().item()
    sums = probs["multilabel"].sum(dim=1)
    metrics["multilabel_rows_not_one"] = ((sums - 1).abs() > 0.05).float().mean().item()
    examples = [int((y_val == d).nonzero()[0]) for d in EXAMPLE_DIGITS]
    return {"metrics": metrics, "history": history,
            "example_images": x_val[examples].cpu().numpy(), "example_labels": list(EXAMPLE_DIGITS),
            "example_probs": {name: p[examples].cpu().numpy() for name, p in probs.items()}}


def agrees(engine_out: dict, lesson_out: dict) -> tuple[bool, str]:
    """Both train the same six networks on the same batches, so they must agree closely:

    * the same metrics, and the same first gradient norm for every setup within 1% (the first
      step is the same arithmetic, so this checks the hand-written gradients);
    * every validation accuracy within 5 points, and the same setups diverge;
    * the same verdict on each mistake: it trails its task's right setup by more than 2 points
      in both runs, or in neither.

    At an unstable learning rate (SGD with 0.5 or more), where the training curves jump, rounding
    differences grow from step to step and the two runs drift apart; there they can disagree.
    """
    e, m = engine_out["metrics"], lesson_out["metrics"]
    if set(e) != set(m):
        return False, f"different metrics: {sorted(set(e) ^ set(m))}"
    problems = []
    for name in NAMES:
        a, b = e[f"{name}_grad_start"], m[f"{name}_grad_start"]
        if not (abs(a - b) <= 0.01 * abs(b)):
            problems.append(f"{name}: first gradient norm {a:.4g} vs {b:.4g}")
        if abs(e[f"{name}_acc"] - m[f"{name}_acc"]) > 0.05:
            problems.append(f"{name}: accuracy {e[f'{name}_acc']:.3f} vs {m[f'{name}_acc']:.3f}")
        if bool(e[f"{name}_diverged_step"]) != bool(m[f"{name}_diverged_step"]):
            problems.append(f"{name}: diverged at step {e[f'{name}_diverged_step']:.0f} vs "
                            f"{m[f'{name}_diverged_step']:.0f}")
    for mistake, right in (("double_softmax", "multiclass"), ("mse", "multiclass"),
                           ("multilabel_softmax", "multilabel")):
        trails = [r[f"{right}_acc"] - r[f"{mistake}_acc"] > 0.02 for r in (e, m)]
        if trails[0] != trails[1]:
            problems.append(f"{mistake} trails {right}: {trails[0]} (engine) vs {trails[1]} (lesson)")
    if problems:
        return False, "; ".join(problems)
    worst = max(abs(e[f"{n}_acc"] - m[f"{n}_acc"]) for n in NAMES)
    return True, (f"first gradients within 1%, accuracies within {100 * worst:.1f} points, "
                  "same divergence and the same verdict on every mistake")
