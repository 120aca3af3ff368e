"""The Streamlit app: `studyapp run` (or `streamlit run studyapp/app.py`) serves this file.

Errors: `studyapp run` sets client.showErrorDetails=none, and then an error on a page never
shows its traceback in a browser: it is logged on the server, traceback and all, and the
page says in one sentence (in the learner's language) that something went wrong. Errors
Streamlit catches itself (in callbacks and fragments) get its own redacted message under
that setting. With tracebacks switched on (Streamlit's default, which a developer's
`streamlit run` and the page tests use) the error is raised as usual.
"""

from __future__ import annotations

import streamlit as st
from streamlit.logger import get_logger

from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import language_switch, t
from studyapp.ui.navigation import build_pages, stay_on_page
from studyapp.ui.profiles import profile_picker
from studyapp.ui.warmup import start_warm_up

log = get_logger("studyapp")


def main() -> None:
    st.set_page_config(page_title="Deep Learning Study", page_icon="🧠", layout="wide")
    language_switch()
    profile_picker()  # who is studying: progress pages read current_profile()

    content = current_content()
    if content.errors:
        # One broken file must not hide the others: name every problem, serve every good topic.
        st.error(t("content_errors") + "\n\n" + "\n".join(f"- `{error}`" for error in content.errors))

    pages = build_pages(content)
    page = st.navigation(pages, expanded=True)  # all pages listed: no untranslated "View more"
    stay_on_page(page, pages)  # a language switch never moves the learner to another page
    page.run()
    start_warm_up()  # after the page is drawn: PyTorch loads in the background while the learner reads


def tracebacks_shown() -> bool:
    return str(st.get_option("client.showErrorDetails")).lower() not in ("none", "false", "type")


try:
    main()
except Exception:  # Streamlit's own rerun and stop signals are BaseExceptions: they pass
    if tracebacks_shown():
        raise
    log.exception("error while drawing a page")
    st.error(t("page_error"), icon=":material/error:")
