"""The end of a quiz: the score (total, per topic, per type), every missed question
reviewed, and buttons for a new quiz or for retrying the missed ones."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from studyapp.quiz import QuizSession, QuizSettings
from studyapp.ui.i18n import chart_config, lang, t
from studyapp.ui.quiz.review import lessons, type_name, verdict
from studyapp.ui.quiz.state import SESSION_KEY, runs, save_status, start
from studyapp.ui.quiz.widgets import widget_for


def render(session: QuizSession, content, clock: Callable[[], float]) -> None:
    here = lang()
    result = session.summary()
    total = result.total
    st.subheader(t("results"))
    a, b, c = st.columns(3)
    a.metric(t("score"), f"{total.percent:.0f}%")
    b.metric(t("right_answers"), f"{total.correct}/{total.asked}")
    c.metric(t("answered"), f"{total.answered}/{total.asked}")
    titles = {tp.id: tp.title.get(here) for tp in content.topics}
    st.markdown(f"**{t('score_per_topic')}**")
    st.dataframe(
        {
            t("topic"): [titles.get(k, k) for k in result.by_topic],
            t("questions"): [v.asked for v in result.by_topic.values()],
            t("right"): [v.correct for v in result.by_topic.values()],
            t("score"): [f"{v.percent:.0f}%" for v in result.by_topic.values()],
        },
        hide_index=True, width="stretch",
    )
    st.caption(" · ".join(f"{type_name(k)} {v.correct}/{v.asked}" for k, v in result.by_type.items()))
    save_status()
    if session.skipped:
        st.caption(t("left_out_not_generated", ids=", ".join(session.skipped)))
    if result.missed:
        st.markdown(f"**{t('review_missed')}** ({len(result.missed)})")
        for index in result.missed:
            missed(session, index)
    else:
        st.success(t("no_mistakes"))
    left, right = st.columns(2)
    if left.button(t("new_quiz"), key="quiz-new", icon=":material/refresh:"):
        st.session_state.pop(SESSION_KEY, None)
        st.rerun()
    if result.missed and right.button(t("retry_missed"), key="quiz-retry", icon=":material/replay:"):
        pool = [(session.items[i].topic_id, session.items[i].question) for i in result.missed]
        settings = QuizSettings(count=len(pool), mode=session.settings.mode, time_limit_s=session.settings.time_limit_s)
        start(content, settings, clock, pool=pool)
        st.rerun()


def missed(session: QuizSession, index: int) -> None:
    """One missed question in an expander: the learner's answer, the right one, and why."""
    here = lang()
    item = session.items[index]
    response = session.responses.get(index)
    widget = widget_for(item.type)
    prompt_text = item.text(item.question.prompt).get(here)
    title = prompt_text.split("\n")[0]
    with st.expander(f"{index + 1}. {title[:110]}"):
        st.markdown(prompt_text)
        if response is None:
            st.warning(t("not_answered"))
            widget.show_answer(item, None)
            return
        verdict(response)
        widget.show_answer(item, response)
        lessons(item, response)
        run = runs().get(index)
        if run is not None:
            from demos import get_demo

            for i, fig in enumerate(get_demo(run.demo).figures(run.result, here)):
                st.plotly_chart(fig, key=f"quiz-{session.id}-{index}-fig-{i}", width="stretch", config=chart_config())
