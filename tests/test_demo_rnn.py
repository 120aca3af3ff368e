"""The RNN demo: hand-written cells against nn.RNN / nn.LSTM / nn.GRU, the vanilla RNN failing
at a long delay while the LSTM holds, and the gradient through time. CPU, fixed seeds."""

from __future__ import annotations

import importlib
import threading

import numpy as np
import pytest
import torch
from torch import nn

from demos.framework import ParamError
from demos.rnn import (
    INPUTS, MODELS, Recaller, build_models, encode, gradient_through_time, make_sequences, train_recaller,
    unroll,
)

DEMO = importlib.import_module("demos.rnn").DEMO
CPU = torch.device("cpu")


def run(seed: int = 0, **params):
    progress = []
    result = DEMO.run(params, device=CPU, seed=seed, report=progress.append)
    return result, progress


def sequences(count: int, delay: int, seed: int = 0):
    symbols, answers = make_sequences(count, delay, torch.Generator().manual_seed(seed))
    return encode(symbols), answers


@pytest.mark.parametrize("kind", MODELS)
def test_hand_written_cells_reproduce_torch_hidden_states(kind):
    torch.manual_seed(0)
    model = Recaller(kind, hidden=12)
    with torch.no_grad():  # make the weights larger than the default init so the test bites
        for w in model.recurrent.parameters():
            w.normal_(0, 0.6)
    x = torch.randn(5, 9, INPUTS)
    expected, _ = model.recurrent(x)
    with torch.no_grad():
        states, gates = unroll(model, x)
    assert torch.allclose(torch.stack(states, dim=1), expected, atol=1e-5)
    if kind == "lstm":
        assert set(gates) == {"forget", "input", "output"}
        for value in gates.values():
            assert value.shape == (9, 5, 12) and (value > 0).all() and (value < 1).all()


def test_hand_computed_lstm_gates_explain_nn_lstm_cell_state():
    # Rebuild c_t from the hand-computed gates alone and compare with nn.LSTM's final cell state.
    torch.manual_seed(1)
    model = Recaller("lstm", hidden=8)
    x = torch.randn(3, 7, INPUTS)
    _, (h_n, c_n) = model.recurrent(x)
    with torch.no_grad():
        states, gates = unroll(model, x)
        w, u = model.recurrent.weight_ih_l0, model.recurrent.weight_hh_l0
        b = model.recurrent.bias_ih_l0 + model.recurrent.bias_hh_l0
        c, h = torch.zeros(3, 8), torch.zeros(3, 8)
        for t in range(7):
            g = torch.tanh((x[:, t] @ w.T + h @ u.T + b)[:, 16:24])  # the candidate, third of four blocks
            c = gates["forget"][t] * c + gates["input"][t] * g
            h = gates["output"][t] * torch.tanh(c)
            assert torch.allclose(h, states[t], atol=1e-6)
    assert torch.allclose(c, c_n[0], atol=1e-5) and torch.allclose(h, h_n[0], atol=1e-5)


def test_sequences_start_with_the_answer_and_carry_the_flag():
    x, answers = sequences(50, delay=6)
    assert x.shape == (50, 7, INPUTS)
    assert torch.equal(x[:, 0, :4].argmax(-1), answers)
    assert (x[:, 0, -1] == 1).all() and (x[:, 1:, -1] == 0).all()
    assert torch.equal(x[..., :4].sum(-1), torch.ones(50, 7))  # exactly one symbol per step


def test_at_a_long_delay_the_vanilla_rnn_fails_while_lstm_and_gru_remember():
    result, _ = run(0, delay=40, steps=250)  # the defaults; about 3 s
    m = result.metrics
    assert m["lstm_test_acc"] > 0.9 and m["gru_test_acc"] > 0.9
    assert m["rnn_test_acc"] < 0.45  # four symbols: guessing gives 25%
    assert m["rnn_test_acc"] < m["lstm_test_acc"] - 0.4
    # The trained LSTM carries a sizeable share of the gradient back across all 40 steps.
    assert m["lstm_grad_ratio"] > 1e-2 > 1e-5 > m["rnn_grad_ratio_at_start"]


def test_at_a_short_delay_the_vanilla_rnn_learns_too():
    result, _ = run(0, delay=3, steps=200)
    assert result.metrics["rnn_test_acc"] > 0.9  # the task is easy: it is the delay that hurts


def first_step_shares(chrono: bool, seeds: range) -> dict[str, np.ndarray]:
    """For fresh (untrained) networks: ‖∂loss/∂h_0‖ / ‖∂loss/∂h_T‖, per network and seed."""
    x, y = sequences(128, delay=30, seed=3)
    shares: dict[str, list[float]] = {kind: [] for kind in MODELS}
    for seed in seeds:
        models = build_models(32, chrono, seed)
        for kind in MODELS:
            grads = gradient_through_time(models[kind], x, y)
            assert grads.shape == (31,) and torch.isfinite(grads).all()
            shares[kind].append(float(grads[0] / grads[-1]))
    return {kind: np.array(values) for kind, values in shares.items()}


def test_gradient_through_time_vanishes_fastest_for_the_vanilla_rnn():
    # With the gates initialized to remember (the demo's default), the gradient that reaches
    # the first of 31 steps is thousands of times larger for the LSTM and GRU, at every seed.
    share = first_step_shares(chrono=True, seeds=range(4))
    assert (share["rnn"] < 1e-5).all()
    assert (share["rnn"] * 1000 < share["lstm"]).all() and (share["rnn"] * 1000 < share["gru"]).all()


def test_with_default_gate_biases_the_gated_networks_start_out_forgetting_too():
    # PyTorch's default biases leave the gates half open, so an untrained LSTM or GRU loses its
    # gradient almost as fast; typically still less fast than the vanilla RNN (not at every seed).
    share = first_step_shares(chrono=False, seeds=range(6))
    assert (share["lstm"] < 1e-4).all() and (share["gru"] < 1e-4).all()
    assert np.median(share["rnn"]) < np.median(share["lstm"])
    assert np.median(share["rnn"]) < np.median(share["gru"])


@pytest.mark.parametrize("kind", MODELS)
def test_gradient_through_time_equals_torch_autograd_through_the_nn_module(kind):
    # Cross-check ∂loss/∂h_t: restart the nn.Module itself from the state h_t (a leaf tensor),
    # feed it the rest of the sequence, and let autograd differentiate through torch's own cell.
    torch.manual_seed(2)
    model = Recaller(kind, hidden=6)
    x, y = sequences(4, delay=7)
    grads = gradient_through_time(model, x, y)
    with torch.no_grad():
        states, _ = unroll(model, x)
        # An LSTM also needs its cell state c_t to restart from step t: torch's own, after t + 1 steps.
        cells = [model.recurrent(x[:, : t + 1])[1][1] for t in range(8)] if kind == "lstm" else []
    for t in (0, 3, 6):
        h_t = states[t].detach().unsqueeze(0).requires_grad_()
        start = (h_t, cells[t]) if kind == "lstm" else h_t
        out, _ = model.recurrent(x[:, t + 1 :], start)
        loss = nn.functional.cross_entropy(model.readout(out[:, -1]), y, reduction="sum")
        (expected,) = torch.autograd.grad(loss, h_t)
        assert float(grads[t]) == pytest.approx(float(expected[0].norm(dim=-1).mean()), rel=1e-4)


def test_result_has_gates_gradients_and_figures_in_both_languages():
    result, progress = run(5, delay=8, steps=40, hidden=8)
    data, m = result.data, result.metrics
    assert data["gates"]["forget"].shape == (9, 8)
    assert data["grad_start"].shape == data["grad_end"].shape == (3, 9)
    assert 0.0 <= m["rnn_test_acc"] <= 1.0 and m["delay"] == 8
    # The bar shows the average steps done by the three networks; the first report comes
    # before any step (no curve yet), the last one has all three full curves.
    assert progress[0].done == 0 and not progress[0].curves
    assert progress[-1].done == progress[-1].total == 40
    assert len(progress[-1].curves) == 3
    assert all(len(v) == len(progress[-1].x) == 40 for v in progress[-1].curves.values())
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    for lang, word in (("en", "forget gate"), ("ko", "망각 게이트")):
        figures = DEMO.figures(result, lang)
        assert len(figures) == 3
        assert word in str(figures[2].to_dict())
        assert "log" in str(figures[1].to_dict())  # gradient norms on a log scale
    assert "LSTM" in result.summary.en and "LSTM" in result.summary.ko


def test_training_in_threads_gives_each_network_what_training_it_alone_gives():
    symbols, answers = make_sequences(30 * 16, 6, torch.Generator().manual_seed(3))

    def train_all(in_threads: bool) -> dict[str, dict[str, torch.Tensor]]:
        models = build_models(hidden=8, chrono=True, seed=3)
        accuracies = torch.zeros(30, len(MODELS))

        def train(i: int, kind: str) -> None:
            for _ in train_recaller(models[kind], symbols, answers, 30, 1e-2, accuracies[:, i]):
                pass

        if in_threads:
            threads = [threading.Thread(target=train, args=(i, kind)) for i, kind in enumerate(MODELS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for i, kind in enumerate(MODELS):
                train(i, kind)
        assert (accuracies > 0).any(dim=0).all()  # every network trained and recorded its steps
        return {kind: {k: v.clone() for k, v in model.state_dict().items()} for kind, model in models.items()}

    alone, together = train_all(in_threads=False), train_all(in_threads=True)
    for kind in MODELS:
        for name, weight in alone[kind].items():
            assert torch.equal(weight, together[kind][name]), f"{kind}.{name}"
    untrained = build_models(hidden=8, chrono=True, seed=3)["gru"].state_dict()
    assert not torch.equal(untrained["readout.weight"], alone["gru"]["readout.weight"])


def test_same_seed_same_result():
    a, _ = run(4, delay=5, steps=30, hidden=8)
    b, _ = run(4, delay=5, steps=30, hidden=8)
    assert a.metrics == b.metrics
    assert np.array_equal(a.data["train_acc"], b.data["train_acc"])


@pytest.mark.parametrize("bad", [{"delay": 0}, {"delay": 500}, {"hidden": 2.5}, {"chrono_init": "yes"}, {"depth": 2}])
def test_bad_params_are_refused(bad):
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0, report=lambda p: None)


def test_reference_agrees_with_the_fast_path():
    params = {"delay": 6, "steps": 120, "hidden": 16}
    fast, _ = run(2, **params)
    reference = DEMO.reference(params, device=CPU, seed=2)
    ok, message = DEMO.agrees_with_reference(fast, reference)
    assert ok, message
    broken = type(reference)({**reference.metrics, "lstm_test_acc": reference.metrics["lstm_test_acc"] - 0.5},
                             reference.data, reference.summary)
    assert not DEMO.agrees_with_reference(fast, broken)[0]
