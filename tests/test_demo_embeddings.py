"""The word-embedding demo shows the concept, over fixed seeds: skip-gram with negative sampling
on the generated corpus puts queen nearest to king - man + woman, and what it computes (the
examples, the loss, the analogy, the projection) is what the lesson says it is."""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.data import PEOPLE, WORD_GROUPS, word_analogies, word_corpus
from demos.device import single_threaded
from demos.embeddings import DEMO, figures
from demos.embeddings.lesson import SHOWN, Word2Vec, analogy, make_examples, project, rank
from demos.framework import ParamError, Progress

CPU = torch.device("cpu")
SMALL = {"sentences": 600, "epochs": 2}


@pytest.fixture(autouse=True)
def one_thread():
    """As the app runs a demo on a 2-core machine."""
    with single_threaded():
        yield


def run(seed: int = 0, **params):
    """A finished run and its progress reports, computed once per settings for this file."""
    key = (seed, tuple(sorted(params.items())))
    if key not in RUNS:
        progress: list[Progress] = []
        RUNS[key] = DEMO.run(params, device=CPU, seed=seed, report=progress.append), progress
    return RUNS[key]


RUNS: dict = {}


# --------------------------------------------------------------------------- the concept

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_default_run_puts_queen_nearest_to_king_minus_man_plus_woman(seed):
    m = run(seed)[0].metrics
    assert m["analogy_rank"] == 1 and m["analogy_correct"] == 1.0
    assert m["analogy_accuracy"] >= 0.9  # nearly all 72 analogies among the person words
    assert m["analogy_rank_with_inputs"] == 1  # queen wins even against king, man and woman


def test_before_training_the_analogy_is_a_matter_of_chance():
    m = run(0)[0].metrics
    assert m["analogy_rank_at_start"] > 5  # random vectors: queen is just one of 53 candidates


def test_two_dimensions_are_too_few_for_three_facts():
    m = run(0, dim=2)[0].metrics
    assert m["analogy_accuracy"] < 0.3 and m["analogy_rank"] > 1


def test_cbow_solves_fewer_analogies_than_skip_gram_in_the_same_epochs():
    # CBOW makes one example per word, skip-gram one per (word, neighbour): up to 2 x window
    # times as many updates in the same number of passes over the corpus.
    cbow, skip = run(0, mode="cbow")[0].metrics, run(0)[0].metrics
    assert cbow["examples"] * 3 < skip["examples"]
    assert cbow["analogy_accuracy"] < 0.9 <= skip["analogy_accuracy"]


def test_with_a_one_word_window_the_input_words_crowd_queen_unless_excluded():
    m = run(0, window=1)[0].metrics
    assert m["analogy_rank"] == 1 < m["analogy_rank_with_inputs"]


# --------------------------------------------------------------------------- the pieces

def test_the_corpus_is_seeded_and_each_slot_follows_one_fact():
    corpus = word_corpus(500, seed=3)
    assert corpus == word_corpus(500, seed=3) and corpus != word_corpus(500, seed=4)
    assert len(corpus) == 500 and all(2 < len(s) <= 8 for s in corpus)
    follows = {"she": ("female", 0), "her": ("female", 0), "he": ("male", 0), "his": ("male", 0),
               "palace": ("royal", 1), "crown": ("royal", 1), "village": ("common", 1), "coat": ("common", 1),
               "plays": ("young", 2), "toys": ("young", 2), "works": ("adult", 2), "books": ("adult", 2)}
    for sentence in corpus:
        people = [w for w in sentence if w in PEOPLE]
        for word in sentence:
            if word in follows:
                value, fact = follows[word]
                assert PEOPLE[people[0]][fact] == value, sentence
    counts = Counter(w for s in corpus for w in s)
    assert set(SHOWN) <= set(counts)  # every word the picture labels occurs


def test_the_analogies_change_one_fact_the_same_way():
    found = word_analogies()
    assert len(found) == 72 == len(set(found))
    assert ("man", "woman", "king", "queen") in found
    for a, b, c, d in found:
        diff_ab = [x != y for x, y in zip(PEOPLE[a], PEOPLE[b])]
        assert sum(diff_ab) == 1 and diff_ab == [x != y for x, y in zip(PEOPLE[c], PEOPLE[d])]


def test_skip_gram_makes_a_pair_per_neighbour_and_cbow_one_example_per_word():
    pad = 99
    sentence = [[10, 11, 12, 13]]
    inputs, targets = make_examples(sentence, 2, "skip-gram", pad)
    pairs = sorted(zip(inputs[:, 0].tolist(), targets.tolist()))
    assert pairs == sorted([(10, 11), (10, 12), (11, 10), (11, 12), (11, 13), (12, 10), (12, 11), (12, 13),
                            (13, 11), (13, 12)])
    inputs, targets = make_examples(sentence, 2, "cbow", pad)
    assert targets.tolist() == [10, 11, 12, 13]
    assert inputs.tolist() == [[11, 12, pad, pad], [10, 12, 13, pad], [10, 11, 13, pad], [11, 12, pad, pad]]


def test_the_loss_is_logistic_regression_on_the_true_pair_and_the_noise_words():
    torch.manual_seed(0)
    model = Word2Vec(6, 4)
    with torch.no_grad():
        model.contexts.weight.normal_()  # word2vec starts them at zero; random makes the test bite
    v, u = model.words.weight, model.contexts.weight
    word, context, noise = 2, 3, [0, 5, 1]
    expected = -(F.logsigmoid(u[context] @ v[word]) + F.logsigmoid(-(u[noise] @ v[word])).sum())
    got = model(torch.tensor([[word]]), torch.tensor([context]), torch.tensor([noise]))
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)
    # CBOW: the input is the mean of the context vectors; the padding row counts for nothing
    cbow = model(torch.tensor([[1, 4, 6]]), torch.tensor([context]), torch.tensor([noise]))
    h = (v[1] + v[4]) / 2
    expected = -(F.logsigmoid(u[context] @ h) + F.logsigmoid(-(u[noise] @ h)).sum())
    assert cbow.item() == pytest.approx(expected.item(), rel=1e-6)
    assert torch.equal(model.words.weight[6], torch.zeros(4)) and model.vectors().shape == (6, 4)


def test_the_analogy_arithmetic_on_a_perfect_cube():
    # Three facts as three axes plus a shared offset: b - a + c is exactly d.
    people = list(PEOPLE)
    axes = torch.eye(3) * torch.tensor([1.0, 2.0, 3.0])
    vectors = torch.stack([sum(axes[i] * (value in ("female", "royal", "young")) for i, value in enumerate(PEOPLE[w]))
                           + torch.tensor([5.0, 5.0, 5.0]) for w in people])
    ix = {w: i for i, w in enumerate(people)}
    sims = analogy(vectors, ix["man"], ix["king"], ix["woman"])
    assert rank(sims, ix["queen"]) == 1
    assert sims[ix["king"]] == -np.inf and sims[ix["man"]] == -np.inf  # the inputs may not answer
    everything = analogy(vectors, ix["man"], ix["king"], ix["woman"], skip_inputs=False)
    assert torch.isfinite(everything).all()


def test_the_projection_keeps_its_orientation_between_frames():
    torch.manual_seed(1)
    vectors = torch.randn(20, 8)
    xy = project(vectors)
    assert xy.shape == (20, 2)
    assert torch.allclose(project(vectors, previous=-xy), -xy, atol=1e-5)  # flipped to match
    # PCA keeps the distances along its two axes: the plane's spread equals the top singular values
    s = torch.linalg.svdvals(vectors - vectors.mean(0))
    assert torch.allclose(xy.norm(dim=0), s[:2], rtol=1e-4)


# --------------------------------------------------------------------------- the page

def test_progress_reports_the_loss_and_a_live_picture():
    result, progress = run(5, **SMALL)
    steps = int(result.metrics["steps_run"])
    assert progress[-1].done == steps and len(progress) <= 101
    assert set(progress[-1].series) == {"loss"} == set(figures.LIVE.names)
    last = progress[-1].live
    assert last["words"] == SHOWN and np.asarray(last["xy"]).shape == (len(SHOWN), 2)
    assert last["rank"] >= 1
    for lang, word in (("en", "Word vectors at step"), ("ko", "스텝의 단어 벡터")):
        assert word in figures.live_picture(progress[-1], lang).layout.title.text
    assert figures.live_picture(Progress(done=0, total=1), "en") is None


def test_stop_ends_training_at_the_next_report_and_keeps_what_was_trained():
    stop = threading.Event()
    seen, total = [], []

    def press_stop_at_the_third_report(progress):
        seen.append(progress.done)
        total.append(progress.total)
        if len(seen) == 3:
            stop.set()

    result = DEMO.run(SMALL, device=CPU, seed=0, report=press_stop_at_the_third_report, stop=stop)
    assert result.stopped and len(seen) == 3
    assert result.metrics["steps_run"] == seen[-1] < total[-1]
    assert 1 <= result.metrics["analogy_rank"] <= result.metrics["vocab_size"]
    assert len(DEMO.figures(result, "en")) == 6


def test_same_seed_same_result_and_figures_in_both_languages():
    a, _ = run(4, **SMALL)
    b = DEMO.run(SMALL, device=CPU, seed=4)
    assert a.metrics == b.metrics and a.data["history"] == b.data["history"]
    for lang, word in (("en", "principal component"), ("ko", "주성분")):
        figs = DEMO.figures(a, lang)
        assert len(figs) == 6
        assert word in str(figs[0].to_dict())
        for fig in figs:
            assert fig.layout.title.text
            for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
                if axis.visible is not False and axis.matches is None and axis.showticklabels is not False:
                    if fig.data and fig.data[0].type not in ("table", "scatter3d"):
                        assert axis.title.text
    assert "queen" in a.summary.en and "queen" in a.summary.ko
    groups = {g for g in WORD_GROUPS}
    assert groups == set(figures.GROUPS) == set(figures.COLORS)


@pytest.mark.parametrize("bad", [{"dim": 1}, {"dim": 500}, {"window": 0}, {"epochs": 100}, {"mode": "glove"},
                                 {"negatives": 2.5}, {"sentences": 50}, {"lr": 5.0}, {"depth": 2}])
def test_bad_params_are_refused(bad):
    with pytest.raises(ParamError):
        DEMO.run(bad, device=CPU, seed=0)
