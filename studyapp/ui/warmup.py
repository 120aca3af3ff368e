"""Start `runner.warm_up` in a background thread, once per server process.

The app calls this after drawing its first page, so the page never waits for PyTorch; a
learner then reads for longer than the warm-up takes before pressing Run.
"""

from __future__ import annotations

import threading

import streamlit as st


def _warm_up() -> None:
    from studyapp.runner import warm_up  # imports PyTorch: here, in the thread, not on the page

    warm_up()


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread:
    """Start the warm-up once; later calls (every rerun, every session) return the same thread."""
    thread = threading.Thread(target=_warm_up, name="studyapp-warm-up", daemon=True)
    thread.start()
    return thread
