"""A live class in real browsers: a teacher, two students on phones and the projector at
1280x720, each its own browser context (its own Streamlit session) against one server:
join, answer, change an answer, a reload mid-question, the reveal, a student trying the
teacher's controls, a prediction voted, run live on the projector and voted again; and the
presenter view at 1280x720 in English and Korean. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from studyapp.content import load_content
from studyapp.content.loader import default_content_dir
from studyapp.store import Store
from tests.browser import ARTIFACTS, chromium, require_chromium, running_app, wait_until_idle

pytestmark = pytest.mark.browser

TOPIC = """\
id: class-test
order: 1
title: {en: A class test, ko: 수업 테스트}
summary: {en: Three questions for a class., ko: 수업용 세 문제.}
cards:
  - {id: class-card, term: {en: Validation set, ko: 검증 세트}, definition: {en: Held-out data., ko: 따로 둔 데이터.}}
questions:
  - id: class-single
    type: single_choice
    prompt: {en: 'Which set picks the learning rate?', ko: '학습률은 어느 세트로 고를까요?'}
    cards: [class-card]
    choices:
      - {text: {en: The validation set, ko: 검증 세트}, correct: true}
      - {text: {en: The test set, ko: 테스트 세트}, explanation: {en: Used once at the end., ko: 마지막에 한 번만 씁니다.}}
  - id: class-tf
    type: true_false
    prompt: {en: 'The test set is used once, at the end.', ko: 테스트 세트는 마지막에 한 번 씁니다.}
    cards: [class-card]
    answer: true
    misconception: {en: It is tempting to peek., ko: 미리 보고 싶어집니다.}
  - id: class-predict
    type: predict_then_run
    prompt: {en: 'How far apart will training and validation accuracy end?', ko: '훈련 정확도와 검증 정확도는 얼마나 벌어질까요?'}
    cards: [class-card]
    demo: overfitting
    params: {epochs: 30, hidden: 16}
    choices:
      - {text: {en: Close together, ko: 가깝다}, when: plain_acc_gap < 0.1, explanation: {en: Too little capacity to memorize., ko: 외울 용량이 부족합니다.}}
      - {text: {en: Far apart, ko: 멀다}, when: plain_acc_gap >= 0.1, explanation: {en: It memorized the noise., ko: 잡음을 외웠습니다.}}
"""
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("classroom")
    folder = tmp / "content"
    shutil.copytree(default_content_dir(), folder)
    (folder / "class-test.yaml").write_text(TOPIC, encoding="utf-8")
    assert load_content(folder).errors == []
    db = tmp / "progress.sqlite3"
    with running_app(env={"STUDYAPP_DB": str(db), "STUDYAPP_CONTENT": str(folder)}) as url:
        yield url, db


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(600)  # let the charts finish drawing
    page.screenshot(path=str(ARTIFACTS / name))


OPENED: list = []  # every page of the running test, screenshotted if it fails
ERRORS: list[str] = []  # what the pages' consoles said was wrong, printed if it fails


def open_page(browser, viewport, url):
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(90_000)
    page.on("console", lambda m: m.type == "error" and ERRORS.append(f"{url}: {m.text[:500]}"))
    page.on("pageerror", lambda e: ERRORS.append(f"{url}: page error {e}"))
    page.goto(url)
    OPENED.append(page)
    return page


@contextmanager
def browser_for(name: str):
    """Headless chromium; if the test fails, every page it opened is screenshotted first."""
    OPENED.clear()
    ERRORS.clear()
    with chromium() as browser:
        try:
            yield browser
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            print("\n".join(e for e in ERRORS if "metrics" not in e and "ERR_NAME" not in e))
            for i, page in enumerate(OPENED):
                try:
                    page.screenshot(path=str(ARTIFACTS / f"classroom-failed-{name}-{i}.png"))
                except Exception:  # noqa: BLE001  (the page is gone: nothing to show)
                    pass
            raise


def tap(page, option: str) -> None:
    """A student taps the option button whose label ends with `option`."""
    page.get_by_role("button", name=re.compile(r"^[A-Z] · " + re.escape(option) + "$")).click()


def press(teacher, name: str, then) -> None:
    """Press a teacher's button until `then` (a locator on some page) shows. The teacher's page
    redraws its controls every second and the whole page when the session changes: a click
    that lands while its button is being replaced can be lost, and the teacher presses again."""
    for attempt in range(3):
        wait_until_idle(teacher)
        teacher.get_by_role("button", name=re.compile(name)).click()
        try:
            then.wait_for(timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def join(browser, url, room, name):
    student = open_page(browser, PHONE, f"{url}/join?room={room}")
    wait_until_idle(student)
    student.locator(".st-key-class-join-name input").fill(name)
    student.get_by_role("button", name="Join").click()
    student.get_by_text(f"you are {name}").wait_for()
    return student


def answers(db, position, round_=1):
    with Store(db) as store:
        names = {s.id: s.nickname for s in store.class_students(1)}
        return sorted((names[a.student_id], a.answer_json) for a in store.class_answers(1, position, round_))


def test_a_live_class(served):
    url, db = served
    with browser_for("live-class") as browser:
        teacher = open_page(browser, {"width": 1280, "height": 900}, f"{url}/teach")
        teacher.get_by_role("button", name=re.compile("Start a class session")).click()
        teacher.wait_for_url(re.compile(r"room=\w+&key="))
        room = re.search(r"room=(\w+)", teacher.url).group(1)
        wait_until_idle(teacher)
        teacher.get_by_role("button", name=re.compile("Add all 3 of this topic")).click()
        wait_until_idle(teacher)

        projector = open_page(browser, PROJECTOR, f"{url}/present?room={room}")
        projector.get_by_text(f"Room {room}").wait_for()
        kim = join(browser, url, room, "Kim")
        lee = join(browser, url, room, "Lee")
        projector.get_by_text("2 joined").wait_for()  # the projector follows by itself

        teacher.get_by_role("button", name=re.compile("Next question")).click()
        for student in (kim, lee):
            student.get_by_text("Which set picks the learning rate?").wait_for()
        tap(kim, "The test set")
        kim.get_by_text("Answer saved").wait_for()
        tap(kim, "The validation set")  # changed: one answer still
        kim.get_by_text("Answer changed").wait_for()
        tap(lee, "The test set")
        projector.get_by_text("Answers: 2").wait_for()
        assert "Kim" not in projector.inner_text("body") and "Lee" not in projector.inner_text("body")
        shot(projector, "classroom-projector-voting.png")
        assert answers(db, 1) == [("Kim", "0"), ("Lee", "1")]

        kim.reload()  # mid-question: still Kim, still the same answer
        kim.get_by_text("Your answer: The validation set").wait_for()
        shot(kim, "classroom-student-phone.png")

        teacher.get_by_role("button", name=re.compile("Reveal")).click()
        projector.get_by_text("Right answer: The validation set").wait_for()
        projector.get_by_text("Most common wrong answer (1): The test set").wait_for()
        shot(projector, "classroom-projector-revealed.png")
        kim.get_by_text("You were right.").wait_for()
        lee.get_by_text("Not this time.").wait_for()

        # Lee tries the teacher's controls: the teacher's page and the projector's controls need the key.
        lee_key = re.search(r"me=([\w-]+)", lee.url).group(1)
        sneaky = lee.context.new_page()
        for address in (f"{url}/teach?room={room}", f"{url}/teach?room={room}&key={lee_key}",
                        f"{url}/present?room={room}&key={lee_key}"):
            sneaky.goto(address)
            sneaky.get_by_text("These controls need the teacher's link").wait_for()
            assert sneaky.get_by_role("button", name=re.compile("Next question")).count() == 0
            sneaky.keyboard.press("n")  # the teacher's key for Next does nothing here
        assert "key=" not in sneaky.url
        sneaky.close()
        with Store(db) as store:
            assert store.class_session(1).current == 1

        press(teacher, "Next question", kim.get_by_text("The test set is used once, at the end."))  # skipped
        press(teacher, "Next question", kim.get_by_text("How far apart will training"))  # the prediction
        for student in (kim, lee):
            student.get_by_text("How far apart will training").wait_for()
        tap(kim, "Close together")
        tap(lee, "Far apart")
        projector.get_by_text("Answers: 2").wait_for()
        press(teacher, "Run the demo", projector.get_by_text(re.compile("The demo is running on the projector|The demo has run")))
        projector.locator(".stPlotlyChart").nth(1).wait_for()  # the live chart beside the tally
        shot(projector, "classroom-projector-running.png")
        projector.get_by_text("The demo has run: vote again, or reveal").wait_for(timeout=180_000)
        teacher.get_by_text("The demo has run").first.wait_for()
        press(teacher, "Vote again", kim.get_by_text("Voting again, after the run"))
        tap(kim, "Far apart")
        projector.get_by_text("Answers: 1").wait_for()
        press(teacher, "Reveal", projector.get_by_text("Vote 2"))
        projector.get_by_text("Measured by the demo — no regularization train-validation accuracy gap").wait_for()
        projector.get_by_text("Vote 2").wait_for()
        shot(projector, "classroom-projector-prediction.png")
        assert answers(db, 3, 1) == [("Kim", "0"), ("Lee", "1")]
        assert answers(db, 3, 2) == [("Kim", "1")]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_presenter_view_at_1280x720(served, lang):
    url, _ = served
    words = {"en": ("Run demo", "Right answer"), "ko": ("데모 실행", "정답")}[lang]
    with browser_for(f"presenter-{lang}") as browser:
        page = open_page(browser, PROJECTOR, f"{url}/present?topic=overfitting&lang={lang}")
        page.get_by_role("button", name=re.compile(words[0])).wait_for()
        wait_until_idle(page)
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.locator('[data-testid="stToolbar"]').count() == 0 or page.locator('[data-testid="stToolbar"]').is_hidden()
        run_box = page.get_by_role("button", name=re.compile(words[0])).bounding_box()
        assert run_box["y"] + run_box["height"] <= PROJECTOR["height"]  # Run is on the first screen
        shot(page, f"presenter-demo-{lang}.png")
        page.keyboard.press("Enter")  # run
        page.locator(".stPlotlyChart").first.wait_for(timeout=180_000)  # the live chart, redrawn as it trains
        page.locator(".stPlotlyChart .main-svg").first.wait_for(timeout=180_000)
        chart = None
        for _ in range(50):  # the live chart is redrawn as a new element while it trains
            chart = page.locator(".stPlotlyChart").first.bounding_box()
            if chart is not None:
                break
            page.wait_for_timeout(200)
        assert chart is not None and chart["y"] < PROJECTOR["height"]  # the curves come before the knobs
        wait_until_idle(page, timeout_ms=180_000)
        page.wait_for_timeout(1500)
        shot(page, f"presenter-demo-run-{lang}.png")
        page.keyboard.press("n")  # the first question
        page.get_by_text("1.", exact=False).first.wait_for()
        page.wait_for_url(re.compile("step=1"))
        for attempt in range(3):  # reveal; a key pressed while the page redraws can be lost
            wait_until_idle(page)
            page.keyboard.press("a")
            try:
                page.get_by_text(words[1]).first.wait_for(timeout=15_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        size = page.locator('[data-testid="stMain"] [data-testid="stMarkdown"] p').first.evaluate("e => getComputedStyle(e).fontSize")
        assert float(size.rstrip("px")) >= 28  # reads from the back of the room
        shot(page, f"presenter-question-{lang}.png")
