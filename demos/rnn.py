"""Vanilla RNN vs LSTM vs GRU: who can remember a token across a long delay?

The task: each sequence starts with one of four symbols (A, B, C or D), marked by a flag,
followed by `delay` random distractor symbols from the same four. At the very end the model
must say which symbol came first. Nothing after the first step helps: the network has to
carry that one symbol through `delay` steps of noise. Guessing gives 25%.

    B* D A A C D B ... C   →   "B"

The three recurrent networks (same hidden size, same linear read-out) train at the same time,
one thread each, on the same batches. You see:

* their accuracy: as the delay grows, the vanilla RNN falls to chance while the gated LSTM
  and GRU keep remembering;
* why: the size of the gradient ‖∂loss/∂h_t‖ at every step t, computed by unrolling each
  network by hand. In the vanilla RNN every step back multiplies the gradient by the same
  recurrent matrix (and a tanh slope below 1), so it shrinks geometrically: the learning
  signal from the first token barely reaches it ("vanishing gradient through time"). The
  LSTM's cell state is updated by *adding*, scaled by a forget gate that can stay near 1, so
  the gradient can travel back almost undiminished;
* the LSTM's forget, input and output gates, step by step, for one sequence: computed by
  hand from the LSTM's weights (a test checks they reproduce nn.LSTM exactly).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Iterator, Mapping

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from demos.framework import (
    Param, Progress, Reporter, Result, T, Value, resolve_params, seed_everything, single_threaded,
)

MODELS = ("rnn", "lstm", "gru")
# Training order when there are fewer cores than networks. On a CPU nn.LSTM runs as one fused
# kernel, while nn.GRU and nn.RNN run as several small ops per time step.
SLOWEST_FIRST = ("gru", "rnn", "lstm")
NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
COLORS = {"rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c"}
SYMBOLS = 4  # A, B, C, D: chance is 1/4
LETTERS = "ABCD"
INPUTS = SYMBOLS + 1  # one-hot symbol plus the "remember this one" flag
BATCH_SIZE = 64
TEST_SIZE = 1000  # fresh sequences, never trained on
MAX_DELAY = 100  # the longest delay offered; chrono initialization is spread up to it
GRADIENT_SAMPLES = 256  # test sequences used to measure gradients through time
SMOOTHING = 10  # steps in the moving average of the training-accuracy curves
REPORT_SECONDS = 0.1  # how often the waiting thread sends the page a progress update
AGREEMENT_POINTS = 0.03  # fast path and reference: test accuracies within 3 points


# --- the task --------------------------------------------------------------------------------


def make_sequences(count: int, delay: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` sequences of symbols, shape (count, delay + 1), and their answers (the first symbol).

    The distractors come from the same four symbols as the answer, so the network cannot
    simply ignore them by what they look like: it must remember *which position* mattered.
    """
    symbols = torch.randint(0, SYMBOLS, (count, delay + 1), generator=generator)
    return symbols, symbols[:, 0].clone()


def encode(symbols: torch.Tensor) -> torch.Tensor:
    """One-hot symbols plus a flag that is 1 only on the first step: (count, steps, INPUTS)."""
    one_hot = F.one_hot(symbols, SYMBOLS).float()
    flag = torch.zeros_like(one_hot[..., :1])
    flag[:, 0] = 1.0
    return torch.cat([one_hot, flag], dim=-1)


# --- the three networks ----------------------------------------------------------------------


class Recaller(nn.Module):
    """A one-layer recurrent network (RNN, LSTM or GRU) read out by a linear layer at the end."""

    def __init__(self, kind: str, hidden: int) -> None:
        super().__init__()
        layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.kind = kind
        self.recurrent = layer(INPUTS, hidden, batch_first=True)  # nn.RNN uses tanh
        self.readout = nn.Linear(hidden, SYMBOLS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.recurrent(x)  # (batch, steps, hidden): h_t for every t
        return self.readout(states[:, -1])  # only the last state has to know the answer


def chrono_initialize(model: Recaller, max_delay: int, generator: torch.Generator) -> None:
    """Bias the gates so that, from the start, memory fades over 1 to `max_delay` steps.

    A gate bias of 0 (PyTorch's default) makes the LSTM forget gate about σ(0) = 0.5: half of
    the memory is lost at every step, and after 40 steps nothing is left to learn from.
    "Chrono initialization" (Tallec & Ollivier, 2018) draws each unit's forget-gate bias as
    log(u), u uniform in [1, max_delay − 1], so σ(b) = 1 − 1/u: unit by unit, memory lasts
    about u steps. The LSTM's input gate gets −b (write little, keep long), and the GRU's
    update gate z (which keeps the old state: h ← (1 − z)·n + z·h) gets +b. A vanilla RNN has
    no gates, so there is nothing to set: that missing mechanism is what the demo is about.
    """
    h = model.recurrent.hidden_size
    bias = torch.log(torch.empty(h).uniform_(1.0, max_delay - 1.0, generator=generator))
    b_ih, b_hh = model.recurrent.bias_ih_l0, model.recurrent.bias_hh_l0
    with torch.no_grad():
        if model.kind == "lstm":  # PyTorch stacks the LSTM gates as (input, forget, cell, output)
            b_ih[:h], b_hh[:h] = -bias, 0.0
            b_ih[h : 2 * h], b_hh[h : 2 * h] = bias, 0.0
        elif model.kind == "gru":  # and the GRU gates as (reset, update, new)
            b_ih[h : 2 * h], b_hh[h : 2 * h] = bias, 0.0


def build_models(hidden: int, chrono: bool, seed: int) -> dict[str, Recaller]:
    """The three networks, each from its own seeded draw, so the fast path and the reference
    start from the same weights."""
    models = {}
    for i, kind in enumerate(MODELS):
        torch.manual_seed(seed + i)
        models[kind] = Recaller(kind, hidden)
        if chrono:
            chrono_initialize(models[kind], MAX_DELAY, torch.Generator().manual_seed(seed + i))
    return models


# --- the same networks unrolled by hand, one step at a time -----------------------------------


def _weights(layer: nn.RNNBase) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    return layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, layer.bias_hh_l0


def rnn_step(layer: nn.RNN, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """h_t = tanh(W x_t + U h_{t−1} + b)."""
    w, u, b_w, b_u = _weights(layer)
    return torch.tanh(x @ w.T + b_w + h @ u.T + b_u)


def lstm_step(
    layer: nn.LSTM, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
    """One LSTM step; also returns its three gates (each in (0, 1), one value per unit).

        i = σ(·), f = σ(·), g = tanh(·), o = σ(·)     (each of W x_t + U h_{t−1} + b)
        c_t = f ⊙ c_{t−1} + i ⊙ g                     forget some old memory, write some new
        h_t = o ⊙ tanh(c_t)                           show part of the memory
    """
    w, u, b_w, b_u = _weights(layer)
    i, f, g, o = (x @ w.T + b_w + h @ u.T + b_u).chunk(4, dim=-1)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    c = f * c + i * g
    return o * torch.tanh(c), c, {"forget": f, "input": i, "output": o}


def gru_step(layer: nn.GRU, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """One GRU step: r and z gates, a candidate n, and a blend of old and new state."""
    w, u, b_w, b_u = _weights(layer)
    xr, xz, xn = (x @ w.T + b_w).chunk(3, dim=-1)
    hr, hz, hn = (h @ u.T + b_u).chunk(3, dim=-1)
    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    n = torch.tanh(xn + r * hn)  # the reset gate decides how much old state shapes the candidate
    return (1 - z) * n + z * h


def unroll(model: Recaller, x: torch.Tensor) -> tuple[list[torch.Tensor], dict[str, torch.Tensor]]:
    """Run `model` step by step. Returns every hidden state h_t (still in the autograd graph,
    so gradients with respect to each one can be taken) and, for an LSTM, its gates (steps, batch, hidden)."""
    layer = model.recurrent
    h = x.new_zeros(x.shape[0], layer.hidden_size)
    c = torch.zeros_like(h)
    states, gates = [], {"forget": [], "input": [], "output": []}
    for t in range(x.shape[1]):
        if model.kind == "rnn":
            h = rnn_step(layer, x[:, t], h)
        elif model.kind == "lstm":
            h, c, step_gates = lstm_step(layer, x[:, t], h, c)
            for name, value in step_gates.items():
                gates[name].append(value)
        else:
            h = gru_step(layer, x[:, t], h)
        states.append(h)
    return states, {name: torch.stack(values) for name, values in gates.items() if values}


def gradient_through_time(model: Recaller, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """‖∂loss/∂h_t‖ for every step t, averaged over the sequences: shape (steps,).

    The loss is summed over sequences, so each sequence's gradient is its own (not divided by
    the batch size); the norm is taken per sequence and then averaged.
    """
    states, _ = unroll(model, x)
    loss = F.cross_entropy(model.readout(states[-1]), y, reduction="sum")
    grads = torch.autograd.grad(loss, states)  # the total derivative, through all later steps
    return torch.stack([g.norm(dim=-1).mean() for g in grads]).detach()


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (logits.argmax(-1) == y).float().mean()


def train_recaller(
    model: Recaller, symbols: torch.Tensor, answers: torch.Tensor, steps: int, lr: float,
    batch_accuracy: torch.Tensor,
) -> Iterator[int]:
    """Train `model` with Adam on `steps` batches of BATCH_SIZE sequences (taken in order from
    `symbols`), writing each batch's accuracy into `batch_accuracy[step]`. Yields the number
    of steps done after each one. Nothing here waits for the device (no .item()).
    """
    # fused=True: one kernel updates every weight, instead of ~10 small ops per weight tensor.
    fused = next(model.parameters()).device.type in ("cpu", "cuda")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=fused)
    for step in range(steps):
        rows = slice(step * BATCH_SIZE, (step + 1) * BATCH_SIZE)
        x, y = encode(symbols[rows]), answers[rows]
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            batch_accuracy[step] = accuracy(logits, y)
        yield step + 1


# --- the demo --------------------------------------------------------------------------------


class RnnDemo:
    id = "rnn"
    title = T("RNN, LSTM and GRU: memory across time", "RNN, LSTM, GRU: 시간을 건너는 기억")
    description = T(
        "Each sequence starts with a symbol the network must report at the very end, after "
        "`delay` distracting symbols. A vanilla RNN, an LSTM and a GRU train together on the "
        "same batches. Lengthen the delay and watch the vanilla RNN fall to guessing while the "
        "gated networks keep remembering; the gradient-through-time chart shows why.",
        "각 시퀀스는 맨 끝에서 답해야 하는 기호로 시작하고, 그 뒤에 방해 기호가 `delay`개 "
        "이어집니다. 기본 RNN, LSTM, GRU가 같은 배치로 함께 학습합니다. 지연을 늘리면 기본 "
        "RNN은 찍기 수준으로 떨어지고 게이트가 있는 두 모델은 계속 기억하는 것을 볼 수 "
        "있습니다. 시간에 따른 기울기 그래프가 그 이유를 보여 줍니다.",
    )
    params = (
        Param("delay", T("Delay T (distractor steps)", "지연 T (방해 기호 개수)"), 40, min=1, max=MAX_DELAY,
              help=T("How many steps the first symbol must be remembered for.",
                     "첫 기호를 기억해야 하는 스텝 수입니다.")),
        Param("steps", T("Training steps", "학습 스텝 수"), 250, min=20, max=3000, step=10,
              help=T(f"Mini-batches of {BATCH_SIZE} fresh sequences; all three networks see the same ones.",
                     f"새 시퀀스 {BATCH_SIZE}개짜리 미니배치 수입니다. 세 모델은 똑같은 배치를 봅니다.")),
        Param("hidden", T("Hidden units", "은닉 유닛 수"), 32, min=4, max=256),
        Param("lr", T("Learning rate (Adam)", "학습률 (Adam)"), 1e-2, min=1e-4, max=0.1, log=True),
        Param("chrono_init", T("Chrono gate initialization", "크로노 게이트 초기화"), True,
              help=T("Start the LSTM forget gate and GRU update gate leaning towards 'keep' "
                     "(memory spans of 1 to 100 steps). Off: PyTorch's default (gates start "
                     "half open), and in a short run the gated networks learn slowly too.",
                     "LSTM의 망각 게이트와 GRU의 업데이트 게이트가 처음부터 '유지' 쪽으로 "
                     "기울도록 초기화합니다(기억 길이 1~100스텝). 끄면 PyTorch 기본값(게이트가 "
                     "절반쯤 열린 상태)으로 시작하며, 짧은 학습에서는 게이트 모델도 느리게 배웁니다.")),
    )

    def run(
        self,
        params: Mapping[str, Value],
        *,
        device: torch.device,
        seed: int,
        report: Reporter,
    ) -> Result:
        p = resolve_params(self.params, params)
        generator = seed_everything(seed)
        delay, steps = int(p["delay"]), int(p["steps"])
        # All training sequences are drawn up front (as small integers) and live on the device.
        train_symbols, train_answers = (t.to(device) for t in make_sequences(steps * BATCH_SIZE, delay, generator))
        test_symbols, test_answers = (t.to(device) for t in make_sequences(TEST_SIZE, delay, generator))
        x_test = encode(test_symbols)

        models = build_models(int(p["hidden"]), bool(p["chrono_init"]), seed)
        for model in models.values():
            model.to(device)
        gradient_start = self._gradients(models, x_test, test_answers)

        # The three networks share nothing but the data, so they train in separate threads, at
        # the same time. (Their recurrences differ, so their arithmetic cannot be merged into
        # one tensor operation the way copies of one network can.) This pays off because
        # PyTorch lets go of Python's global lock while its C++ code runs: the recurrence
        # inside nn.RNN / nn.LSTM / nn.GRU and the whole backward pass. On a CPU every core
        # trains one network, each op on one core (the ops are tiny); the slowest network
        # starts first, and a core that finishes takes the next one. On a GPU the threads
        # simply keep it fed. This thread only waits and reports.
        history = torch.zeros(steps, len(MODELS), device=device)  # batch accuracy per step
        finished = [0] * len(MODELS)  # steps done, per network (each thread writes its own entry)
        lr = float(p["lr"])

        def train(i: int, model: Recaller) -> None:
            for step in train_recaller(model, train_symbols, train_answers, steps, lr, history[:, i]):
                finished[i] = step

        cores = min(len(MODELS), os.cpu_count() or 1)
        report(self._progress(finished, steps, history))  # nothing trained yet: the bar shows at once
        with single_threaded(), ThreadPoolExecutor(cores) as pool:
            workers = [pool.submit(train, MODELS.index(m), models[m]) for m in SLOWEST_FIRST]
            while wait(workers, timeout=REPORT_SECONDS).not_done:
                report(self._progress(finished, steps, history))
            for worker in workers:
                worker.result()  # re-raises an error from inside a thread here
        report(self._progress(finished, steps, history))

        metrics: dict[str, float] = {"delay": float(delay), "chance": 1.0 / SYMBOLS}
        with torch.no_grad():
            for m in MODELS:
                logits = models[m](x_test)
                metrics[f"{m}_test_acc"] = float(accuracy(logits, test_answers))
                metrics[f"{m}_test_loss"] = float(F.cross_entropy(logits, test_answers))
        gradient_end = self._gradients(models, x_test, test_answers)
        for i, m in enumerate(MODELS):
            first, last = float(gradient_end[i, 0]), float(gradient_end[i, -1])
            metrics[f"{m}_grad_first"] = first
            metrics[f"{m}_grad_last"] = last
            # How much of the gradient at the answer survives back to the first token.
            metrics[f"{m}_grad_ratio"] = first / last if last > 0 else 0.0
            metrics[f"{m}_grad_ratio_at_start"] = float(gradient_start[i, 0] / gradient_start[i, -1])

        example = x_test[:1]
        with torch.no_grad():  # the LSTM's gates for one test sequence, for the heatmap
            _, gates = unroll(models["lstm"], example)
            example_prediction = int(models["lstm"](example).argmax())
        data = {
            "train_acc": history.cpu().numpy(),
            "grad_start": gradient_start.cpu().numpy(),
            "grad_end": gradient_end.cpu().numpy(),
            "gates": {name: value[:, 0].cpu().numpy() for name, value in gates.items()},  # (steps, hidden)
            "example": test_symbols[0].cpu().numpy(),
            "lstm_example_prediction": example_prediction,
        }
        return Result(metrics=metrics, data=data, summary=self._summary(metrics))

    @staticmethod
    def _gradients(models: Mapping[str, Recaller], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """‖∂loss/∂h_t‖ per network (rows) and step (columns), on a few test sequences."""
        return torch.stack([gradient_through_time(models[m], x[:GRADIENT_SAMPLES], y[:GRADIENT_SAMPLES])
                            for m in MODELS])

    @staticmethod
    def _progress(finished: list[int], steps: int, history: torch.Tensor) -> Progress:
        # The one host sync per report: the accuracies so far, copied to the CPU and smoothed.
        # Each network's curve runs as far as that network has trained; the bar shows the
        # average number of steps done.
        acc = history.cpu().numpy()
        curves = {f"{NAMES[m]} · batch accuracy": moving_average(acc[: finished[i], i], SMOOTHING).tolist()
                  for i, m in enumerate(MODELS) if finished[i]}
        return Progress(done=sum(finished) // len(MODELS), total=steps, x=tuple(range(1, steps + 1)), curves=curves)

    @staticmethod
    def _summary(m: Mapping[str, float]) -> T:
        acc = {k: 100 * m[f"{k}_test_acc"] for k in MODELS}
        share = {k: m[f"{k}_grad_ratio_at_start"] for k in MODELS}
        delay = int(m["delay"])
        return T(
            f"After {delay} distractor steps the first symbol was recalled {acc['rnn']:.0f}% of the time "
            f"by the vanilla RNN, {acc['lstm']:.0f}% by the LSTM and {acc['gru']:.0f}% by the GRU "
            f"(guessing: 25%); before training, the gradient reaching the first step was "
            f"{share['rnn']:.1e} of its size at the last step for the RNN, against "
            f"{share['lstm']:.1e} for the LSTM and {share['gru']:.1e} for the GRU.",
            f"방해 기호 {delay}개 뒤에 첫 기호를 맞힌 비율은 기본 RNN {acc['rnn']:.0f}%, "
            f"LSTM {acc['lstm']:.0f}%, GRU {acc['gru']:.0f}%입니다(찍으면 25%). 학습 전에 첫 스텝까지 "
            f"전달된 기울기는 마지막 스텝 기울기의 RNN {share['rnn']:.1e}배, LSTM {share['lstm']:.1e}배, "
            f"GRU {share['gru']:.1e}배였습니다.",
        )

    # -- benchmark hook: the same comparison written the plain way ----------------------------

    def reference(self, params: Mapping[str, Value], *, device: torch.device, seed: int) -> Result:
        """The obvious way: a DataLoader over the same sequences, one network after another,
        each with its own torch.optim.Adam and a loss.item() logged every step."""
        p = resolve_params(self.params, params)
        generator = seed_everything(seed)
        delay, steps = int(p["delay"]), int(p["steps"])
        train_symbols, train_answers = make_sequences(steps * BATCH_SIZE, delay, generator)
        test_symbols, test_answers = make_sequences(TEST_SIZE, delay, generator)
        loader = DataLoader(TensorDataset(train_symbols, train_answers), batch_size=BATCH_SIZE)
        x_test, y_test = encode(test_symbols).to(device), test_answers.to(device)
        models = build_models(int(p["hidden"]), bool(p["chrono_init"]), seed)

        metrics: dict[str, float] = {}
        for name, model in models.items():
            model.to(device)
            optimizer = torch.optim.Adam(model.parameters(), lr=float(p["lr"]))
            losses = []
            for symbols, y in loader:
                x, y = encode(symbols).to(device), y.to(device)
                loss = F.cross_entropy(model(x), y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            with torch.no_grad():
                logits = model(x_test)
                metrics[f"{name}_test_acc"] = float(accuracy(logits, y_test))
                metrics[f"{name}_test_loss"] = float(F.cross_entropy(logits, y_test))
        summary = T(
            "Reference: " + ", ".join(f"{NAMES[m]} {100 * metrics[f'{m}_test_acc']:.0f}%" for m in MODELS),
            "기준 구현: " + ", ".join(f"{NAMES[m]} {100 * metrics[f'{m}_test_acc']:.0f}%" for m in MODELS),
        )
        return Result(metrics=metrics, data={}, summary=summary)

    def agrees_with_reference(self, fast: Result, reference: Result) -> tuple[bool, str]:
        """LSTM and GRU test accuracies within 3 points. The vanilla RNN must reach the same
        verdict: within 3 points, or below both gated networks in both runs. (Stuck near chance,
        its training is chaotic: a rounding difference can tip it into another outcome.)"""
        gaps = {m: abs(fast.metrics[f"{m}_test_acc"] - reference.metrics[f"{m}_test_acc"]) for m in MODELS}

        def rnn_trails(result: Result) -> bool:
            return all(result.metrics["rnn_test_acc"] < result.metrics[f"{m}_test_acc"] for m in ("lstm", "gru"))

        bad = [m for m in ("lstm", "gru") if gaps[m] > AGREEMENT_POINTS]
        if gaps["rnn"] > AGREEMENT_POINTS and not (rnn_trails(fast) and rnn_trails(reference)):
            bad.append("rnn")
        if bad:
            return False, "test accuracies differ: " + "; ".join(
                f"{NAMES[m]} {fast.metrics[f'{m}_test_acc']:.3f} vs {reference.metrics[f'{m}_test_acc']:.3f}"
                for m in bad)
        listed = ", ".join(f"{NAMES[m]} {100 * gaps[m]:.1f}" for m in MODELS)
        return True, (f"LSTM and GRU test accuracies agree within 3 points and the RNN reaches the "
                      f"same verdict (gaps in points: {listed})")

    # -- figures ------------------------------------------------------------------------------

    def figures(self, result: Result, lang: str) -> list[go.Figure]:
        return [self._accuracy_figure(result, lang), self._gradient_figure(result, lang),
                self._gates_figure(result, lang)]

    @staticmethod
    def _accuracy_figure(result: Result, lang: str) -> go.Figure:
        m = result.metrics
        fig = make_subplots(
            rows=1, cols=2, column_widths=[0.65, 0.35],
            subplot_titles=(T(f"Training (batch accuracy, {SMOOTHING}-step average)",
                              f"학습 중 (배치 정확도, {SMOOTHING}스텝 평균)")(lang),
                            T("Test accuracy", "테스트 정확도")(lang)),
        )
        acc = moving_average(result.data["train_acc"], SMOOTHING)
        steps = np.arange(1, len(acc) + 1)
        for i, model in enumerate(MODELS):
            fig.add_trace(go.Scatter(x=steps, y=100 * acc[:, i], name=NAMES[model],
                                     line={"color": COLORS[model]}), row=1, col=1)
        fig.add_trace(go.Bar(
            x=[NAMES[k] for k in MODELS], y=[100 * m[f"{k}_test_acc"] for k in MODELS],
            marker_color=[COLORS[k] for k in MODELS], showlegend=False,
            text=[f"{100 * m[f'{k}_test_acc']:.0f}%" for k in MODELS], textposition="outside",
            cliponaxis=False,
        ), row=1, col=2)
        guessing = T("guessing", "찍기")(lang)
        fig.add_hline(y=100 * m["chance"], line_dash="dot", line_color="gray", row=1, col=1,
                      annotation_text=guessing)
        fig.add_hline(y=100 * m["chance"], line_dash="dot", line_color="gray", row=1, col=2)
        fig.update_xaxes(title_text=T("step", "스텝")(lang), row=1, col=1)
        fig.update_yaxes(title_text=T("accuracy (%)", "정확도 (%)")(lang), range=[0, 105])
        fig.update_layout(
            title=T(f"Recall the first symbol after {int(m['delay'])} distractors",
                    f"방해 기호 {int(m['delay'])}개 뒤에 첫 기호 떠올리기")(lang),
            height=400, margin={"t": 70, "b": 40},
        )
        return fig

    @staticmethod
    def _gradient_figure(result: Result, lang: str) -> go.Figure:
        fig = go.Figure()
        for moment, dash, data_key in (("start", "dot", "grad_start"), ("end", "solid", "grad_end")):
            label = T("before training", "학습 전") if moment == "start" else T("after training", "학습 후")
            grads = result.data[data_key]
            for i, model in enumerate(MODELS):
                fig.add_trace(go.Scatter(
                    x=np.arange(grads.shape[1]), y=grads[i], name=f"{NAMES[model]} · {label(lang)}",
                    line={"color": COLORS[model], "dash": dash},
                ))
        fig.update_yaxes(type="log", title_text="‖∂loss/∂hₜ‖")
        fig.update_xaxes(title_text=T("time step t (0 = the symbol to remember)",
                                      "시간 스텝 t (0 = 기억해야 할 기호)")(lang))
        fig.update_layout(
            title=T("Gradient back through time: how strongly the loss at the end reaches each step",
                    "시간을 거슬러 가는 기울기: 끝의 손실이 각 스텝에 얼마나 강하게 닿는가")(lang),
            height=420, margin={"t": 60, "b": 40}, legend={"orientation": "h", "y": -0.25},
        )
        return fig

    @staticmethod
    def _gates_figure(result: Result, lang: str) -> go.Figure:
        gates = result.data["gates"]
        symbols = "".join(LETTERS[s] for s in result.data["example"])
        names = {"forget": T("forget gate f", "망각 게이트 f"), "input": T("input gate i", "입력 게이트 i"),
                 "output": T("output gate o", "출력 게이트 o")}
        fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                            subplot_titles=[names[g](lang) for g in ("forget", "input", "output")])
        for row, gate in enumerate(("forget", "input", "output"), start=1):
            fig.add_trace(go.Heatmap(z=gates[gate].T, zmin=0, zmax=1, colorscale="Viridis",
                                     showscale=row == 1, colorbar={"title": "0–1"}), row=row, col=1)
            fig.update_yaxes(title_text=T("unit", "유닛")(lang), row=row, col=1)
        fig.update_xaxes(
            tickmode="array", tickvals=list(range(len(symbols))), ticktext=list(symbols), row=3, col=1,
            title_text=T("input symbol at each step", "각 스텝의 입력 기호")(lang),
        )
        prediction = LETTERS[result.data["lstm_example_prediction"]]
        fig.update_layout(
            title=T(f"LSTM gates, step by step, for one sequence (first symbol {symbols[0]}, LSTM answers {prediction})",
                    f"시퀀스 하나에 대한 LSTM 게이트 값 (첫 기호 {symbols[0]}, LSTM의 답 {prediction})")(lang),
            height=640, margin={"t": 70, "b": 40},
        )
        return fig


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Average of the last `window` rows at every row (fewer at the start): a smooth curve."""
    cumulative = np.cumsum(values, axis=0)
    out = cumulative.copy()
    out[window:] = cumulative[window:] - cumulative[:-window]
    counts = np.minimum(np.arange(1, len(values) + 1), window).reshape(-1, *([1] * (values.ndim - 1)))
    return out / counts


DEMO = RnnDemo()
