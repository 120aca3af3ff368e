"""The attention demo shows what each switch does, over fixed seeds, and its hand-written
attention computes what PyTorch's own does."""

from __future__ import annotations

import functools
import math
import threading

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.attention import DEMO, figures
from demos.attention.lesson import (
    BATCH_SIZE, DIGITS, LENGTH, SelfAttention, TinyTransformer, make_batch, sinusoidal_positions,
)
from demos.device import single_threaded
from demos.framework import ParamError, Progress

CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def one_thread():
    """As the app runs a demo on a 2-core machine: threads only make these small ops wait."""
    with single_threaded():
        yield


def run(seed: int = 0, stop: threading.Event | None = None, **params):
    progress: list[Progress] = []
    result = DEMO.run(params, device=CPU, seed=seed, report=progress.append, stop=stop)
    return result, progress


@functools.lru_cache(maxsize=None)
def _metrics(seed: int, settings: tuple) -> dict[str, float]:
    with single_threaded():
        return run(seed, **dict(settings))[0].metrics


def metrics(seed: int = 0, **params) -> dict[str, float]:
    """The metrics of one run, measured once per test session (several tests read the same run)."""
    return _metrics(seed, tuple(sorted(params.items())))


# --- the concept, measured -------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_with_positions_it_learns_to_reverse_and_looks_at_the_mirror(seed):
    m = metrics(seed)  # the defaults
    assert m["test_acc"] > 0.99 and m["sequence_acc"] > 0.97
    # Spread evenly, each key would get 1/8; the trained model puts most weight on the mirror.
    assert m["mirror_attention"] > 0.5
    assert m["diverged_step"] == 0


@pytest.mark.parametrize("seed", [0, 1])
def test_without_positions_reversing_fails_but_copying_works(seed):
    lost = metrics(seed, positions="none")
    # Without positions every output sees the same bag of digits: it can only bet on a digit
    # that occurs often (about a third right), never on the right one for its place.
    assert 0.2 < lost["test_acc"] < 0.45 and lost["sequence_acc"] < 0.01
    assert abs(lost["first_half_acc"] - lost["second_half_acc"]) < 0.05
    assert lost["mirror_attention"] < 0.2  # no place to look: about 1/8 on every key
    copied = metrics(seed, task="copy", positions="none", steps=60)
    assert copied["test_acc"] > 0.99  # its own digit needs no position: the residual carries it


@pytest.mark.parametrize("seed", [0, 1])
def test_a_causal_mask_breaks_the_first_half_only(seed):
    m = metrics(seed, causal=True)
    # Output i needs input 7 - i: visible (7 - i <= i) for i = 4..7, hidden for i = 0..3.
    assert m["first_half_acc"] < 0.15  # guessing: 10%
    assert m["second_half_acc"] > 0.97
    assert 0.5 < m["test_acc"] < 0.6


def test_one_head_is_enough_to_reverse():
    # Each output needs one input: one head finds it as well as the default two, or four.
    for heads in (1, 4):
        assert metrics(0, heads=heads)["test_acc"] > 0.99


def test_the_number_of_heads_does_not_change_the_parameter_count():
    counts = {sum(p.numel() for p in TinyTransformer(48, heads, 1, "sinusoidal", False).parameters())
              for heads in (1, 2, 3, 4)}
    assert len(counts) == 1


def test_sorting_needs_positions_too():
    assert metrics(0, task="sort")["test_acc"] > 0.95
    assert metrics(0, task="sort", positions="none", steps=60)["test_acc"] < 0.45


def test_without_positions_the_model_cannot_tell_orders_apart():
    # Self-attention without positions is permutation-equivariant: shuffle the digits and each
    # output moves with its digit, unchanged. Reversal is a different answer for each order.
    torch.manual_seed(0)
    model = TinyTransformer(24, 2, 2, "none", False).eval()
    x, _ = make_batch(16, "reverse", torch.Generator().manual_seed(1))
    order = torch.randperm(LENGTH)
    with torch.no_grad():
        plain, _ = model(x)
        shuffled, _ = model(x[:, order])
    assert torch.allclose(shuffled, plain[:, order], atol=1e-5)
    with_positions = TinyTransformer(24, 2, 2, "sinusoidal", False).eval()
    with torch.no_grad():
        a, _ = with_positions(x)
        b, _ = with_positions(x[:, order])
    assert not torch.allclose(b, a[:, order], atol=1e-3)


# --- the lesson's pieces ---------------------------------------------------------------------


@pytest.mark.parametrize("heads, causal", [(1, False), (4, False), (3, True)])
def test_the_hand_written_attention_equals_pytorchs(heads, causal):
    torch.manual_seed(heads)
    attention = SelfAttention(24, heads, causal)
    x = torch.randn(5, LENGTH, 24)
    out, weights = attention(x)
    q, k, v = (f(x).view(5, LENGTH, heads, -1).transpose(1, 2) for f in (attention.q, attention.k, attention.v))
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    expected = attention.out(expected.transpose(1, 2).reshape(5, LENGTH, 24))
    assert torch.allclose(out, expected, atol=1e-5)
    assert weights.shape == (5, heads, LENGTH, LENGTH)
    assert torch.allclose(weights.sum(-1), torch.ones(5, heads, LENGTH), atol=1e-6)
    if causal:  # nothing from a later position
        assert (weights.triu(diagonal=1) == 0).all()


def test_sinusoidal_positions_follow_the_formula_and_differ_per_position():
    pe = sinusoidal_positions(LENGTH, 12)
    for p in range(LENGTH):
        for i in range(6):
            angle = p / 10000 ** (2 * i / 12)
            assert pe[p, 2 * i] == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[p, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-6)
    assert torch.cdist(pe, pe).add(torch.eye(LENGTH)).min() > 0.1  # no two positions alike


def test_batches_hold_the_right_answers():
    x, y = make_batch(20, "reverse", torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (20, LENGTH) and int(x.max()) < DIGITS
    assert torch.equal(y[:, 0], x[:, -1]) and torch.equal(y.flip(1), x)
    _, s = make_batch(20, "sort", torch.Generator().manual_seed(0))
    assert (s[:, 1:] >= s[:, :-1]).all() and torch.equal(s.sort(1).values, x.sort(1).values)
    _, c = make_batch(20, "copy", torch.Generator().manual_seed(0))
    assert torch.equal(c, x)


# --- the page ----------------------------------------------------------------------------------


def test_progress_reports_both_halves_and_the_attention_for_the_live_picture():
    result, progress = run(3, steps=40, layers=2, heads=3, d_model=24)
    assert [p.done for p in progress] == list(range(1, 41))
    assert set(progress[-1].series) == set(figures.HALVES) == set(DEMO.live.names)
    maps = np.asarray(progress[-1].live["attention"])
    assert maps.shape == (2, 3, LENGTH, LENGTH) and np.allclose(maps.sum(-1), 1, atol=1e-5)
    assert progress[-1].live["tokens"] == result.data["tokens"]
    for lang in ("en", "ko"):
        picture = DEMO.live_picture(progress[-1], lang)
        assert len(picture.data) == 6  # one map per layer and head
    assert DEMO.live_picture(Progress(done=0, total=40), "en") is None


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    reports = []

    def press_stop_at_step_5(progress):
        reports.append(progress.done)
        if progress.done == 5:
            stop.set()

    result = DEMO.run({"steps": 100}, device=CPU, seed=0, report=press_stop_at_step_5, stop=stop)
    assert result.stopped and reports == [1, 2, 3, 4, 5]
    assert result.data["history"]["step"][-1] == 5
    assert 0 <= result.metrics["test_acc"] <= 1  # measured on the weights trained so far
    assert len(DEMO.figures(result, "en")) == 3


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(4, steps=30, d_model=24)
    b, _ = run(4, steps=30, d_model=24)
    assert a.metrics == b.metrics and a.data["history"] == b.data["history"]
    for lang, word in (("en", "head"), ("ko", "헤드")):
        built = DEMO.figures(a, lang)
        assert len(built) == 3 and word in str(built[0].to_dict())
        assert built[2].layout.yaxis.type == "log"  # the loss on a log scale
        for fig in built[1:]:  # accuracy by position, training curves: every axis titled
            assert all(axis.title.text for axis in (*fig.select_xaxes(), *fig.select_yaxes()))
        maps = built[0]  # one map: the x axis under it and the y axis beside it titled
        assert maps.layout.xaxis.title.text and maps.layout.yaxis.title.text
    assert "10%" in a.summary.en and "10%" in a.summary.ko
    copy, _ = run(4, steps=20, task="copy", d_model=24)
    assert "mirror" not in copy.summary.en  # only reversal has a mirror to look at


def test_the_batch_size_on_screen_is_the_lessons():
    steps = next(p for p in DEMO.params if p.name == "steps")
    assert f"{BATCH_SIZE} fresh" in steps.help.en and f"{BATCH_SIZE}개" in steps.help.ko


@pytest.mark.parametrize("bad", [{"heads": 0}, {"heads": 5}, {"layers": 3}, {"steps": 10_000},
                                 {"task": "shuffle"}, {"positions": "rotary"}, {"causal": "yes"},
                                 {"d_model": 200}, {"width": 32}])
def test_bad_params_are_refused(bad):
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0)


def test_widths_the_heads_cannot_share_are_refused_before_training():
    with pytest.raises(ValueError, match="multiple of heads"):
        DEMO.run({"d_model": 30, "heads": 4}, device=CPU, seed=0)
