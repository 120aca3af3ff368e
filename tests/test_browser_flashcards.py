"""Flashcards in a real browser: flip and rate with the keyboard, reload, the card is no longer due."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from studyapp.store import Store
from tests.browser import ARTIFACTS, browser_page, require_chromium, running_app, wait_until_idle
from tests.conftest import ROOT
from tests.test_srs_queue import write_topics

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("flashcards")
    folder = tmp / "content"
    write_topics(folder, cards_per_topic=2, reversible=())
    db = tmp / "progress.sqlite3"
    with running_app(env={"STUDYAPP_DB": str(db), "STUDYAPP_CONTENT": str(folder)}) as url:
        yield url, db, folder


def test_flip_and_rate_with_the_keyboard_then_reload(served):
    url, db, folder = served
    with browser_page() as page:
        page.goto(f"{url}/review")
        page.get_by_text("Term t0-c0").first.wait_for()
        assert page.get_by_text("Definition t0-c0.").count() == 0
        page.get_by_role("button", name="Show answer").wait_for()
        wait_until_idle(page)
        page.get_by_role("heading", name="Flashcards").click()  # focus the page, not a widget
        # A key pressed while the browser is still wiring up the shortcuts can be lost; showing
        # the answer twice is harmless (the button is gone once shown), so press until it shows.
        answer = page.get_by_text("Definition t0-c0.").first
        for _ in range(5):
            page.keyboard.press("Space")  # show the answer
            try:
                answer.wait_for(timeout=10_000)
                break
            except PlaywrightTimeout:
                wait_until_idle(page)
        answer.wait_for()
        page.get_by_role("button", name="Easy · 8 d").wait_for()
        page.screenshot(path=str(ARTIFACTS / "flashcard-answer.png"), full_page=True)
        wait_until_idle(page)
        page.keyboard.press("4")  # Easy (pressed once only: a second press would rate the next card)
        page.get_by_text("Term t0-c1").first.wait_for()
        page.get_by_text("1 done · 3 left").first.wait_for()

        page.reload()
        page.get_by_text("Term t0-c1").first.wait_for()
        page.get_by_text("0 done · 3 left").first.wait_for()  # a new session: one card fewer is due
        assert page.get_by_text("Term t0-c0").count() == 0
        page.screenshot(path=str(ARTIFACTS / "flashcard-after-reload.png"), full_page=True)

        page.get_by_role("link", name="Statistics").click()
        page.get_by_text("Reviews per day").first.wait_for()
        page.locator(".js-plotly-plot .heatmaplayer, .js-plotly-plot .barlayer").first.wait_for(state="attached")
        charts = page.locator('[data-testid="stPlotlyChart"]')
        charts.nth(3).wait_for()  # drawn one by one while the page runs
        wait_until_idle(page)
        assert charts.count() == 4
        page.screenshot(path=str(ARTIFACTS / "flashcard-statistics.png"), full_page=True)

    with Store(db) as store:
        profile = store.profile_by_name("default")
        (review,) = store.reviews(profile.id)
        assert (review.card_key, review.rating, review.source) == ("t0-c0", 4, "review")
        assert review.duration_ms is not None and review.duration_ms > 0
        assert store.card_state(profile.id, "t0-c0").due > review.reviewed_at

    # The terminal agrees with what was clicked; kept for the record.
    stats = subprocess.run([sys.executable, "-m", "studyapp", "stats", "--json", "--db", str(db), "--content", str(folder)],
                           cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                           timeout=120, check=True)
    numbers = json.loads(stats.stdout)
    (ARTIFACTS / "flashcards-stats-after-browser.json").write_text(stats.stdout)
    print("\nstudyapp stats --json after the browser run:\n" + stats.stdout)
    assert numbers["reviews_total"] == 1 and numbers["reviews_today"] == 1 and numbers["cards_seen"] == 1
    assert numbers["new_today"] == 3 and numbers["streak_days"] == 1
