"""The Streamlit app: `studyapp run` (or `streamlit run studyapp/app.py`) serves this file."""

from __future__ import annotations

import streamlit as st

from studyapp.ui.classroom import language_from_address
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import language_switch, t
from studyapp.ui.navigation import build_pages
from studyapp.ui.profiles import profile_picker
from studyapp.ui.warmup import start_warm_up

st.set_page_config(page_title="Deep Learning Study", page_icon="🧠", layout="wide")
language_from_address()  # a projector's link says its language: ?lang=ko
language_switch()
profile_picker()  # who is studying: progress pages read current_profile()

content = current_content()
if content.errors:
    # One broken file must not hide the others: name every problem, serve every good topic.
    st.error(t("content_errors") + "\n\n" + "\n".join(f"- `{error}`" for error in content.errors))

st.navigation(build_pages(content)).run()
start_warm_up()  # after the page is drawn: PyTorch loads in the background while the learner reads
