"""Every page of the real app, in both languages, through Streamlit's AppTest."""

from __future__ import annotations

import pytest

from demos import lesson_source
from studyapp.content import load_content
from tests.conftest import make_app, open_page, page_text

LANGS = ["en", "ko"]
BUNDLED = load_content()


@pytest.mark.parametrize("lang", LANGS)
def test_home_lists_every_topic(monkeypatch, lang):
    at = make_app(monkeypatch, lang=lang).run()
    assert not at.exception
    text = page_text(at)
    for topic in BUNDLED.topics:
        assert topic.title.get(lang) in text
    assert ("Deep Learning Study" if lang == "en" else "딥러닝 스터디") in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("topic_id", [t.id for t in BUNDLED.topics])
def test_topic_page_shows_cards_and_demo_form(monkeypatch, lang, topic_id):
    topic = BUNDLED.topic(topic_id)
    at = open_page(make_app(monkeypatch, lang=lang), f"topic-{topic_id}")
    assert not at.exception
    text = page_text(at)
    assert topic.title.get(lang) in text
    for card in topic.cards:
        assert card.term.get(lang) in text
    if topic.demos:
        assert any(button.label == ("Run demo" if lang == "en" else "데모 실행") for button in at.button)
    codes = [str(code.value).strip() for code in at.code]
    for demo_id in topic.demos:  # the demo's lesson
        assert lesson_source(demo_id)[1].strip() in codes


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_searches_both_languages(monkeypatch, lang):
    at = open_page(make_app(monkeypatch, lang=lang), "glossary")
    assert not at.exception
    total = len(BUNDLED.cards())
    assert (f"{total} terms" if lang == "en" else f"용어 {total}개") in page_text(at)
    at.text_input(key="glossary-query").input("과적합").run()
    assert "Overfitting" in page_text(at) or "과적합" in page_text(at)
    at.text_input(key="glossary-query").input("zzzznosuchterm").run()
    assert "zzzznosuchterm" in page_text(at)


def test_language_switch_persists_across_pages(monkeypatch):
    at = make_app(monkeypatch).run()
    at.sidebar.radio[0].set_value("ko").run()
    assert "딥러닝 스터디" in page_text(at)
    at = open_page(at, "glossary")
    assert "용어집" in page_text(at)
    assert at.session_state["lang"] == "ko"


def test_broken_file_shows_banner_and_other_topics_work(monkeypatch, broken_content):
    at = make_app(monkeypatch, content=broken_content).run()
    assert not at.exception
    banner = "\n".join(e.value for e in at.error)
    assert "gamma.yaml:6: cards[0].term.ko: required field is missing" in banner
    assert "Beta topic" in page_text(at)
    at = open_page(at, "topic-beta")
    assert "Beta term" in page_text(at)


def test_running_the_overfitting_demo_on_its_page(monkeypatch, valid_content):
    at = open_page(make_app(monkeypatch, content=valid_content, timeout=120), "topic-alpha")
    at.slider(key="demo-overfitting-epochs").set_value(20)
    at.slider(key="demo-overfitting-hidden").set_value(16)
    next(b for b in at.button if b.label == "Run demo").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    text = page_text(at)
    assert "Train-minus-validation accuracy gap" in text
    assert "Trained on cpu" in text
    assert "def make_mlp" in text  # the demo's lesson is shown
    # the same settings again: the cached result, instantly
    next(b for b in at.button if b.label == "Run demo").click().run()
    assert "result reused" in page_text(at)


def test_choices_read_in_the_page_language_and_keep_their_ids(monkeypatch):
    at = open_page(make_app(monkeypatch, lang="ko"), "topic-cnn")
    kernel = at.selectbox(key="demo-cnn-kernel")
    assert "blur (5×5 가우시안 흐림)" in kernel.options  # what the learner reads
    assert kernel.value == "edge"  # what the demo receives: the id


# Small settings so every demo runs in a second or two through the real page.
QUICK_SETTINGS = {
    "overfitting": {"epochs": 20, "hidden": 16},
    "optimizers": {"steps": 20, "digits_steps": 20},
    "learning-rate": {"steps": 50, "count": 3},
    "batch-size": {"epochs": 1},
    "activations": {"steps": 10, "depth": 3},
    "playground": {"epochs": 20, "hidden_layers": 2},
    "cnn": {"steps": 20},
    "rnn": {"steps": 20, "delay": 5},
    "heads": {"steps": 10},
    "kfold": {"epochs": 10, "folds": 3},
    "tuning": {"grid_points": 2},
    "residual": {"steps": 20, "depth": 6},
    "tensors": {"size": 2},
    "embeddings": {"epochs": 1, "sentences": 300},
    "normalization": {"steps": 10, "depth": 4},
    "attention": {"steps": 20},
    "transfer": {"pretrain_steps": 20, "steps": 10},
}


@pytest.mark.parametrize("demo_id", sorted(QUICK_SETTINGS))
def test_every_demo_runs_on_its_topic_page(monkeypatch, demo_id):
    topic = next(t for t in BUNDLED.topics if demo_id in t.demos)
    at = open_page(make_app(monkeypatch, lang="ko", timeout=120), f"topic-{topic.id}")
    for name, value in QUICK_SETTINGS[demo_id].items():
        at.slider(key=f"demo-{demo_id}-{name}").set_value(value)
    run_button = next(b for b in at.button if b.proto.form_id == f"demo-form-{demo_id}")
    assert run_button.label == "데모 실행"
    run_button.click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert "cpu에서" in page_text(at)  # the caption "Trained on cpu in … s", in Korean
    assert at.get("plotly_chart"), "the result's figures are drawn"
