"""`studyapp bench --app`: the demos as a learner meets them, in the served app.

It serves the app, opens it in headless chromium and measures:

* the first page: from opening the address to the home page's title on screen, in a fresh
  server (the first visit pays for whatever the app loads before its first paint);
* each demo: from pressing Run to the final figures drawn, with a new seed each time so no run
  comes from the result cache, compared with the demo's warm seconds outside the browser
  (`studyapp bench`). The target is at most 1.5x: what the app adds (the live chart, the page's
  reruns, the browser drawing the figures) costs at most half the training time.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass

from studyapp.headless import chromium, serve_app, wait_until_idle

TARGET_RATIO = 1.5


@dataclass
class AppBench:
    demo: str
    app_seconds: float  # median, Run pressed -> final figures drawn
    bench_seconds: float  # median warm run without a browser
    runs: list[float]

    @property
    def ratio(self) -> float:
        return self.app_seconds / self.bench_seconds


def topic_of(demo_id: str) -> str:
    from studyapp.content import load_content

    return next(t.id for t in load_content().topics if demo_id in t.demos)


def first_paint(url: str, browser) -> float:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    start = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name="Deep Learning Study").wait_for(timeout=60_000)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def time_demo(url: str, browser, demo_id: str, repeats: int) -> list[float]:
    """Seconds from pressing Run to the final figures, once per seed 1..repeats (after a warm-up)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/topic-{topic_of(demo_id)}")
    wait_until_idle(page)
    page.get_by_role("tab", name="Live demo").click()
    form = page.locator(f".st-key-demo-settings-{demo_id}")  # a topic can show several demos
    seed = form.get_by_label("Random seed")
    output = page.locator(f".st-key-demo-output-{demo_id}")
    seconds = []
    for run in range(repeats + 1):  # the first is a warm-up: the server loads the demo's lesson
        seed.fill(str(1000 + run))
        seed.press("Tab")
        start = time.perf_counter()
        form.get_by_role("button", name="Run demo").click()
        output.get_by_text("Trained on").first.wait_for(timeout=180_000)
        wait_until_idle(page, timeout_ms=180_000)
        charts = output.locator('[data-testid="stPlotlyChart"]')
        for i in range(charts.count()):  # every final figure drawn by plotly
            charts.nth(i).locator(".main-svg").first.wait_for(timeout=60_000)
        if run:
            seconds.append(time.perf_counter() - start)
    page.close()
    return seconds


def bench_app(ids: list[str], *, repeats: int = 3, as_json: bool = False) -> int:
    from studyapp.bench import bench_demo

    rows: list[AppBench] = []
    with chromium() as browser:
        with serve_app() as url:
            print("first page of a fresh server...", file=sys.stderr, flush=True)
            paint = first_paint(url, browser)
            again = first_paint(url, browser)
            for demo_id in ids:
                print(f"{demo_id} in the browser...", file=sys.stderr, flush=True)
                app = time_demo(url, browser, demo_id, repeats)
                print(f"{demo_id} without a browser...", file=sys.stderr, flush=True)
                warm = bench_demo(demo_id, repeats=repeats, cold=False)
                rows.append(AppBench(demo_id, statistics.median(app), warm.seconds, app))
    if as_json:
        print(json.dumps({"first_page_seconds": paint, "first_page_again_seconds": again,
                          "demos": [{**asdict(r), "ratio": r.ratio} for r in rows]}, indent=2))
    else:
        print(f"first page: {paint:.2f} s in a fresh server, {again:.2f} s the second time")
        print(f"{'demo':<14} {'app s':>7} {'bench s':>8} {'ratio':>6}  runs")
        for r in rows:
            flag = "" if r.ratio <= TARGET_RATIO else f"  over {TARGET_RATIO}x"
            runs = " ".join(f"{s:.2f}" for s in r.runs)
            print(f"{r.demo:<14} {r.app_seconds:7.2f} {r.bench_seconds:8.3f} {r.ratio:5.2f}x  {runs}{flag}")
    return 0
