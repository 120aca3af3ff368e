"""The teacher's page, lower half: add questions from any topic, the list of questions (put
any on screen), who joined (plain text, for the teacher only), results and CSV, and ending."""

from __future__ import annotations

import secrets

import streamlit as st

from studyapp import classroom
from studyapp.ui.classroom import common
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import lang, t


def _generators():
    from demos.generators import GENERATORS  # numeric questions draw their numbers with PyTorch

    return GENERATORS


def _add(session, key: str, picks) -> None:
    common.attempt(lambda: classroom.add_questions(common.store(), session, key, picks,
                                                   seed=secrets.randbelow(2**31), generators=_generators()))


def _label(question) -> str:
    here = lang()
    prompt = question.prompt.get(here)
    return f"{type(question).label.get(here)} · {prompt if len(prompt) <= 90 else prompt[:89] + '…'}"


def add_questions(session, key: str) -> None:
    with st.expander(t("class_add_questions"), expanded=not common.store().class_questions(session.id),
                     icon=":material/playlist_add:"):
        topics = current_content().topics
        if not topics:
            st.info(t("no_topics", folder=current_content().folder))
            return
        titles = {tp.id: tp.title.get(lang()) for tp in topics}
        topic_id = st.selectbox(t("class_topic"), list(titles), format_func=titles.__getitem__, key="class-add-topic")
        pool = classroom.class_questions([next(tp for tp in topics if tp.id == topic_id)])
        by_id = {q.id: (tid, q) for tid, q in pool}
        chosen = st.multiselect(t("class_pick_questions"), list(by_id), format_func=lambda qid: _label(by_id[qid][1]),
                                key=f"class-add-{topic_id}", placeholder=t("class_pick_placeholder"))
        left, right = st.columns(2)
        left.button(t("class_add_chosen"), key="class-add-chosen", disabled=not chosen, on_click=_add,
                    args=(session, key, [by_id[qid] for qid in chosen]), width="stretch")
        right.button(t("class_add_all", n=len(pool)), key="class-add-all", disabled=not pool, on_click=_add,
                     args=(session, key, pool), width="stretch")
        st.caption(t("class_types_note"))


def _show(session, key: str, position: int) -> None:
    common.attempt(lambda: classroom.show(common.store(), session, key, position, now=common.now(),
                                          index=common.content_index()))


def asked_list(session, key: str, index) -> None:
    entries = classroom.asked(common.store(), session, index)
    if not entries:
        return
    here = lang()
    with st.expander(t("class_questions_list", n=len(entries)), icon=":material/list:"):
        for entry in entries:
            prompt = entry.item.text(entry.item.question.prompt).get(here) if entry.item else entry.row.question_id
            text, phase, go = st.columns([6, 2, 1])
            marker = "▶ " if entry.position == session.current else ""
            text.markdown(f"{marker}**{entry.position}.** {prompt[:120]}")
            phase.caption(common.phase_words(entry))
            go.button(t("class_show"), key=f"class-show-{entry.position}", on_click=_show,
                      args=(session, key, entry.position), disabled=entry.position == session.current)
        students = common.store().class_students(session.id)
        st.caption(t("class_who_joined", n=len(students)))
        st.dataframe({t("class_nickname"): [s.nickname for s in students]}, hide_index=True)  # plain text


def results(session, key: str, index) -> None:
    entries = classroom.asked(common.store(), session, index)
    answers = common.store().class_answers(session.id)
    found = classroom.question_results(entries, answers)
    if not found:
        return
    here = lang()
    with st.expander(t("class_results"), expanded=not session.live, icon=":material/leaderboard:"):
        common.results_table(found)
        left, right = st.columns(2)
        left.download_button(t("class_results_csv"), classroom.results_csv(found, here),
                             file_name=f"class-{session.code}-results.csv", mime="text/csv", key="class-csv",
                             icon=":material/download:", on_click="ignore", width="stretch")
        students = common.store().class_students(session.id)
        right.download_button(t("class_answers_csv"), classroom.answers_csv(entries, students, answers, here),
                              file_name=f"class-{session.code}-answers.csv", mime="text/csv",
                              key="class-csv-answers", icon=":material/download:", on_click="ignore",
                              width="stretch")


def _end(session, key: str) -> None:
    common.attempt(lambda: classroom.end_session(common.store(), session, key, now=common.now()))


def end(session, key: str) -> None:
    with st.expander(t("class_end"), icon=":material/logout:"):
        sure = st.checkbox(t("class_end_sure"), key="class-end-sure")
        st.button(t("class_end"), key="class-end", disabled=not sure, on_click=_end, args=(session, key))
