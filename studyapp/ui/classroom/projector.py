"""The projector of a live session (/present?room=CODE): the question on screen in large type,
the live tally of answers (counts, never names), the demo training live, the reveal.

It needs no key and never shows one. A teacher with one screen opens it from their page's
"Projector with controls" link: the key in that link is moved into this browser tab's
memory and taken out of the address at once, so the address bar the class sees holds only
the room code; the tab then shows the teacher's row of buttons (with keys).
"""

from __future__ import annotations

import streamlit as st

from studyapp import classroom
from studyapp.classroom import machine
from studyapp.classroom.tally import reveal, right_options
from studyapp.ui.classroom import common
from studyapp.ui.classroom.controls import control_row, follow_run, run_figures
from studyapp.ui.i18n import t

KEYS_HELD = "class-projector-keys"  # st.session_state: room code -> the teacher's key


def _teacher_key(session) -> str | None:
    keys = st.session_state.setdefault(KEYS_HELD, {})
    offered = common.param("key")
    if offered is not None:
        del st.query_params["key"]  # out of the address bar before the class can read it
        if classroom.is_teacher(common.store(), session, offered):
            keys[session.code] = offered
        else:
            st.warning(t("class_not_teacher"))
    return keys.get(session.code)


def _tally(session, entry) -> None:
    """The answers so far, per vote; counts only."""
    revealed = entry.row.phase == machine.REVEALED
    rounds = range(1, entry.row.round + 1)
    answers = {r: classroom.answers_of(common.store(), session, entry.position, r) for r in rounds}
    with st.container(key="class-count"):
        st.markdown(t("class_answers_count", n=len(answers[entry.row.round])))
    for r in rounds:
        if len(answers) > 1:
            st.caption(t("class_vote_round", n=r))
        result = classroom.tally(entry.item, answers[r], metrics=entry.metrics, mark=revealed)
        st.plotly_chart(common.tally_chart(result, entry.item), key=f"class-tally-{r}",
                        config={"staticPlot": True}, width="stretch")


@st.fragment(run_every=common.LIVE_SECONDS)
def _board(session, entry, address: str) -> None:
    """Where to join, the question and the live tally: redrawn every second (a few small
    reads); the whole page when the teacher changed something.

    The page's one fragment, always in the same place: a second fragment elsewhere (the tally
    inside a column, say) can get a redraw after the page's layout changed under it, and
    Streamlit's browser side then fails ("Cannot set a node at a delta path") and goes blank.
    """
    if common.changed(session):
        st.rerun(scope="app")
    students = common.store().class_student_count(session.id)
    st.markdown(t("class_join_line", address=address, code=session.code, n=students))
    if entry is None or entry.item is None or entry.row.phase == machine.PENDING:
        st.markdown(f"# {t('class_welcome', code=session.code)}")
        return
    revealed = entry.row.phase == machine.REVEALED
    st.caption(common.phase_words(entry))
    left, right = st.columns([3, 2], gap="large")
    with left:
        common.question_text(entry.item, entry.position)
        common.options(entry.item, right=right_options(entry.item, entry.metrics) if revealed else None)
    with right:
        _tally(session, entry)


def _ended(session, index) -> None:
    st.markdown(f"## {t('class_session_ended')}")
    results = classroom.question_results(classroom.asked(common.store(), session, index),
                                         common.store().class_answers(session.id))
    common.results_table(results)


def render(code: str) -> None:
    common.big_type()
    try:
        session = classroom.find_session(common.store(), code)
    except classroom.ClassroomError as exc:
        st.error(common.refused(exc))
        return
    key = _teacher_key(session)
    common.remember_version(session)
    index = common.content_index()
    if not session.live:
        _ended(session, index)
        return
    entry = classroom.current(common.store(), session, index)
    controls = st.container()  # above the board, and always there: the board keeps its place
    _board(session, entry, common.join_address())
    with controls:
        common.show_message()
        if key is not None:
            control_row(session, key, entry, prefix="projector")
    if entry is None or entry.item is None or entry.row.phase == machine.PENDING:
        return
    revealed = entry.row.phase == machine.REVEALED
    if entry.row.phase == machine.RUNNING:
        follow_run(session, entry, can_stop=key is not None)
    elif entry.step.has_run:
        run_figures(entry, summary=revealed)
    if revealed:
        answers = classroom.answers_of(common.store(), session, entry.position, 1)
        common.show_reveal(reveal(entry.item, answers, entry.metrics))
