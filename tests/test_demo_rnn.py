"""The RNN demo shows the concept, over fixed seeds, with small CPU settings."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from torch import nn

from demos.framework import ParamError
from demos.rnn import DEMO
from demos.rnn.lesson import (
    BATCH_SIZE, KINDS, Recaller, gradient_through_time, init_gates_to_remember, lstm_gates, make_sequences,
)

CPU = torch.device("cpu")


def run(seed: int = 0, stop: threading.Event | None = None, **params):
    progress = []
    result = DEMO.run(params, device=CPU, seed=seed, report=progress.append, stop=stop)
    return result, progress


def sequences(count: int, delay: int, seed: int = 0):
    return make_sequences(count, delay, torch.Generator().manual_seed(seed))


def fresh(kind: str, hidden: int, seed: int, chrono: bool = True) -> Recaller:
    torch.manual_seed(seed)
    model = Recaller(kind, hidden)
    if chrono:
        init_gates_to_remember(model)
    return model


@pytest.mark.parametrize("seed", [0, 1])
def test_at_the_default_delay_the_vanilla_rnn_guesses_while_lstm_and_gru_remember(seed):
    result, _ = run(seed)  # the defaults: 40 distractors
    m = result.metrics
    assert m["lstm_test_acc"] > 0.9 and m["gru_test_acc"] > 0.9
    assert m["rnn_test_acc"] < 0.4  # four symbols: guessing gives 25%
    # Before training, hardly any gradient reaches the first of 41 steps through the RNN;
    # a thousand times more does through the LSTM whose forget gates start near 1.
    assert m["rnn_grad_ratio_at_start"] < 1e-7 and m["lstm_grad_ratio_at_start"] > 1e-4


def test_at_a_short_delay_the_vanilla_rnn_learns_too():
    result, _ = run(0, delay=3, steps=60)
    assert result.metrics["rnn_test_acc"] > 0.9  # the task is easy: it is the delay that hurts


def test_sequences_start_with_the_answer_and_carry_the_flag():
    x, answers = sequences(50, delay=6)
    assert x.shape == (50, 7, 5)
    assert torch.equal(x[:, 0, :4].argmax(-1), answers)
    assert (x[:, 0, -1] == 1).all() and (x[:, 1:, -1] == 0).all()
    assert torch.equal(x[..., :4].sum(-1), torch.ones(50, 7))  # exactly one symbol per step


def test_chrono_initialization_makes_the_gates_keep_their_memory():
    lstm, gru = fresh("LSTM", 16, 0).recurrent, fresh("GRU", 16, 0).recurrent
    forget = torch.sigmoid(lstm.bias_ih_l0[16:32] + lstm.bias_hh_l0[16:32])
    update = torch.sigmoid(gru.bias_ih_l0[16:32] + gru.bias_hh_l0[16:32])
    for keep in (forget, update):  # σ(log u) = u / (1 + u), u in [1, 100]: 0.5 to 0.99
        assert (keep >= 0.5).all() and (keep <= 100 / 101 + 1e-6).all() and keep.mean() > 0.9
    input_gate = torch.sigmoid(lstm.bias_ih_l0[:16] + lstm.bias_hh_l0[:16])
    assert torch.allclose(input_gate, 1 - forget)  # σ(-b) = 1 - σ(b): write little, keep long


def test_gradient_through_time_vanishes_fastest_for_the_vanilla_rnn():
    # Untrained networks, 31 steps: the share of the gradient at the answer that reaches the
    # first step is thousands of times larger for the gated networks, at every seed.
    x, y = sequences(128, delay=30, seed=3)
    for seed in range(3):
        shares = {}
        for kind in KINDS:
            grads = gradient_through_time(fresh(kind, 16, seed), x, y)
            assert len(grads) == 31 and np.isfinite(grads).all()
            shares[kind] = grads[0] / grads[-1]
        assert shares["RNN"] < 1e-5
        assert shares["RNN"] * 1000 < min(shares["LSTM"], shares["GRU"])


@pytest.mark.parametrize("kind", KINDS)
def test_gradient_through_time_equals_autograd_from_each_step(kind):
    # Cross-check dloss/dh_t: restart the layer from h_t (a leaf tensor), feed it the rest of
    # the sequence, and let autograd differentiate through the whole nn.Module at once.
    model = fresh(kind, 6, 2, chrono=False)
    x, y = sequences(4, delay=7)
    grads = gradient_through_time(model, x, y)
    for t in (0, 3, 6):
        with torch.no_grad():
            _, state = model.recurrent(x[:, : t + 1])
        h_t = (state[0] if kind == "LSTM" else state).clone().requires_grad_()
        out, _ = model.recurrent(x[:, t + 1 :], (h_t, state[1]) if kind == "LSTM" else h_t)
        loss = nn.functional.cross_entropy(model.readout(out[:, -1]), y, reduction="sum")
        (expected,) = torch.autograd.grad(loss, h_t)
        assert grads[t] == pytest.approx(float(expected[0].norm(dim=-1).mean()), rel=1e-4)


def test_the_gates_computed_from_the_weights_reproduce_nn_lstm():
    # Rebuild the LSTM's states from the lesson's gates and the candidate alone.
    model = fresh("LSTM", 8, 1, chrono=False)
    with torch.no_grad():
        for w in model.recurrent.parameters():
            w.normal_(0, 0.6)  # larger than the default init, so the test bites
    x, _ = sequences(1, delay=9)
    gates = {name: torch.tensor(value) for name, value in lstm_gates(model.recurrent, x).items()}
    expected, _ = model.recurrent(x)
    lstm = model.recurrent
    h, c = torch.zeros(8), torch.zeros(8)
    with torch.no_grad():
        for t in range(10):
            z = x[0, t] @ lstm.weight_ih_l0.T + h @ lstm.weight_hh_l0.T + lstm.bias_ih_l0 + lstm.bias_hh_l0
            c = gates["forget"][t] * c + gates["input"][t] * torch.tanh(z[16:24])
            h = gates["output"][t] * torch.tanh(c)
            assert torch.allclose(h, expected[0, t], atol=1e-5)
    assert all(((g > 0) & (g < 1)).all() for g in gates.values())


def test_one_loop_trains_each_network_exactly_as_a_loop_of_its_own_would():
    # The question rnn-q-joint-training: the lesson's loop (same batch, one network after
    # another, each with its own loss, backward() and Adam) changes nothing for any of them.
    batches = [sequences(16, delay=5, seed=s) for s in range(15)]
    start = {kind: fresh(kind, 8, 3).state_dict() for kind in KINDS}

    def trained(kinds):
        models = {kind: Recaller(kind, 8) for kind in kinds}
        for kind, model in models.items():
            model.load_state_dict(start[kind])
        optimizers = {kind: torch.optim.Adam(model.parameters(), lr=2e-2) for kind, model in models.items()}
        for x, y in batches:
            for kind, model in models.items():
                loss = nn.functional.cross_entropy(model(x), y)
                optimizers[kind].zero_grad()
                loss.backward()
                optimizers[kind].step()
        return models

    together = trained(KINDS)
    for kind in KINDS:
        alone = trained([kind])[kind].state_dict()
        assert all(torch.equal(w, together[kind].state_dict()[name]) for name, w in alone.items())
    assert not torch.equal(start["LSTM"]["readout.weight"], together["LSTM"].readout.weight)


def test_progress_reports_every_series_with_a_label_and_ends_complete():
    result, progress = run(5, delay=8, steps=40, hidden=8)
    assert [p.done for p in progress] == list(range(1, 41))
    assert set(progress[-1].series) == set(KINDS) == set(DEMO.live.names)
    assert all(len(ys) == 40 and 0 <= min(ys) <= max(ys) <= 1 for _, ys in progress[-1].series.values())
    data = result.data
    assert np.asarray(data["gates"]["forget"]).shape == (9, 8)
    assert len(data["grad_start"]["RNN"]) == len(data["grad_end"]["GRU"]) == 9


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    reports = []

    def press_stop_at_step_5(progress):
        reports.append(progress.done)
        if progress.done == 5:
            stop.set()

    result = DEMO.run({"delay": 5, "steps": 200, "hidden": 8}, device=CPU, seed=0, report=press_stop_at_step_5,
                      stop=stop)
    assert result.stopped and reports == [1, 2, 3, 4, 5]
    assert all(len(result.data["accuracy"][kind]) == 5 for kind in KINDS)
    assert 0 < result.metrics["lstm_test_acc"] <= 1  # measured on the weights trained so far
    assert len(DEMO.figures(result, "en")) == 3


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(4, delay=5, steps=30, hidden=8)
    b, _ = run(4, delay=5, steps=30, hidden=8)
    assert a.metrics == b.metrics and a.data["accuracy"] == b.data["accuracy"]
    for lang, word in (("en", "forget gate"), ("ko", "망각 게이트")):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 3
        assert word in str(figures[2].to_dict())
        assert figures[1].layout.yaxis.type == "log"  # gradient norms on a log scale
        for fig in figures:
            assert all(axis.title.text for axis in (*fig.select_xaxes(), *fig.select_yaxes())
                       if axis.visible is not False and axis.matches is None and axis.showticklabels is not False)
    assert "LSTM" in a.summary.en and "LSTM" in a.summary.ko


def test_the_batch_size_on_screen_is_the_lessons():
    steps = next(p for p in DEMO.params if p.name == "steps")
    assert f"{BATCH_SIZE} fresh sequences" in steps.help.en and f"{BATCH_SIZE}개" in steps.help.ko


@pytest.mark.parametrize("bad", [{"delay": 0}, {"delay": 500}, {"steps": 10_000}, {"hidden": 2.5},
                                 {"chrono_init": "yes"}, {"depth": 2}])
def test_bad_params_are_refused(bad):
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0)
