"""The app's own words (not content) in both languages, and the current language."""

from __future__ import annotations

import streamlit as st

LANG_KEY = "lang"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Deep Learning Study", "딥러닝 스터디"),
    "home": ("Home", "홈"),
    "topics": ("Topics", "주제"),
    "tools": ("Tools", "도구"),
    "glossary": ("Glossary", "용어집"),
    "language": ("Language", "언어"),
    "home_intro": (
        "Each topic has cards that explain its terms and a live PyTorch demo that shows the "
        "concept happening. Pick a topic to start.",
        "각 주제에는 용어를 설명하는 카드와 개념이 실제로 일어나는 모습을 보여 주는 PyTorch "
        "실시간 데모가 있습니다. 주제를 골라 시작하세요.",
    ),
    "n_cards": ("{n} card{s}", "카드 {n}장"),
    "n_questions": ("{n} question{s}", "문제 {n}개"),
    "n_demos": ("{n} live demo{s}", "실시간 데모 {n}개"),
    "open_topic": ("Open {title}", "{title} 열기"),
    "content_errors": (
        "Some content files have errors and were skipped; every other topic works:",
        "일부 콘텐츠 파일에 오류가 있어 건너뛰었습니다. 나머지 주제는 정상입니다:",
    ),
    "no_topics": ("No topics loaded from {folder}.", "{folder}에서 불러온 주제가 없습니다."),
    "cards_tab": ("Cards", "카드"),
    "demo_tab": ("Live demo", "실시간 데모"),
    "formula": ("Formula", "수식"),
    "example": ("Example", "예시"),
    "pitfalls": ("Pitfalls", "주의할 점"),
    "confused_with": ("Often confused with", "자주 헷갈리는 용어"),
    "field": ("Field", "분야"),
    "no_demo": ("This topic has no live demo yet.", "이 주제에는 아직 실시간 데모가 없습니다."),
    "demo_settings": ("Settings", "설정"),
    "seed": ("Random seed", "난수 시드"),
    "run_demo": ("Run demo", "데모 실행"),
    "press_run": (
        "Choose settings and press **Run demo** to train.",
        "설정을 고르고 **데모 실행**을 누르면 학습이 시작됩니다.",
    ),
    "training": ("Training… {done}/{total}", "학습 중… {done}/{total}"),
    "trained_on": ("Trained on {device} in {seconds:.2f} s", "{device}에서 {seconds:.2f}초 동안 학습"),
    "from_cache": ("(same settings as before: result reused)", "(이전과 같은 설정: 결과를 재사용)"),
    "metrics": ("All measured numbers", "측정된 모든 수치"),
    "show_code": ("Show this demo's PyTorch code", "이 데모의 PyTorch 코드 보기"),
    "code_caption": (
        "The demo's lesson: {lines} lines of plain PyTorch. Saved as {file}, `python {file}` runs it "
        "on its own and prints what it measured.",
        "이 데모의 레슨: 평범한 PyTorch 코드 {lines}줄입니다. {file}로 저장해 `python {file}`을 실행하면 "
        "혼자서도 돌아가고 측정값을 출력합니다.",
    ),
    "code_engine": (
        " The page trains with a faster engine that reaches the same results; this is the code to read.",
        " 페이지는 같은 결과를 내는 더 빠른 엔진으로 학습합니다. 읽을 코드는 이것입니다.",
    ),
    "download_lesson": ("Download the lesson", "레슨 내려받기"),
    "stop": ("Stop", "멈추기"),
    "stopped_result": ("Stopped early: this is what was trained until then.", "중간에 멈췄습니다. 그때까지 학습한 결과입니다."),
    "queued": ("Waiting to train: place {n} in line", "학습 대기 중: {n}번째 순서"),
    "bad_param": ("Cannot run with these settings: {error}", "이 설정으로는 실행할 수 없습니다: {error}"),
    "demo_failed": ("The demo stopped with an error: {error}", "데모가 오류로 멈췄습니다: {error}"),
    "demo_missing": ("Demo {demo!r} is not available: {error}", "데모 {demo!r}를 사용할 수 없습니다: {error}"),
    "search": ("Search terms in English or Korean", "영어 또는 한국어로 용어 검색"),
    "n_terms": ("{n} terms", "용어 {n}개"),
    "no_match": ("No term matches “{query}”.", "“{query}”와 일치하는 용어가 없습니다."),
    "topic": ("Topic", "주제"),
}


def lang() -> str:
    """The language chosen in the sidebar for this browser session ('en' or 'ko')."""
    return st.session_state.get(LANG_KEY, "en")


def t(key: str, **values: object) -> str:
    en, ko = STRINGS[key]
    text = ko if lang() == "ko" else en
    return text.format(**values) if values else text


def tr(en: str, ko: str) -> str:
    """An inline pair of strings, for pages that keep their own wording next to the code."""
    return ko if lang() == "ko" else en


def language_switch() -> None:
    """A sidebar switch; its value lives in session state, so it holds across pages."""
    st.sidebar.radio(
        "Language / 언어",
        options=list(LANGUAGE_NAMES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key=LANG_KEY,
        horizontal=True,
    )
