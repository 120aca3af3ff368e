"""Every demo in a real browser: Run, the final figures drawn, a screenshot of them in both
languages (English at 1280x720, Korean at 1920x1080), and Stop ending a long run early."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from demos import demo_ids
from studyapp.content import load_content
from tests.browser import ARTIFACTS, browser_page, require_chromium, running_app, wait_until_idle

pytestmark = pytest.mark.browser

TOPIC_OF = {demo: topic.id for topic in load_content().topics for demo in topic.demos}
WORDS = {
    "en": {"tab": "Live demo", "run": "Run demo", "trained": "Trained on", "stop": "Stop",
           "stopped": "Stopped early", "language": "English"},
    "ko": {"tab": "실시간 데모", "run": "데모 실행", "trained": "초 동안 학습", "stop": "멈추기",
           "stopped": "중간에 멈췄습니다", "language": "한국어"},
}
SCREENS = {"en": (1280, 720), "ko": (1920, 1080)}


@pytest.fixture(scope="module")
def app_url():
    require_chromium()
    with running_app() as url:
        yield url


def open_demo(page, url: str, demo_id: str, lang: str):
    topic = load_content().topic(TOPIC_OF[demo_id])
    page.goto(url)
    wait_until_idle(page)
    if lang == "ko":
        korean_home = page.get_by_role("heading", name="딥러닝 스터디")
        for _ in range(3):  # a click before the page has wired its widgets can be lost
            page.get_by_text(WORDS["ko"]["language"], exact=True).click()
            try:
                korean_home.wait_for(timeout=10_000)
                break
            except PlaywrightTimeout:
                wait_until_idle(page)
    page.get_by_role("link", name=topic.title.get(lang)).first.click()
    page.get_by_role("tab", name=WORDS[lang]["tab"]).click()
    return page.locator(f".st-key-demo-output-{demo_id}")


def run_button(page, demo_id: str, lang: str):
    """This demo's own Run button: a topic can show several demos, each with its settings."""
    return page.locator(f".st-key-demo-settings-{demo_id}").get_by_role("button", name=WORDS[lang]["run"])


def screenshot_whole(page, element, path) -> None:
    """The whole element at the page's width: the browser only paints what is on screen, so the
    window grows to the element's height first (the width, and so the layout, stays the same)."""
    size = page.viewport_size
    box = element.bounding_box()
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(box["height"]) + 300)})
    element.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # plotly redraws at the new size
    element.screenshot(path=str(path))
    page.set_viewport_size(size)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("demo_id", demo_ids())
def test_the_demo_runs_and_its_final_figures_are_drawn(app_url, demo_id, lang):
    width, height = SCREENS[lang]
    with browser_page(width=width, height=height) as page:
        output = open_demo(page, app_url, demo_id, lang)
        run_button(page, demo_id, lang).click()
        output.locator('[data-testid="stCaptionContainer"]').get_by_text(WORDS[lang]["trained"]).first.wait_for(
            timeout=180_000)
        wait_until_idle(page, timeout_ms=180_000)
        charts = output.locator('[data-testid="stPlotlyChart"]')
        charts.first.wait_for()
        for i in range(charts.count()):
            charts.nth(i).locator(".main-svg").first.wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot_whole(page, output, ARTIFACTS / f"demo-{demo_id}-{lang}-{width}x{height}.png")


def test_stop_ends_a_long_run_and_shows_what_was_trained(app_url):
    with browser_page(width=1280, height=720) as page:
        output = open_demo(page, app_url, "overfitting", "en")
        for knob in ("Training images", "Epochs", "Hidden units per layer"):  # a long run: seconds
            slider = page.locator(f'input[type="range"][aria-label="{knob}"]')
            slider.focus()
            slider.press("End")
        run_button(page, "overfitting", "en").click()
        stop = output.get_by_role("button", name="Stop")
        stop.wait_for()
        output.locator('[data-testid="stPlotlyChart"]').first.wait_for()  # the live chart
        stop.click()
        try:
            output.get_by_text("Stopped early").first.wait_for(timeout=60_000)
        finally:
            page.screenshot(path=str(ARTIFACTS / "demo-overfitting-stop-en.png"), full_page=True)
        wait_until_idle(page)
        assert output.get_by_role("button", name="Stop").count() == 0
        screenshot_whole(page, output, ARTIFACTS / "demo-overfitting-stopped-en.png")
