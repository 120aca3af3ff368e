"""Every number the embeddings topic states is measured here: by running the word-embedding
demo's lesson (seed 0, one thread, as the app runs it on a 2-core CPU), by building the layers
the cards name, or by the arithmetic the text describes. A card whose number drifts from what
the code does fails here."""

from __future__ import annotations

import inspect
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import demos.data
import demos.embeddings.lesson as lesson
from demos.data import PEOPLE, word_corpus
from demos.embeddings import DEMO, figures
from demos.framework import Result
from demos.generators import GENERATORS
from studyapp.content import load_content
from tests.conftest import ROOT
from tests.content_text import strings_of

CONTENT = load_content(ROOT / "content")
TOPIC = CONTENT.topic("embeddings")
SETTINGS = {  # name -> the demo settings a text quotes (seed 0)
    "default": {},
    "cbow": {"mode": "cbow"},
    "2 dimensions": {"dim": 2},
    "window 1": {"window": 1},
    "300 sentences": {"sentences": 300},
}


@pytest.fixture(scope="module")
def runs():
    """The lesson's output for each quoted run."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return {name: lesson.train(**settings, seed=0) for name, settings in SETTINGS.items()}
    finally:
        torch.set_num_threads(before)


def texts(item, lang: str) -> str:
    """Every string of a card or question in one language, joined."""
    found = strings_of(item, lang)
    return " ".join(" ".join(found).split())  # one space between words, as YAML folds them


def card(card_id: str):
    return next(c for c in TOPIC.cards if c.id == card_id)


def question(question_id: str):
    return next(q for q in TOPIC.questions if q.id == question_id)


def says(item, *phrases: tuple[str, str]) -> None:
    """Each (English, Korean) phrase appears in the item's text in that language."""
    for en, ko in phrases:
        assert en in texts(item, "en"), f"{getattr(item, 'id', item)}: {en!r} not in the English text"
        assert ko in texts(item, "ko"), f"{getattr(item, 'id', item)}: {ko!r} not in the Korean text"


def test_the_topic_covers_the_required_terms_and_owns_the_moved_card():
    ids = {c.id for c in TOPIC.cards}
    assert {"word-embedding", "embedding-layer", "embedding-dimension", "cosine-similarity",
            "distributional-hypothesis", "context-window", "word2vec", "skip-gram", "cbow",
            "negative-sampling", "glove", "fasttext", "oov-word", "contextual-embedding", "elmo",
            "word-analogy"} <= ids
    assert TOPIC.order == 55 and TOPIC.demos == ["embeddings"]
    assert "word-embedding" not in {c.id for c in CONTENT.topic("rnn").cards}
    # The RNN topic may name word embeddings only to send the learner to their own topic.
    rnn_summary = CONTENT.topic("rnn").summary.en
    assert "word embeddings" not in rnn_summary or "topics of their own" in rnn_summary


def test_the_default_run_the_cards_quote(runs):
    m = runs["default"]["metrics"]
    settings = {p.name: p.default for p in DEMO.params}
    assert (settings["dim"], settings["window"], settings["epochs"], settings["sentences"]) == (16, 3, 4, 2000)
    vocab, dim = int(m["vocab_size"]), settings["dim"]
    says(card("word-embedding"), (f"each of the {vocab} words of the generated corpus gets a vector of {dim} numbers",
                                  f"단어 {vocab}개가 저마다 숫자 {dim}개짜리 벡터"),
         (f"would need {vocab} numbers each, {vocab - 1} of them zero", f"숫자 {vocab}개가 필요하고, 그중 {vocab - 1}개는 0"))
    assert m["analogy_rank"] == 1 and m["analogy_accuracy"] == 1.0
    says(card("word-analogy"),
         (f"before training queen ranks {int(m['analogy_rank_at_start'])}th", f"queen이 {int(m['analogy_rank_at_start'])}번째"),
         (f"after the default {int(m['steps_run'])} steps it ranks 1st with a cosine of {m['analogy_cosine']:.2f}",
          f"{int(m['steps_run'])} 스텝을 학습한 뒤에는 코사인 {m['analogy_cosine']:.2f}로 1번째"),
         ("all 72 analogies", "유추 72개를 모두"))
    assert len(demos.data.word_analogies()) == 72
    says(card("embedding-dimension"), ("with the default 16, 100%", "기본값인 16차원에서는 100%"))
    says(question("embeddings-q-predict-cbow"), ("(16 dimensions, window 3, 4 epochs)", "(16차원, 윈도우 3, 4 에포크)"))


def test_palace_and_castle_are_each_others_nearest_neighbours(runs):
    result = Result(metrics=runs["default"]["metrics"], data=runs["default"], summary=None)
    assert figures.neighbours(result, "palace", 1)[0][0] == "castle"
    assert figures.neighbours(result, "castle", 1)[0][0] == "palace"
    says(card("distributional-hypothesis"), ("palace and castle fill the same slots", "palace와 castle은 같은 자리"))


def test_two_dimensions_solve_few_analogies(runs):
    share = runs["2 dimensions"]["metrics"]["analogy_accuracy"]
    says(card("embedding-dimension"), (f"With 2 dimensions the trained vectors solve only {100 * share:.0f}% of the 72",
                                       f"2차원으로 학습한 벡터는 그 사이의 유추 72개 중 {100 * share:.0f}%만"))
    assert share < 0.3  # the outcome embeddings-q-predict-two-dims lands on


def test_a_one_word_window_leaves_queen_third_when_the_inputs_may_answer(runs):
    m = runs["window 1"]["metrics"]
    assert m["analogy_rank"] == 1 and m["analogy_rank_with_inputs"] == 3
    says(card("context-window"), ("but only third if they may answer", "queen은 세 번째에 그칩니다"))


def test_skip_gram_and_cbow_examples_and_steps(runs):
    skip, cbow = runs["default"]["metrics"], runs["cbow"]["metrics"]
    ids = [[0] * len(s) for s in word_corpus(2000, 0)]  # only the sentence lengths matter here
    assert len(lesson.make_examples(ids, 3, "skip-gram", 1)[1]) == skip["examples"] == 40638
    assert len(lesson.make_examples(ids, 3, "cbow", 1)[1]) == cbow["examples"] == 10773
    assert cbow["examples"] == sum(len(s) for s in ids)  # one per word
    says(card("skip-gram"), ("(2,000 sentences, window 3) gives 40,638 skip-gram examples", "스킵그램 예제 40,638개"))
    says(card("cbow"), ("CBOW makes 10,773 examples per epoch against skip-gram's 40,638",
                        "CBOW는 에포크마다 예제 10,773개를 만들고, 스킵그램은 40,638개"),
         ("in the same 4 epochs it takes about a quarter of the steps", "같은 4 에포크 동안 CBOW의 스텝 수는 약 4분의 1"))
    assert 0.2 < cbow["steps_run"] / skip["steps_run"] < 0.3 and 0.2 < cbow["examples"] / skip["examples"] < 0.3
    says(question("embeddings-q-predict-cbow"), ("about a quarter of skip-gram's", "스킵그램의 약 4분의 1"))


def test_the_small_corpus_prediction(runs):
    small, default = runs["300 sentences"]["metrics"], runs["default"]["metrics"]
    corpus = word_corpus(300, 0)
    per_person = sum(any(w in PEOPLE for w in s) for s in corpus) / len(PEOPLE)
    assert round(per_person) == 28
    steps = (int(small["steps_run"]), int(default["steps_run"]))
    says(question("embeddings-q-predict-small-corpus"),
         (f"about 28 sentences per person word, and {steps[0]} training steps instead of {steps[1]}",
          f"문장이 약 28개뿐이고 학습 스텝도 {steps[1]}개가 아니라 {steps[0]}개"),
         ("only 300 sentences instead of 2,000", "문장 2,000개 대신 300개"))


def test_three_in_four_sentences_are_about_a_person():
    assert "rng.random() < 0.75" in inspect.getsource(demos.data.word_corpus)
    share = sum(any(w in PEOPLE for w in s) for s in word_corpus(5000, 1)) / 5000
    assert abs(share - 0.75) < 0.02
    sentences = next(p for p in DEMO.params if p.name == "sentences")
    assert "three in four about a person" in sentences.help.en and "넷 중 셋은 사람" in sentences.help.ko


def test_the_embedding_layer_is_a_lookup_of_one_hot_rows():
    torch.manual_seed(0)
    layer = nn.Embedding(10000, 128)
    assert sum(p.numel() for p in layer.parameters()) == 10000 * 128 == 1_280_000
    assert GENERATORS["embedding-params"](vocab=10000, dim=128, bias=False) == 1_280_000
    ids = torch.randint(0, 10000, (4, 7))
    assert layer(ids).shape == (4, 7, 128)
    one_hot = F.one_hot(ids, 10000).float()
    assert torch.allclose(one_hot @ layer.weight, layer(ids))
    says(card("embedding-layer"), ("10,000 × 128 = 1,280,000 parameters", "10,000 × 128 = 1,280,000개"),
         ("(N, T) to vectors of shape (N, T, 128)", "(N, T, 128) 모양의 벡터"))
    # padding_idx: its row stays zero and gets no gradient; only looked-up rows get one
    padded = nn.Embedding(5, 3, padding_idx=4)
    padded(torch.tensor([[1, 4]])).sum().backward()
    assert torch.equal(padded.weight[4], torch.zeros(3))
    assert padded.weight.grad[4].abs().sum() == 0 and padded.weight.grad[1].abs().sum() > 0
    assert padded.weight.grad[[0, 2, 3]].abs().sum() == 0


def test_one_hot_vectors_are_all_equally_dissimilar():
    vectors = F.one_hot(torch.arange(56), 56).float()
    cos = F.cosine_similarity(vectors[:, None], vectors[None], dim=-1)
    assert torch.equal(cos, torch.eye(56))
    says(card("cosine-similarity"), ("Two different one-hot vectors always have cosine 0",
                                     "서로 다른 원-핫 벡터 두 개의 코사인은 언제나 0"))


def test_the_cosine_example():
    a, b = torch.tensor([1.0, 2.0, 2.0]), torch.tensor([2.0, 1.0, 2.0])
    assert a @ b == 8 and a.norm() == 3 and b.norm() == 3
    cos = F.cosine_similarity(a, b, dim=0).item()
    assert cos == pytest.approx(8 / 9) and f"{cos:.2f}" == "0.89"
    assert GENERATORS["cosine-similarity"](a1=1, a2=2, a3=2, b1=2, b2=1, b3=2, normalized=True) == pytest.approx(8 / 9)
    says(card("cosine-similarity"), ("a · b = 8 and both lengths are 3, so the cosine is 8/9 ≈ 0.89",
                                     "a · b = 8이고 두 길이가 모두 3이므로 코사인은 8/9 ≈ 0.89"))


def ngrams(word: str, n_low: int, n_high: int) -> list[str]:
    wrapped = f"<{word}>"
    return [wrapped[i:i + n] for n in range(n_low, n_high + 1) for i in range(len(wrapped) - n + 1)]


def test_the_fasttext_n_grams_the_cards_list():
    assert ngrams("where", 3, 3) == ["<wh", "whe", "her", "ere", "re>"]
    assert len(ngrams("where", 3, 6)) == 14 == GENERATORS["fasttext-ngrams"](letters=5, min_n=3, max_n=6, boundaries=True)
    says(card("fasttext"), ("its 3-grams are <wh, whe, her, ere and re>", "그 3-그램은 <wh, whe, her, ere, re>"),
         ("With n from 3 to 6 it has 14 n-grams", "n이 3부터 6까지이면 n-그램은 14개"))
    teachers = ngrams("teachers", 3, 3)
    assert teachers == ["<te", "tea", "eac", "ach", "che", "her", "ers", "rs>"]
    says(card("oov-word"), ("<te, tea, eac, ach, che, her, ers and rs>", "<te, tea, eac, ach, che, her, ers, rs>"))
    seen = set(ngrams("teach", 3, 6)) | set(ngrams("teacher", 3, 6))
    longer = ngrams("teachers", 4, 6)
    assert sum(g in seen for g in teachers) > len(teachers) / 2  # "most of which it has seen"
    assert sum(g in seen for g in teachers + longer) > len(teachers + longer) / 2


def test_a_window_of_2_gives_queen_three_contexts():
    sentence = "the queen lives in the palace".split()
    ids = {w: i for i, w in enumerate(dict.fromkeys(sentence))}
    inputs, targets = lesson.make_examples([[ids[w] for w in sentence]], 2, "skip-gram", len(ids))
    words = list(ids)
    contexts = [words[t] for i, t in zip(inputs[:, 0].tolist(), targets.tolist()) if i == ids["queen"]]
    assert contexts == ["the", "lives", "in"]
    says(card("context-window"), ("gives queen three contexts: the, lives and in", "queen의 문맥은 the, lives, in 세 개"))


def test_the_noise_distribution_is_frequency_to_the_three_quarters():
    source = inspect.getsource(lesson.train)
    assert "** 0.75" in source and "torch.multinomial(noise" in source
    says(card("negative-sampling"), ("torch.multinomial(counts ** 0.75, ...)", "torch.multinomial(counts ** 0.75, ...)"))


def test_the_loss_starts_at_k_plus_one_times_ln_2():
    torch.manual_seed(0)
    model = lesson.Word2Vec(56, 16)
    k = next(p.default for p in DEMO.params if p.name == "negatives")
    loss = model(torch.randint(0, 56, (64, 1)), torch.randint(0, 56, (64,)), torch.randint(0, 56, (64, k)))
    assert k == 5 and loss.item() == pytest.approx((k + 1) * math.log(2), rel=1e-6)
    assert f"{(k + 1) * math.log(2):.2f}" == "4.16"
    says(card("negative-sampling"), ("the loss at (k + 1) ln 2 ≈ 4.16 for k = 5", "k = 5일 때 손실은 (k + 1) ln 2 ≈ 4.16"))


def test_each_skip_gram_window_step_adds_at_most_two_pairs_per_word():
    ids = [[0] * len(s) for s in word_corpus(500, 2)]
    counts = [len(lesson.make_examples(ids, w, "skip-gram", 1)[1]) for w in range(1, 6)]
    words = sum(len(s) for s in ids)
    assert all(0 < b - a <= 2 * words for a, b in zip(counts, counts[1:]))
    says(card("context-window"), ("adds up to two (word, context) pairs per word", "최대 두 개씩"))


def test_the_generators_match_the_formulas():
    for vocab, dim in ((5000, 50), (50000, 300)):
        assert GENERATORS["embedding-params"](vocab=vocab, dim=dim, bias=False) == vocab * dim
        assert GENERATORS["embedding-params"](vocab=vocab, dim=dim, bias=True) == vocab * dim + dim
    for letters in range(4, 9):
        for low in (2, 3):
            for high in (4, 5, 6):
                with_marks = sum(letters + 2 - n + 1 for n in range(low, high + 1) if n <= letters + 2)
                without = sum(letters - n + 1 for n in range(low, high + 1) if n <= letters)
                assert GENERATORS["fasttext-ngrams"](letters=letters, min_n=low, max_n=high, boundaries=True) == with_marks
                assert GENERATORS["fasttext-ngrams"](letters=letters, min_n=low, max_n=high, boundaries=False) == without
    a, b = (3, 0, 1), (1, 2, 2)
    dot = sum(x * y for x, y in zip(a, b))
    cos = dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    values = dict(zip(("a1", "a2", "a3", "b1", "b2", "b3"), (*a, *b)))
    assert GENERATORS["cosine-similarity"](**values, normalized=True) == pytest.approx(cos)
    assert GENERATORS["cosine-similarity"](**values, normalized=False) == dot
