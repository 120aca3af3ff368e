"""Content for the pages, loaded once per change of the topic files (not on every rerun)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from studyapp.content import Content, content_dir, load_content


def _stat(path: Path) -> tuple:
    try:
        info = path.stat()
    except OSError:  # a broken link, a file deleted a moment ago: the loader reports it
        return (path.name, -1, -1)
    return (path.name, info.st_size, info.st_mtime_ns)


def _fingerprint(folder: Path) -> tuple:
    """Names, sizes and modification times: changes whenever a topic file is edited."""
    if not folder.is_dir():
        return ()
    return tuple(_stat(p) for p in sorted(folder.glob("*.y*ml")))


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(folder: str, fingerprint: tuple) -> Content:
    return load_content(folder)


def current_content() -> Content:
    folder = content_dir()
    return _load(str(folder), _fingerprint(folder))
