"""Content for the pages, loaded once per change of the topic files (not on every rerun)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from studyapp.content import Content, content_dir, load_content


def _fingerprint(folder: Path) -> tuple:
    """Names, sizes and modification times: changes whenever a topic file is edited."""
    if not folder.is_dir():
        return ()
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.y*ml"))
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(folder: str, fingerprint: tuple) -> Content:
    return load_content(folder)


def current_content() -> Content:
    folder = content_dir()
    return _load(str(folder), _fingerprint(folder))
