"""The teacher's page (/teach): start a session, put questions to the class, run, reveal,
results. Its address holds the room code and the teacher's key (`?room=ABCD&key=...`), so a
reload keeps control; keep it to yourself, and put /present?room=ABCD on the projector."""

from __future__ import annotations

import urllib.parse

import streamlit as st

from studyapp import classroom
from studyapp.classroom import machine
from studyapp.ui.classroom import common, manage
from studyapp.ui.classroom.controls import control_row, job_of
from studyapp.ui.i18n import lang, t


def _start() -> None:
    st.markdown(t("class_teach_intro"))
    if st.button(t("class_start"), type="primary", key="class-start", icon=":material/co_present:"):
        found = common.attempt(lambda: classroom.start_session(common.store(), now=common.now(), rng=common.rng()))
        if found is not None:
            session, key = found
            st.query_params.from_dict({"room": session.code, "key": key})
            st.rerun()
        common.show_message()


def _header(session, key: str) -> None:
    address = common.join_address()
    code_col, links = st.columns([2, 3])
    code_col.markdown(f"## {t('class_room')} `{session.code}`")
    query = urllib.parse.urlencode({"room": session.code, "lang": lang()})
    with links:
        st.caption(t("class_students_open", address=address, code=session.code))
        if common.local_address(address):
            st.caption(t("class_local_address"))
        row = st.columns(2)
        row[0].link_button(t("class_open_projector"), f"present?{query}", icon=":material/tv:", width="stretch")
        with_key = urllib.parse.urlencode({"room": session.code, "key": key, "lang": lang()})
        row[1].link_button(t("class_open_projector_controls"), f"present?{with_key}",
                           icon=":material/cast_for_education:", width="stretch")
    st.caption(t("class_keep_private"))


@st.fragment(run_every=common.LIVE_SECONDS)
def _board(session, key: str, index) -> None:
    """The controls, who joined, the question on screen and the live tally, read afresh and
    redrawn every second; the whole page when the session changed (the lists below). The
    page's one fragment (see the projector's `_board`: two can leave the page blank)."""
    if common.changed(session):
        st.rerun(scope="app")
    entry = classroom.current(common.store(), session, index)
    control_row(session, key, entry, prefix="teach")
    marked = st.toggle(t("class_show_right"), key="teach-marked", help=t("class_show_right_help"))
    st.caption(t("class_joined", n=common.store().class_student_count(session.id)))
    if entry is None:
        st.info(t("class_nothing_on_screen"))
        return
    if entry.item is None:
        st.warning(t("class_question_gone", question=entry.row.question_id))
        return
    st.caption(common.phase_words(entry))
    left, right = st.columns([1, 1], gap="large")
    with left:
        common.question_text(entry.item, entry.position)
        common.options(entry.item)
    with right:
        answers = classroom.answers_of(common.store(), session, entry.position, entry.row.round)
        st.markdown(t("class_answered", n=len(answers)))
        if entry.row.phase == machine.RUNNING:
            job = job_of(entry)
            progress = job.progress if job is not None else None
            st.progress(progress.fraction if progress else 0.0, text=t("class_phase_running"))
        result = classroom.tally(entry.item, answers, metrics=entry.metrics,
                                 mark=marked or entry.row.phase == machine.REVEALED)
        st.plotly_chart(common.tally_chart(result, entry.item, height_per_bar=34, font=15), key="teach-tally",
                        config={"staticPlot": True}, width="stretch")


def render() -> None:
    common.steady()
    st.title(t("class_teach"))
    code, key = common.param("room"), common.param("key")
    if code is None:
        _start()
        return
    try:
        session = classroom.teacher_session(common.store(), code, key)
    except classroom.ClassroomError as exc:
        st.error(common.refused(exc))
        _start()
        return
    common.remember_version(session)
    index = common.content_index()
    _header(session, key)
    common.show_message()
    if not session.live:
        st.info(t("class_session_ended"))
        manage.results(session, key, index)
        return
    _board(session, key, index)
    manage.add_questions(session, key)
    manage.asked_list(session, key, index)
    manage.results(session, key, index)
    manage.end(session, key)
