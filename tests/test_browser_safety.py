"""A shared server in a real browser: the picker's first profile can be chosen, a profile name
full of Markdown shows as typed (no live link), there is no Deploy button, wrong PINs slow the
guessing browser and not the owner in another, a visitor cannot give an open profile a PIN,
and a broken progress file shows a short message, never a traceback."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from studyapp.store import Store
from tests.browser import ARTIFACTS, browser_page, require_chromium, running_app, wait_until_idle
from tests.test_srs_queue import write_topics

pytestmark = pytest.mark.browser

EVIL = "Bo **bold** [prize](http://evil.example)"
TRACEBACK_SIGNS = ("Traceback", 'File "', "sqlite3.", "studyapp/", "DatabaseError")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("safety")
    folder = tmp / "content"
    write_topics(folder, cards_per_topic=2, reversible=())
    db = tmp / "progress.sqlite3"
    with Store(db) as store:
        store.create_profile("Ann")  # the first in the picker
        store.create_profile(EVIL, pin="2580")
        store.create_profile("Kim", pin="2580")
    with running_app(env={"STUDYAPP_DB": str(db), "STUDYAPP_CONTENT": str(folder)}) as url:
        yield url


def choose(page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("combobox").click()
    page.get_by_role("option", name=name).click()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_choose_the_first_profile_and_see_a_hostile_name_as_typed(served, lang):
    url = served
    with browser_page() as page:
        page.goto(f"{url}/review")
        sidebar = page.get_by_test_id("stSidebar")
        placeholder = "Choose your profile"
        if lang == "ko":
            sidebar.get_by_text("한국어").click()
            placeholder = "프로필을 고르십시오"
        box = sidebar.get_by_role("combobox")
        page.wait_for_function("p => document.querySelector('[data-testid=stSidebar] input[role=combobox]')"
                               "?.placeholder === p", arg=placeholder)
        wait_until_idle(page)
        assert box.input_value() == ""  # nothing chosen, and the box says so (it showed "Ann" before)
        choose(page, "Ann")  # before: Ann showed as chosen already, and choosing it did nothing
        page.get_by_text("Term t0-c0").first.wait_for()
        flip = "Show answer" if lang == "en" else "정답 보기"
        page.get_by_role("button", name=flip).wait_for()  # the page fully drawn, not half
        wait_until_idle(page)
        page.screenshot(path=str(ARTIFACTS / f"safety-first-profile-{lang}.png"), full_page=True)

        choose(page, "🔒 " + EVIL)
        label = sidebar.get_by_test_id("stWidgetLabel").filter(has_text="**bold**").first
        label.wait_for()
        wait_until_idle(page)
        # The name as typed, stars, brackets and all (the word joiners that stop autolinks are invisible).
        shown = label.inner_text().replace("\u2060", "")
        assert shown == ("PIN for " + EVIL if lang == "en" else EVIL + "의 PIN")
        assert page.locator('a[href*="evil.example"]').count() == 0
        assert sidebar.locator("strong", has_text="bold").count() == 0
        assert page.get_by_role("button", name="Deploy").count() == 0
        page.screenshot(path=str(ARTIFACTS / f"safety-hostile-name-{lang}.png"), full_page=True)


def settle(page) -> None:
    """Until the run a click started is over (a run can start a moment after the click)."""
    try:
        page.get_by_test_id("stStatusWidget").wait_for(state="visible", timeout=2_000)
    except PlaywrightTimeout:
        pass  # a quick run may be over before it is seen
    wait_until_idle(page)


def unlock(page, name: str, pin: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label(f"PIN for {name}").fill(pin)
    sidebar.get_by_role("button", name="Unlock").click()
    settle(page)


def test_wrong_pins_slow_the_guessing_browser_and_never_the_owner(served):
    url = served
    with browser_page() as thief:
        thief.goto(f"{url}/review")
        wait_until_idle(thief)
        choose(thief, "Ann")  # an open profile: a visitor may study it, not give it a PIN
        thief.get_by_text("Term t0-c0").first.wait_for()
        sidebar = thief.get_by_test_id("stSidebar")
        sidebar.get_by_text("Profiles").click()
        sidebar.get_by_text("Only the browser session that created a profile").wait_for()
        assert sidebar.get_by_label("New PIN for Ann").count() == 0

        choose(thief, "🔒 Kim")
        thief.get_by_text("Choose your profile in the sidebar").wait_for()
        settle(thief)
        for guess in ["0000", "1111", "2222", "3333", "4444"]:
            unlock(thief, "Kim", guess)
            sidebar.get_by_text("Wrong PIN.").wait_for()
        unlock(thief, "Kim", "2580")  # the right PIN, but this browser must wait first
        sidebar.get_by_text("Too many wrong PINs").wait_for()
        assert thief.get_by_text("Term t0-c0").count() == 0
        thief.screenshot(path=str(ARTIFACTS / "safety-guesser-waits.png"), full_page=True)

        # Kim, in another browser (a fresh context: its own cookies, its own session), during the wait
        other = thief.context.browser.new_context(viewport={"width": 1400, "height": 1000})
        owner = other.new_page()
        owner.set_default_timeout(60_000)
        owner.goto(f"{url}/review")
        wait_until_idle(owner)
        choose(owner, "🔒 Kim")
        owner.get_by_text("Choose your profile in the sidebar").wait_for()
        settle(owner)
        unlock(owner, "Kim", "2580")
        owner.get_by_text("Term t0-c0").first.wait_for()
        assert owner.get_by_text("Too many wrong PINs").count() == 0
        owner.screenshot(path=str(ARTIFACTS / "safety-owner-opens.png"), full_page=True)
        other.close()


@pytest.fixture(scope="module")
def broken_store(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("broken")
    folder = tmp / "content"
    write_topics(folder, cards_per_topic=2, reversible=())
    db = tmp / "progress.sqlite3"
    db.write_bytes(b"not a database, " * 512)  # a progress file someone overwrote
    with running_app(env={"STUDYAPP_DB": str(db), "STUDYAPP_CONTENT": str(folder)}) as url:
        yield url


@pytest.mark.parametrize("path", ["/", "/review", "/stats"])
def test_a_broken_progress_file_shows_a_message_and_no_traceback(broken_store, path):
    with browser_page() as page:
        page.goto(broken_store + path)
        wait_until_idle(page)
        page.get_by_test_id("stAlertContentError").first.wait_for()
        text = page.locator("body").inner_text()
        assert "is not a usable progress database" in text
        assert not [sign for sign in TRACEBACK_SIGNS if sign in text], text
        assert page.get_by_test_id("stException").count() == 0
        assert page.get_by_role("button", name="Deploy").count() == 0
        page.screenshot(path=str(ARTIFACTS / f"safety-broken-store-{path.strip('/') or 'home'}.png"),
                        full_page=True)
