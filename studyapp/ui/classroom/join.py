"""The students' page (/join): type the room code and a nickname, then answer the question on
screen from a phone or a laptop. The page's address keeps the student's own key
(`?room=ABCD&me=...`), so a reload keeps their answers and they stay who they are; the
page redraws by itself when the teacher moves on. A student sees only their own name."""

from __future__ import annotations

import streamlit as st

from studyapp import classroom
from studyapp.classroom import machine
from studyapp.classroom.tally import is_right, reveal
from studyapp.quiz import grade
from studyapp.ui.classroom import common
from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.widgets import widget_for
from studyapp.ui.session import current_profile


def _join_form(code: str | None) -> None:
    st.markdown(t("class_join_intro"))
    with st.form("class-join"):
        typed_code = st.text_input(t("class_room_code"), value=code or "", max_chars=8, key="class-join-code")
        nickname = st.text_input(t("class_nickname"), max_chars=classroom.NICK_MAX, key="class-join-name",
                                 help=t("class_nickname_help"))
        if not st.form_submit_button(t("class_join"), type="primary"):
            return
    joined = common.attempt(lambda: classroom.join(common.store(), typed_code, nickname, now=common.now(),
                                                   rng=common.rng()))
    if joined is None:
        common.show_message()
        return
    student, token = joined
    session = common.store().class_session(student.session_id)
    st.query_params.from_dict({"room": session.code, "me": token})
    st.rerun()


def _answer(session, student, entry, value) -> None:
    replaced = common.attempt(lambda: classroom.submit_answer(common.store(), session, student, entry, value,
                                                              now=common.now()))
    if replaced is not None:
        st.session_state["class-saved"] = t("class_answer_changed") if replaced else t("class_answer_saved")


def _ask(session, student, entry, mine) -> None:
    item, here = entry.item, lang()
    vote = item.question.vote(item)
    key = f"class-{session.code}-{entry.position}-{entry.row.round}"
    widget = widget_for(item.type)
    widget.before(item)
    if vote is not None and not vote.many:  # one tap per option, as on a clicker
        for i, (value, text) in enumerate(vote.options):
            chosen = mine is not None and type(mine) is type(value) and mine == value
            st.button(f"{common.LETTERS[i]} · {text.get(here)}", key=f"{key}-{i}", width="stretch",
                      type="primary" if chosen else "secondary", on_click=_answer,
                      args=(session, student, entry, value), icon=":material/check:" if chosen else None)
    else:
        with st.form(f"{key}-form"):
            answer, problem = widget.ask(item, key)
            sent = st.form_submit_button(t("submit_answer"), type="primary")
        if sent:
            if problem:
                st.warning(problem)
            else:
                _answer(session, student, entry, answer)
                st.rerun()  # redraw with the answer as stored
    saved = st.session_state.pop("class-saved", None)
    if saved:
        st.success(saved)


def _mine(entry, mine) -> None:
    if mine is None:
        st.caption(t("class_no_answer_yet"))
    else:
        st.markdown(t("class_your_answer", answer=entry.item.question.answer_text(mine, entry.item).get(lang())))


def _revealed(entry, mine) -> None:
    if mine is not None:
        right = is_right(entry.item, mine, entry.metrics)
        (st.success if right else st.error)(t("class_you_were_right") if right else t("class_you_were_wrong"))
        if not right:
            for lesson in grade(entry.item, mine, metrics=entry.metrics).lessons:
                st.markdown(lesson.get(lang()))
    common.show_reveal(reveal(entry.item, [], entry.metrics))


def _keep(session, student, profile) -> None:
    kept = common.attempt(lambda: classroom.keep_as_flashcards(common.store(), session, student, profile.id,
                                                               index=common.content_index(), now=common.now()))
    if kept is not None:
        st.session_state["class-message"] = t("class_kept", n=kept, name=profile.name)


def _record(session, student) -> None:
    record = classroom.my_record(common.store(), session, student, common.content_index())
    if not record:
        return
    with st.expander(t("class_my_answers", right=sum(m.right for m in record), n=len(record)),
                     expanded=not session.live):
        for m in record:
            st.markdown(f"{'✔' if m.right else '✘'} **{m.asked.position}.** "
                        + m.asked.item.question.answer_text(m.answer, m.asked.item).get(lang()))
        profile = current_profile()
        if profile is None:
            st.caption(t("class_keep_needs_profile"))
        elif any(not m.kept for m in record):
            st.button(t("class_keep", name=profile.name), key="class-keep", on_click=_keep,
                      args=(session, student, profile), icon=":material/style:")


def render() -> None:
    common.steady()
    code, me = common.param("room"), common.param("me")
    session = student = None
    if code is not None:
        try:
            session = classroom.find_session(common.store(), code)
            student = classroom.student_of(common.store(), session, me)
        except classroom.ClassroomError:
            session = None
    if student is None:
        st.title(t("class_join_title"))
        _join_form(code)
        return
    common.remember_version(session)
    st.text(t("class_you_are", code=session.code, name=student.nickname))  # plain text: never Markdown
    common.show_message()
    entry = classroom.current(common.store(), session, common.content_index()) if session.live else None
    if not session.live:
        st.info(t("class_session_ended"))
    elif entry is None or entry.item is None or entry.row.phase == machine.PENDING:
        st.info(t("class_waiting"))
    else:
        st.caption(common.phase_words(entry))
        common.question_text(entry.item, entry.position)
        mine = classroom.my_answer(common.store(), session, student, entry.position, entry.row.round)
        if entry.row.phase == machine.OPEN:
            _ask(session, student, entry, mine)
        if entry.row.phase == machine.REVEALED:
            _revealed(entry, classroom.my_answer(common.store(), session, student, entry.position, 1))
        else:
            _mine(entry, mine)
    _record(session, student)
    if session.live:
        common.follow(session)
