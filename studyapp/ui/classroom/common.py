"""What the class pages share: the store and content, the room and keys from the page's
address, refused requests in words, the projector's look, a question as the class reads
it, the tally chart, and the cheap poll that tells a page to redraw."""

from __future__ import annotations

import logging
import secrets
from typing import Any, Callable

import plotly.graph_objects as go
import streamlit as st

from studyapp import classroom
from studyapp.classroom.tally import Reveal
from studyapp.srs import utcnow
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import lang, t
from studyapp.ui.session import get_store

log = logging.getLogger(__name__)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
RIGHT, PLAIN, WRONG = "#2e9e5b", "#4c78a8", "#b8b8b8"
POLL_SECONDS = 2.0  # how often a student's page asks whether the teacher moved on
LIVE_SECONDS = 1.0  # how often the projector and the teacher's page redraw the tally
_ROOM_KEY = "class-room-{code}"  # st.session_state: the version a page last drew

# Large type that reads from the back of a room at 1280x720, and none of Streamlit's chrome
# (sidebar, header, toolbar with its Deploy button): a projector shows the lesson only.
BIG = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.stMainBlockContainer { padding: 1.2rem 2.5rem 1rem 2.5rem !important; max-width: 100% !important; }
.stMainBlockContainer [data-testid="stMarkdown"] p,
.stMainBlockContainer [data-testid="stMarkdown"] li { font-size: 30px; line-height: 1.35; }
.stMainBlockContainer [data-testid="stMarkdown"] h1 { font-size: 50px; }
.stMainBlockContainer [data-testid="stMarkdown"] h2 { font-size: 40px; }
.stMainBlockContainer [data-testid="stMarkdown"] h3 { font-size: 34px; }
.stMainBlockContainer [data-testid="stCaptionContainer"] p { font-size: 22px; }
.stMainBlockContainer [data-testid="stAlertContainer"] p { font-size: 26px; }
</style>
"""
# A page that redraws its tally every second must not fade it while it does (Streamlit greys
# out elements whose rerun is under way); and Deploy means nothing to a class.
STEADY = """
<style>
[data-testid="stElementContainer"][data-stale="true"] { opacity: 1 !important; transition: none !important; }
[data-testid="stAppDeployButton"] { display: none !important; }
</style>
"""


def big_type() -> None:
    st.html(BIG)


def steady() -> None:
    st.html(STEADY)


def store():
    return get_store()


def content_index() -> dict:
    """(topic id, question id) -> question, for the current content."""
    return classroom.question_index(current_content().topics)


def param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if isinstance(value, str) and value else None


def refused(exc: classroom.ClassroomError) -> str:
    return t(exc.reason, **exc.values)


def rng():
    return secrets.SystemRandom()


def now():
    return utcnow()


def attempt(action: Callable[[], Any]) -> Any:
    """Run a class action; a refusal is shown in words (never a traceback) and gives None."""
    try:
        return action()
    except classroom.ClassroomError as exc:
        st.session_state["class-message"] = refused(exc)
    except Exception as exc:  # a locked database, a broken file: say so, keep the page
        log.exception("class action failed")
        st.session_state["class-message"] = t("class_failed", error=exc)
    return None


def show_message() -> None:
    message = st.session_state.pop("class-message", None)
    if message:
        st.warning(message)


def join_address() -> str:
    """The address students open: this server's, as the browser reached it, at /join."""
    url = st.context.url or ""
    base = url.split("?")[0].rstrip("/")
    base = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{base}/join"


def local_address(address: str) -> bool:
    return "//localhost" in address or "//127." in address or "//0.0.0.0" in address


# --- redrawing when the session changes --------------------------------------------------------


def remember_version(session) -> None:
    st.session_state[_ROOM_KEY.format(code=session.code)] = session.version


def changed(session) -> bool:
    """Whether the session changed since this page drew it (one small read)."""
    version, _ = store().class_poll(session.id)
    return version != st.session_state.get(_ROOM_KEY.format(code=session.code))


@st.fragment(run_every=POLL_SECONDS)
def follow(session) -> None:
    """Redraw the whole page when the teacher changes something (students' pages)."""
    try:
        if changed(session):
            st.rerun(scope="app")
    except Exception:  # a busy database: try again at the next tick
        log.exception("polling the class session failed")


# --- a question as the class reads it ----------------------------------------------------------


def question_text(item, number: int | None = None) -> None:
    here = lang()
    prompt = item.text(item.question.prompt).get(here)
    st.markdown((f"**{number}.** " if number else "") + prompt)


def options(item, *, right: set | None = None) -> None:
    """The vote's options lettered A, B, C...; after the reveal the right ones are marked.
    Other questions show what their widget shows the class (the steps to order, a demo's
    settings)."""
    from studyapp.ui.quiz.widgets import widget_for

    vote = item.question.vote(item)
    if vote is None:
        widget_for(item.type).present(item)
        return
    widget_for(item.type).before(item)
    here = lang()
    lines = []
    for letter, (value, text) in zip(LETTERS, vote.options):
        mark = "" if right is None else (" :green[**✔**]" if value in right else "")
        lines.append(f"- **{letter}** · {text.get(here)}{mark}")
    st.markdown("\n".join(lines))


def tally_chart(result: classroom.Tally, item, *, height_per_bar: int = 58, font: int = 24) -> go.Figure:
    """Counts per option (by its letter) or per distinct answer; right ones green once
    marked. No names anywhere."""
    # plotly looks pandas up in sys.modules without importing it: while another session's
    # thread is half-way through importing pandas, a figure built now fails. A real import
    # waits for that one to finish.
    import pandas  # noqa: F401

    here = lang()
    vote = item.question.vote(item)
    labels = []  # a vote's bars carry the options' letters (the options are listed beside them)
    for i, bar in enumerate(result.bars):
        text = bar.label.get(here)
        labels.append(LETTERS[i] if vote is not None else (text if len(text) <= 40 else text[:39] + "…"))
    colors = [RIGHT if bar.right else (WRONG if bar.right is False else PLAIN) for bar in result.bars]
    fig = go.Figure(go.Bar(x=[bar.count for bar in result.bars], y=labels, orientation="h", marker_color=colors,
                           text=[bar.count for bar in result.bars], textposition="outside",
                           textfont={"size": font, "color": "#31333f"}, cliponaxis=False))
    fig.update_yaxes(autorange="reversed", tickfont={"size": font, "color": "#31333f"}, automargin=True,
                     ticksuffix="  ")
    fig.update_xaxes(visible=False, range=[0, max(1, result.top) * 1.15])
    fig.update_layout(height=60 + height_per_bar * max(1, len(result.bars)), margin={"l": 10, "r": 40, "t": 10, "b": 10},
                      showlegend=False, plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)")
    return fig


def show_reveal(found: Reveal | None) -> None:
    here = lang()
    if found is None:
        st.info(t("class_reveal_needs_run"))
        return
    st.success(t("class_right_answer", answer=found.right.get(here)))
    for lesson in found.lessons:
        st.markdown(lesson.get(here))
    if found.note is not None:
        st.caption(found.note.get(here))
    if found.common_wrong is not None:
        st.markdown(t("class_common_wrong", answer=found.common_wrong.get(here), n=found.common_wrong_count))
        for lesson in found.common_wrong_lessons:
            st.markdown(lesson.get(here))


def results_table(results) -> None:
    """One row per question and round: how many answered, how many were right."""
    here = lang()
    st.dataframe([{"#": r.asked.position, t("question"): r.prompt.get(here)[:90], t("class_vote_round_short"): rr.round,
                   t("answered"): rr.tally.answered, t("right"): rr.tally.correct}
                  for r in results for rr in r.rounds], hide_index=True, width="stretch")


def phase_words(entry) -> str:
    """Where the question on screen stands, in a few words."""
    row, machine = entry.row, classroom.machine
    if row.phase == machine.OPEN:
        return t("class_phase_open_again") if row.round == 2 else t("class_phase_open")
    if row.phase == machine.CLOSED:
        if row.run_note in ("stopped", "cancelled"):
            return t("class_phase_run_stopped")
        if row.run_note:
            return t("class_phase_run_failed", note=row.run_note)
        return t("class_phase_ran") if entry.step.second_vote_next else t("class_phase_closed")
    if row.phase == machine.RUNNING:
        return t("class_phase_running")
    if row.phase == machine.REVEALED:
        return t("class_phase_revealed")
    return t("class_phase_pending")
