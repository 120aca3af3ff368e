"""The learner's Korean: one term per concept in every file, the formal register (합니다체)
in every string the app and its content write, formulas whose words are Korean too, Korean
lines that wrap between words, and the language kept in the URL, across pages and through a
language switch that never moves the learner to another page."""

from __future__ import annotations

import ast
import re

import pytest
import yaml

from studyapp.content import load_content
from tests.conftest import ROOT, make_app, open_page, page_text

BUNDLED = load_content()


def korean_texts() -> list[tuple[str, str]]:
    """(where, Korean text) for every Korean string of the app's catalogue, of the code
    (`T(en, ko)`, `Text(en, ko)`, `ko=`) and of the topic files, aliases left out: an alias is
    a variant on purpose."""
    from studyapp.ui.strings.ko import STRINGS

    found = [(f"ko.py:{key}", text) for key, text in STRINGS.items()]
    for path in sorted([*(ROOT / "studyapp").rglob("*.py"), *(ROOT / "demos").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = None
            if isinstance(node, ast.Call) and len(node.args) >= 2 and \
                    getattr(node.func, "id", getattr(node.func, "attr", None)) in ("T", "Text"):
                value = node.args[1]
            elif isinstance(node, ast.keyword) and node.arg == "ko":
                value = node.value
            if value is not None:
                parts = [n.value for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                found.append((f"{path.relative_to(ROOT)}:{value.lineno}", "".join(parts)))

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "ko" and isinstance(value, str):
                    found.append((where, value))
                elif key != "aliases":
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    for path in sorted((ROOT / "content").glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    return found


TEXTS = korean_texts()


def test_the_scan_sees_every_kind_of_korean_text():
    places = {where.split(":")[0].split(".yaml")[0] for where, _ in TEXTS}
    assert "ko.py" in places and "studyapp/quiz/confusables.py" in places and "demos/cnn/figures.py" in places
    assert any(where.startswith("overfitting.yaml") for where, _ in TEXTS) and len(TEXTS) > 3000


# --- the formal register ---------------------------------------------------------------------

# 해요체 ends a sentence in 요 (고르세요, 무엇일까요?, 잘하셨어요!); 합니다체 in 니다/니까/십시오.
HAEYO = re.compile(r"[가-힣]*[가-힣]요(?=$|[\s.?!,)\"'」:;…])", re.MULTILINE)
NOUNS_IN_YO = {"필요", "중요", "주요", "수요", "개요", "불필요", "강요", "아니요"}  # words, not endings ("아니요": no)


def test_every_korean_sentence_is_in_the_formal_register():
    informal = [(where, m.group(0)) for where, text in TEXTS for m in HAEYO.finditer(text)
                if m.group(0) not in NOUNS_IN_YO]
    assert informal == []


def test_a_generated_question_speaks_formally_and_picks_the_right_particle():
    from studyapp.quiz.confusables import with_topic_particle

    assert [with_topic_particle(term) for term in ("드롭아웃", "소프트맥스", "합성곱 신경망 (CNN)", "L2", "Adam")] == [
        "드롭아웃은", "소프트맥스는", "합성곱 신경망 (CNN)은", "L2는", "Adam은"]


# --- one Korean term per concept -------------------------------------------------------------------

# variant -> the term every file uses. Aliases on cards keep the variants findable.
ONE_TERM = {
    "놀이터": "플레이그라운드",
    "레이어 정규화": "층 정규화",
    "레이어": "층",
    "컨볼루션": "합성곱",
    "워드 임베딩": "단어 임베딩",
    "다항 분류": "다중 클래스 분류",
    "쌍곡선 탄젠트": "쌍곡탄젠트",
    "자비에": "Xavier",
    "메모리 배치": "메모리 레이아웃",  # 배치 is a batch; a layout is a 레이아웃
    "배치하": "늘어놓다, 놓다",
    "배치합": "늘어놓다, 놓다",
    "세로 경계": "세로 에지",  # 경계 is a boundary; an image edge is an 에지
    "가로 경계": "가로 에지",
    "경계 검출": "에지 검출",
    "데이터 세트": "데이터셋",
    "입력 특성": "입력 특징",  # a feature is a 특징 (특징 맵)
    "출력 특성": "출력 특징",
}


QUOTED = re.compile(r'"[^"]*"|“[^”]*”|\'[^\']*\'')  # the notes quoted word for word: their spelling


def uses(text: str, variant: str) -> bool:
    """The variant as a word of its own (not 서브워드 임베딩 for 워드 임베딩), outside quotes."""
    return re.search(rf"(?<![가-힣]){re.escape(variant)}", QUOTED.sub("", text)) is not None


def test_a_variant_is_a_word_of_its_own_outside_quotes():
    assert uses("워드 임베딩을 씁니다", "워드 임베딩") and not uses("서브워드 임베딩을 씁니다", "워드 임베딩")
    assert not uses('노트에서는 "각 레이어별로" 정규화한다고 씁니다', "레이어")


@pytest.mark.parametrize("variant", list(ONE_TERM))
def test_one_korean_term_per_concept(variant):
    assert [where for where, text in TEXTS if uses(text, variant)] == [], f"write {ONE_TERM[variant]!r}"


def test_the_notes_variants_are_aliases_that_find_their_cards():
    from studyapp.content.search import search

    aliases = {alias for card in BUNDLED.cards() for alias in card.alias_texts()}
    for variant in ("자비에 초기화", "워드 임베딩", "다항 분류", "쌍곡선 탄젠트", "컨볼루션", "계층"):
        assert variant in aliases
        assert search(BUNDLED, variant, "ko")[0].rank == 0


# --- words inside formulas ---------------------------------------------------------------------------

NOTATION = {"offset", "stride", "size", "sobel", "Bernoulli", "id", "in", "out"}  # names in the code


def english_words(latex: str) -> set[str]:
    words = set()
    for inside in re.findall(r"\\text\{([^}]*)\}", latex):
        words |= {w for w in re.findall(r"[A-Za-z]{2,}", inside) if w not in NOTATION}
    return words


def test_a_formula_with_words_has_them_in_korean_too():
    untranslated = [card.id for card in BUNDLED.cards() if card.formula and english_words(card.formula_in("ko"))]
    assert untranslated == []
    translated = [card for card in BUNDLED.cards() if card.formula and card.formula_in("ko") != card.formula_in("en")]
    assert len(translated) >= 10


def test_the_topic_page_writes_a_formula_in_the_learners_language(monkeypatch):
    at = open_page(make_app(monkeypatch, lang="ko"), "topic-optimization")
    formulas = "\n".join(str(latex.value) for latex in at.latex)
    assert r"\text{에포크당 스텝 수} = \lceil N / B \rceil" in formulas and "steps per epoch" not in formulas
    at = open_page(make_app(monkeypatch, lang="en"), "topic-optimization")
    assert r"\text{steps per epoch} = \lceil N / B \rceil" in "\n".join(str(latex.value) for latex in at.latex)


# --- the page: line breaks, the URL, the page kept ---------------------------------------------------


def test_korean_wraps_between_words_on_every_page(monkeypatch):
    at = make_app(monkeypatch, lang="ko").run()
    styles = [str(element.proto.body) for element in at.get("html")]
    assert any("word-break: keep-all" in style for style in styles)


def test_a_deep_link_opens_in_korean_and_the_url_keeps_the_language(monkeypatch):
    at = make_app(monkeypatch)
    del at.session_state["lang"]  # a fresh session: the URL decides
    at.query_params["lang"] = "ko"
    at = open_page(at, "topic-cnn")
    assert not at.exception
    assert at.title[0].value == "합성곱 신경망 (CNN)" and at.session_state["lang"] == "ko"
    assert at.query_params["lang"] == "ko"


def test_switching_to_english_clears_the_url_and_back_sets_it(monkeypatch):
    at = open_page(make_app(monkeypatch, lang="ko"), "glossary")
    assert at.query_params["lang"] == "ko"
    at.sidebar.radio(key="lang-switch").set_value("en").run()
    assert at.title[0].value == "Glossary" and "lang" not in at.query_params
    at.sidebar.radio(key="lang-switch").set_value("ko").run()
    assert at.title[0].value == "용어집" and at.query_params["lang"] == "ko"


def test_an_unknown_language_in_the_url_is_english(monkeypatch):
    at = make_app(monkeypatch)
    del at.session_state["lang"]
    at.query_params["lang"] = "fr"
    at = open_page(at, "")
    assert not at.exception and at.title[0].value == "Deep Learning Study"


@pytest.mark.parametrize("path, title", [("topic-cnn", "합성곱 신경망 (CNN)"), ("quiz", "퀴즈"), ("stats", "통계")])
def test_switching_the_language_keeps_the_page(monkeypatch, path, title):
    at = open_page(make_app(monkeypatch), path)
    at.sidebar.radio(key="lang-switch").set_value("ko").run()
    assert not at.exception and at.title[0].value == title


def test_a_switch_pressed_while_a_page_loads_goes_back_to_that_page(monkeypatch):
    """The browser names the page before the one it is loading in a rerun it sends meanwhile:
    the switch must not take the learner back to Home (the page they had left)."""
    at = open_page(make_app(monkeypatch), "topic-cnn")  # the run that opened the topic...
    home = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == "")
    at._page_hash = home  # ...and a rerun request that still names Home
    at.sidebar.radio(key="lang-switch").set_value("ko").run()
    assert not at.exception
    assert at.title[0].value == "합성곱 신경망 (CNN)", page_text(at)[:200]


def test_statistics_dates_are_written_the_korean_way(monkeypatch):
    import json

    at = open_page(make_app(monkeypatch, lang="ko"), "stats")
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    axes = [spec["layout"]["xaxis"] for spec in specs[:2]]  # the calendar and the forecast
    assert all(axis["tickformat"] == "%-m월 %-d일" and axis["hoverformat"] == "%Y년 %-m월 %-d일" for axis in axes)
    at = open_page(make_app(monkeypatch, lang="en"), "stats")
    assert json.loads(at.get("plotly_chart")[1].proto.spec)["layout"]["xaxis"]["tickformat"] == "%b %-d"



# --- Streamlit's and Plotly's own words, where configuration reaches them -----------------------------


def test_plotlys_own_words_on_a_chart_are_korean(monkeypatch):
    import json

    at = open_page(make_app(monkeypatch, lang="ko"), "stats")
    configs = [json.loads(chart.proto.config) for chart in at.get("plotly_chart")]
    assert len(configs) >= 3
    for config in configs:
        assert config["locale"] == "ko" and config["displayModeBar"] is False
        assert config["locales"]["ko"]["dictionary"]["Zoom in"] == "확대"
        assert config["locales"]["ko"]["format"]["shortMonths"][2] == "3월"
    at = open_page(make_app(monkeypatch, lang="en"), "stats")
    assert all("locale" not in json.loads(chart.proto.config) for chart in at.get("plotly_chart"))


def test_plotlys_korean_words_are_formal_and_every_tip_is_translated():
    from studyapp.ui.strings.ko import PLOTLY

    words = PLOTLY["dictionary"]
    assert all(HAEYO.search(text) is None and text != english for english, text in words.items())
    assert {"Zoom", "Pan", "Autoscale", "Reset axes", "Download plot as a png"} <= set(words)


def test_empty_pickers_speak_korean_instead_of_streamlits_choose_options(monkeypatch):
    at = open_page(make_app(monkeypatch, lang="ko"), "quiz")
    assert at.multiselect(key="quiz-topics").proto.placeholder == "하나 이상 고르십시오"
    assert at.multiselect(key="quiz-types").proto.placeholder == "하나 이상 고르십시오"
    at = open_page(make_app(monkeypatch, lang="ko"), "review")
    assert at.multiselect(key="review-topics").proto.placeholder == "모든 주제"  # none chosen: every topic


def test_every_picker_that_can_be_empty_brings_its_own_words():
    """Streamlit fills an empty multiselect (or a selectbox with nothing chosen) with its own
    English 'Choose options'/'Choose an option' unless the call names a placeholder."""
    silent, seen = [], 0
    for path in sorted((ROOT / "studyapp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("multiselect", "selectbox")):
                continue
            named = {k.arg: k.value for k in node.keywords}
            index = named.get("index")
            can_be_empty = node.func.attr == "multiselect" or (isinstance(index, ast.Constant) and index.value is None)
            seen += 1
            if can_be_empty and "placeholder" not in named:
                silent.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert seen >= 5 and silent == []
