"""Run the real app server and drive it with headless Debian chromium (Playwright)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from studyapp.headless import CHROMIUM, chromium, serve_app, wait_until_idle  # noqa: F401  (re-exported)
from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"


def require_chromium() -> None:
    """Skip locally without chromium; in CI (CI=true) a missing browser is a failure."""
    if Path(CHROMIUM).exists():
        return
    message = f"chromium not found at {CHROMIUM} (make test installs it: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def running_app(env: dict[str, str] | None = None, args: list[str] | None = None) -> Iterator[str]:
    """The app on a free port, its server log kept in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / f"server-{os.getpid()}-{id(env)}.log", "w") as log:
        with serve_app(env, args, log=log) as url:
            yield url


@contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(60_000)
        yield page
