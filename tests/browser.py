"""Run the real app server and drive it with headless Debian chromium (Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("STUDYAPP_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


def require_chromium() -> None:
    """Skip locally without chromium; in CI (CI=true) a missing browser is a failure."""
    if Path(CHROMIUM).exists() and shutil.which("python3"):
        return
    message = f"chromium not found at {CHROMIUM} (make test installs it: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(env: dict[str, str] | None = None, args: list[str] | None = None) -> Iterator[str]:
    """Start `studyapp run` on a free port; yield its URL; stop it afterwards."""
    port = free_port()
    full_env = {**os.environ, "STUDYAPP_DEVICE": "cpu", **(env or {})}
    if not (env or {}).get("STUDYAPP_DB"):
        # A server outlives single tests, so it gets a progress file of its own, never the user's.
        full_env["STUDYAPP_DB"] = str(Path(tempfile.mkdtemp(prefix="studyapp-test-")) / "progress.sqlite3")
    command = [sys.executable, "-m", "studyapp", "run", "--server.port", str(port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", *(args or [])]
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"server-{port}.log", "w")
    server = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"app server did not start; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(60_000)
        try:
            yield page
        finally:
            browser.close()


def wait_until_idle(page) -> None:
    """Until Streamlit has finished its script run (the 'running' status widget is gone).

    While a run is under way the previous page's elements are still in the DOM (faded), so a
    test that reads the page or presses keys before this may act on what is about to vanish.
    """
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
