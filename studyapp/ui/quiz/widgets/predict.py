"""predict_then_run: the demo's stated settings, a radio of outcomes; then the demo runs
(live in practice mode) and what it measured grades the prediction."""

from __future__ import annotations

import streamlit as st

from studyapp.content.questions import fmt
from studyapp.ui.i18n import lang, t
from studyapp.ui.quiz.widgets.base import Widget, mark


class Prediction(Widget):
    kinds = ("predict_then_run",)
    submit = "predict_and_run"

    def before(self, item):
        from demos import get_demo

        q, here = item.question, lang()
        demo = get_demo(q.demo)
        params = {p.name: p for p in demo.params}
        rows = [f"- {params[k].label(here) if k in params else k}: **{setting(params.get(k), v, here)}**"
                for k, v in q.params.items()]
        st.markdown(f"**{t('demo')}: {demo.title(here)}**\n\n" + "\n".join(rows))
        st.caption(t("other_settings_keep_defaults"))

    def ask(self, item, key):
        here, q = lang(), item.question
        choice = st.radio(t("your_answer"), options=list(item.order), index=None, key=key,
                          format_func=lambda i: q.choices[i].text.get(here))
        return choice, None if choice is not None else t("choose_answer_first")

    def run(self, item, *, live):
        """Run the question's demo with its stated settings through the app's queue (shared
        with the demo pages and the classroom, so a class server runs a bounded number at once
        and identical settings share one run), live on the page or not."""
        from demos import get_demo

        from studyapp.runner import queue
        from studyapp.ui.demo_view import watch

        q = item.question
        job = queue().submit(q.demo, q.params, seed=q.seed)
        if live:  # no Stop: a prediction is graded on the whole run
            watch(job, get_demo(q.demo), stop_key=f"predict-stop-{q.id}", can_stop=False)
        else:
            with st.spinner(t("running_the_demo")):
                job.wait()
        if job.status != "done" or job.run is None:
            raise RuntimeError(job.error or job.status)
        return job.run

    def show_answer(self, item, response):
        from demos import get_demo

        q, here = item.question, lang()
        metrics = response.metrics if response else None
        answer = response.answer if response else None
        demo = get_demo(q.demo)
        lines = []
        for i in item.order:
            choice = q.choices[i]
            condition = choice.condition
            happened = metrics is not None and condition.metric in metrics and condition.holds(float(metrics[condition.metric]))
            lines.append(f"- {mark(happened, i == answer)} {choice.text.get(here)} · *{outcome_words(demo, condition, here)}*")
        st.markdown("\n".join(lines))
        st.caption(t("prediction_legend"))


def outcome_words(demo, condition, here: str) -> str:
    """An outcome's condition as a learner reads it: "CNN 테스트 정확도 ≥ 85%"."""
    metric = demo.metric(condition.metric)
    return condition.describe(metric.name(here), lambda v: metric.value(v, here, exact=False))


def setting(param, value, here: str) -> str:
    """A stated setting as the demo's page shows it: a choice's label, yes/no, a number."""
    if isinstance(value, bool):
        return t("setting_on") if value else t("setting_off")
    if isinstance(value, str):
        return param.choice_label(value, here) if param is not None else value
    return fmt(value)
