"""Serve the app in a child process and drive it with headless Debian chromium (Playwright).

Used by the measuring commands (`studyapp bench --app`) and by the browser tests. Playwright
drives the chromium that Debian installs; it never downloads a browser of its own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

CHROMIUM = os.environ.get("STUDYAPP_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_app(env: dict[str, str] | None = None, args: list[str] | None = None,
              log: IO[str] | None = None) -> Iterator[str]:
    """Start `studyapp run` on a free port of this machine; yield its URL; stop it afterwards.

    Without a STUDYAPP_DB in `env`, the server keeps progress in a fresh temporary file, never
    the user's.
    """
    port = free_port()
    full_env = {**os.environ, "STUDYAPP_DEVICE": os.environ.get("STUDYAPP_DEVICE", "cpu"), **(env or {})}
    if not (env or {}).get("STUDYAPP_DB"):
        full_env["STUDYAPP_DB"] = str(Path(tempfile.mkdtemp(prefix="studyapp-")) / "progress.sqlite3")
    command = [sys.executable, "-m", "studyapp", "run", "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", *(args or [])]
    server = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log or subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
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
                raise RuntimeError("the app server did not start" + (f"; see {log.name}" if log else ""))
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@contextmanager
def chromium(headless: bool = True):
    """A Playwright browser on Debian's chromium (--no-sandbox: it runs as root in containers)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=headless,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


def wait_until_idle(page, timeout_ms: int = 60_000) -> None:
    """Until Streamlit has finished its script run (the 'running' status widget is gone).

    While a run is under way the previous page's elements are still in the DOM (faded), so
    whoever reads the page or presses keys before this may act on what is about to vanish.
    """
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout_ms)
