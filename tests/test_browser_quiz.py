"""A short quiz in a real browser: start it, answer three types, reach the summary, and the
answers are in the learner's progress database."""

from __future__ import annotations

import re

import pytest

from studyapp.content import load_content
from studyapp.store import Store
from tests.browser import ARTIFACTS, browser_page, require_chromium, running_app, wait_until_idle

pytestmark = pytest.mark.browser

TOPIC = """\
id: t
title: {en: Data sets, ko: 데이터 세트}
summary: {en: Three questions for the browser test., ko: 브라우저 테스트용 세 문제.}
cards:
  - {id: val, term: {en: Validation set, ko: 검증 세트}, definition: {en: Held-out data for choices., ko: 선택에 쓰는 데이터.}}
questions:
  - id: t-tf
    type: true_false
    prompt: {en: 'The test set is used once, at the end.', ko: 테스트 세트는 마지막에 한 번 쓴다.}
    cards: [val]
    answer: true
    misconception: {en: It is tempting to peek., ko: 미리 보고 싶어집니다.}
  - id: t-single
    type: single_choice
    prompt: {en: 'Which set picks the learning rate?', ko: '학습률은 어느 세트로 고를까요?'}
    cards: [val]
    choices:
      - {text: {en: The validation set, ko: 검증 세트}, correct: true}
      - {text: {en: The test set, ko: 테스트 세트}, explanation: {en: Used once at the end., ko: 마지막에 한 번만.}}
      - {text: {en: The training set, ko: 훈련 세트}, explanation: {en: It fits the weights., ko: 가중치를 맞춥니다.}}
  - id: t-typed
    type: typed
    prompt: {en: 'Hyperparameters are chosen on the ___ set.', ko: '하이퍼파라미터는 ___ 세트로 고릅니다.'}
    cards: [val]
    answer: {en: validation, ko: 검증}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("quiz")
    folder = tmp / "content"
    folder.mkdir()
    (folder / "t.yaml").write_text(TOPIC, encoding="utf-8")
    assert load_content(folder).errors == []
    db = tmp / "progress.sqlite3"
    with running_app(env={"STUDYAPP_DB": str(db), "STUDYAPP_CONTENT": str(folder)}) as url:
        yield url, db


def answer_current_question(page) -> None:
    """Whatever question is showing (the order is shuffled), give the right answer."""
    if page.get_by_text("The test set is used once, at the end.").count():
        page.get_by_text("True", exact=True).click()
    elif page.get_by_text("Which set picks the learning rate?").count():
        page.get_by_text("The validation set", exact=True).click()
    else:
        page.get_by_label("Your answer").fill("Validation ")  # graded tolerantly
        page.get_by_label("Your answer").press("Tab")
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_text("Correct!").first.wait_for()


def test_a_short_quiz_runs_to_its_summary(served):
    url, db = served
    with browser_page() as page:
        page.goto(url)
        page.get_by_role("link", name="Quiz").first.click()
        page.get_by_role("button", name=re.compile("Start quiz")).click()  # the name includes the icon
        for number in (1, 2, 3):
            page.get_by_text(f"Question {number}/3").first.wait_for()
            wait_until_idle(page)  # the previous question's faded widgets are gone
            answer_current_question(page)
            page.get_by_role("button", name=re.compile("Next question" if number < 3 else "See the results")).click()
        page.get_by_text("Results").first.wait_for()
        page.get_by_text("No mistakes").first.wait_for()
        # The summary is drawn piece by piece while Streamlit runs the page: wait, don't count.
        page.get_by_text("100%").first.wait_for()
        wait_until_idle(page)
        page.get_by_text("Score per topic").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "quiz-summary.png"), full_page=True)

    with Store(db) as store:
        profile = store.profile_by_name("default")
        attempts = store.quiz_attempts(profile.id)
        assert sorted(a.question_id for a in attempts) == ["t-single", "t-tf", "t-typed"]
        assert all(a.correct for a in attempts)
        assert [r.card_key for r in store.reviews(profile.id)] == ["val"]  # one rating per card and session
