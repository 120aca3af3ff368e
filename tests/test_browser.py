"""The real thing: the served app in headless chromium, clicked through as a student would."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, browser_page, require_chromium, running_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url():
    require_chromium()
    with running_app() as url:
        yield url


def test_korean_topic_page_runs_the_demo_and_draws_the_chart(app_url):
    with browser_page() as page:
        page.goto(app_url)
        page.get_by_text("Deep Learning Study").first.wait_for()
        # switch the language in the sidebar
        page.get_by_text("한국어").click()
        page.get_by_text("딥러닝 스터디").first.wait_for()
        # open the topic from the navigation
        page.get_by_role("link", name="과적합").first.click()
        page.get_by_role("tab", name="실시간 데모").click()
        page.get_by_role("button", name="데모 실행").click()
        page.get_by_text("훈련-검증 정확도 차이").first.wait_for(timeout=120_000)
        charts = page.locator('[data-testid="stPlotlyChart"]')
        charts.first.wait_for()
        assert charts.count() >= 2
        # plotly drew real traces into the first chart
        page.locator(".js-plotly-plot .scatterlayer .trace").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "overfitting-demo-ko.png"), full_page=True)
