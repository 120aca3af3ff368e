"""Start `runner.warm_up` in a background thread, once per server process.

A learner reads the page for longer than the warm-up takes before pressing Run.
"""

from __future__ import annotations

import threading

import streamlit as st

from studyapp.runner import warm_up


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread:
    """Start the warm-up once; later calls (every rerun, every session) return the same thread."""
    # pandas first, here and not in the thread: scikit-learn imports it, and plotly and Streamlit
    # look it up in sys.modules without importing it. Imported in the background, a page
    # drawing a chart meanwhile could find it half-initialized and fail.
    import pandas  # noqa: F401  (0.3 s, once per server)

    thread = threading.Thread(target=warm_up, name="studyapp-warm-up", daemon=True)
    thread.start()
    return thread
