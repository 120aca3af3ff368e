"""The transfer-learning demo: over fixed seeds, pretrained features give a head start with 10
labels per class on digits anywhere on a page, a head start that shrinks with all the labels,
that centred digits do not need, that random features do not give and that a domain gap
takes from frozen features; then progress, Stop, figures and parameter checks."""

from __future__ import annotations

import threading
from functools import lru_cache
from statistics import mean

import pytest
import torch

from demos.device import torch_threads
from demos.framework import ParamError, demo_thread_count
from demos.transfer import DEMO
from demos.transfer.lesson import LABELS, first_per_class, make_backbone, on_page, shift_domain

CPU = torch.device("cpu")
SEEDS = range(4)


@pytest.fixture(autouse=True, scope="module")
def threads_as_in_the_app():
    # The app gives a demo half the cores; tiny convolutions split over more threads wait
    # for each other.
    with torch_threads(demo_thread_count()):
        yield


@lru_cache(maxsize=None)
def metrics(seed: int = 0, **params) -> dict[str, float]:
    """One run's metrics, computed once per module: several tests compare the same runs."""
    return DEMO.run(params, device=CPU, seed=seed).metrics


def average(name: str, **params) -> float:
    return mean(metrics(seed, **params)[name] for seed in SEEDS)


# --- the concept -------------------------------------------------------------------------------


def test_pretraining_learns_the_old_task():
    assert all(metrics(seed)["pretrain_acc"] > 0.85 for seed in SEEDS)  # 5 classes: chance 20%


def test_with_10_labels_the_pretrained_networks_start_ahead_and_with_all_labels_the_gap_closes():
    # Digits anywhere on a 12x12 page (the default): finding the strokes wherever they are is
    # what 600 pretraining digits teach and 50 labelled images teach poorly.
    for method in ("frozen", "finetuned"):
        ten, everything = average(f"{method}_gain_10"), average(f"{method}_gain_all")
        assert ten > 0.03, f"{method}: {ten:+.3f} with 10 labels per class"
        assert everything < ten - 0.03, f"{method}: {ten:+.3f} with 10 labels, {everything:+.3f} with all"
        assert abs(everything) < 0.05
    assert average("scratch_acc_all") > average("scratch_acc_10") + 0.1  # more labels help scratch most


def test_on_centred_digits_10_labels_teach_scratch_enough_and_the_head_start_is_gone():
    for seed in (0, 1):
        centred, moved = metrics(seed, moved=False), metrics(seed)
        for method in ("frozen", "finetuned"):
            assert centred[f"{method}_gain_10"] < min(0.0, moved[f"{method}_gain_10"])
        assert centred["scratch_acc_10"] > 0.9


def test_frozen_random_features_are_far_worse_than_pretrained_ones():
    random, pretrained = metrics(0, pretrain_steps=0), metrics(0)
    assert random["frozen_acc_10"] < pretrained["frozen_acc_10"] - 0.15
    assert random["pretrain_acc"] < 0.4  # it never learned 0-4


def test_a_domain_gap_takes_most_from_frozen_features():
    gap, same = metrics(0, gap="inverted"), metrics(0)
    assert gap["frozen_acc_10"] < same["frozen_acc_10"] - 0.15
    assert gap["frozen_acc_all"] < gap["scratch_acc_all"] - 0.1
    assert gap["finetuned_acc_all"] > gap["frozen_acc_all"]  # adapting the features recovers some


def test_only_the_head_learns_when_the_backbone_is_frozen():
    m = metrics(0)
    assert m["frozen_trainable"] == 144 * 5 + 5 == 725  # nn.Linear(16 * 3 * 3, 5)
    assert m["finetuned_trainable"] == m["scratch_trainable"] == 725 + 80 + 1168 == 1973
    assert m["labels_all"] == pytest.approx(122.0)
    assert m["diverged_runs"] == 0


def test_pages_and_label_subsets():
    x = torch.rand(6, 1, 8, 8) + 0.1
    pages = on_page(x, torch.Generator().manual_seed(0))
    assert pages.shape == (6, 1, 12, 12)
    assert torch.allclose(pages.sum(dim=(1, 2, 3)), x.sum(dim=(1, 2, 3)))  # every pixel kept, once
    assert torch.equal(shift_domain(x, "inverted"), 1 - x) and torch.equal(shift_domain(x, "none"), x)
    assert torch.equal(shift_domain(x, "rotated")[0, 0], x[0, 0].rot90())
    y = torch.tensor([0, 1, 2, 3, 4] * 60)
    ten, fifty = first_per_class(y, 10), first_per_class(y, 50)
    assert len(ten) == 50 and set(ten.tolist()) <= set(fifty.tolist())
    assert make_backbone()(pages).shape == (6, 144) and make_backbone()(x).shape == (6, 64)
    assert list(LABELS) == ["10", "50", "all"]


# --- progress, Stop, figures, parameters -----------------------------------------------------------


def test_progress_reports_are_few_named_and_in_order():
    progress = []
    DEMO.run({"pretrain_steps": 40, "steps": 20}, device=CPU, seed=0, report=progress.append)
    last = progress[-1]
    assert 8 <= len(progress) <= 20 and last.done == last.total == 40 + 3 * 20
    assert set(last.series) == set(DEMO.live.names) == {"pretrain", "frozen", "finetuned", "scratch"}
    steps = [p.done for p in progress]
    assert steps == sorted(steps)
    assert all(0 <= y <= 1 for _, ys in last.series.values() for y in ys)


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop, seen = threading.Event(), []

    def press_stop(at):
        def watcher(progress):
            seen.append(progress.done)
            if len(seen) == at:
                stop.set()
        return watcher

    result = DEMO.run({"pretrain_steps": 40, "steps": 40}, device=CPU, seed=0, stop=stop, report=press_stop(6))
    assert result.stopped and seen == [10, 20, 30, 40, 50, 60]  # the 10-label run, at its step 20
    assert "frozen_acc_10" in result.metrics and "scratch_acc_50" not in result.metrics
    assert len(DEMO.figures(result, "en")) == 4

    stop.clear(), seen.clear()
    early = DEMO.run({"pretrain_steps": 40}, device=CPU, seed=0, stop=stop, report=press_stop(1))
    assert early.stopped and seen == [10] and set(early.metrics) == {"pretrain_acc", "diverged_runs",
                                                                     "labels_all"}
    assert "Stopped during pretraining" in early.summary.en and "사전 학습 도중" in early.summary.ko
    assert len(DEMO.figures(early, "ko")) == 2


def test_same_seed_same_result_and_figures_in_both_languages():
    a = DEMO.run({"pretrain_steps": 30, "steps": 20, "gap": "rotated"}, device=CPU, seed=3)
    b = DEMO.run({"pretrain_steps": 30, "steps": 20, "gap": "rotated"}, device=CPU, seed=3)
    assert a.metrics == b.metrics
    for lang, words in (("en", ("10 labels per class", "While learning", "Pretraining reached", "(rotated)")),
                        ("ko", ("클래스당 레이블 10개", "새 과제를 배우는 동안", "사전 학습은", "(회전)"))):
        figures = DEMO.figures(a, lang)
        assert len(figures) == 4
        text = " ".join(str(f.to_dict()) for f in figures)
        assert all(word in text for word in words), lang
        assert all(f.layout.title.text for f in figures)
    assert "10 labels per class" in a.summary.en and "클래스당 레이블 10개" in a.summary.ko


def test_centred_digits_are_drawn_8_by_8():
    result = DEMO.run({"pretrain_steps": 10, "steps": 10, "moved": False}, device=CPU, seed=0)
    assert result.data["examples"].shape == (10, 8, 8)
    assert "8×8" in DEMO.figures(result, "en")[-1].layout.title.text


@pytest.mark.parametrize("params,name", [({"gap": "upside-down"}, "gap"), ({"steps": 5}, "steps"),
                                         ({"pretrain_steps": 601}, "pretrain_steps"),
                                         ({"finetune_lr": 0.0}, "finetune_lr"), ({"moved": "yes"}, "moved")])
def test_bad_params_are_refused(params, name):
    with pytest.raises(ParamError, match=name):
        DEMO.run(params, device=CPU, seed=0)
