"""Shared test helpers: fixture content folders and driving the app with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
APP = ROOT / "studyapp" / "app.py"


@pytest.fixture(autouse=True, scope="session")
def demo_threads():
    """Demos train in tests on as many PyTorch threads as the app gives a run (half the cores):
    on a busy 2-core machine, two threads waiting for each other at every tiny op made single
    runs many times slower."""
    import torch

    from demos.framework import demo_thread_count

    torch.set_num_threads(demo_thread_count())


@pytest.fixture(autouse=True)
def isolated_progress_db(tmp_path: Path, monkeypatch) -> Path:
    """Every test (and every process it starts) keeps progress in its own file, never the user's."""
    path = tmp_path / "progress.sqlite3"
    monkeypatch.setenv("STUDYAPP_DB", str(path))
    return path


@pytest.fixture
def valid_content() -> Path:
    return FIXTURES / "valid"


@pytest.fixture
def broken_content() -> Path:
    return FIXTURES / "broken"


def make_app(monkeypatch, content: Path | None = None, lang: str = "en", timeout: float = 60):
    """An AppTest of the real app, reading `content` (default: the bundled topics)."""
    from streamlit.testing.v1 import AppTest

    if content is not None:
        monkeypatch.setenv("STUDYAPP_CONTENT", str(content))
    else:
        monkeypatch.delenv("STUDYAPP_CONTENT", raising=False)
    monkeypatch.setenv("STUDYAPP_DEVICE", "cpu")
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.session_state["lang"] = lang
    return at


def open_page(at, url_path: str):
    """Switch an AppTest to the st.navigation page registered under `url_path`, and run it.

    AppTest.switch_page() only takes page *files*; our pages are functions, so we select
    the page by the hash st.navigation registered for its url path.
    """
    if not at._registered_pages:
        at.run()
    for page_hash, info in at._registered_pages.items():
        if info.get("url_pathname") == url_path:
            at._page_hash = page_hash
            return at.run()
    known = sorted(info.get("url_pathname") for info in at._registered_pages.values())
    raise AssertionError(f"no page {url_path!r}; registered: {known}")


def page_text(at) -> str:
    """Every visible text on the page, for 'key text present' checks."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "error", "warning", "latex", "code"):
        parts += [str(element.value) for element in getattr(at, kind)]
    for expander in at.expander:
        parts.append(str(expander.label))
    for tab in at.tabs:
        parts.append(str(tab.label))
    return "\n".join(parts)
