"""The presenter view (/present): one topic's demos and class questions, one at a time, full
width in large type for a projector at 1280x720, with no sidebar or Streamlit chrome. One
compact row chooses the topic, the step and the language; keys step through: N next, B back,
Enter runs the demo, A reveals the answer. The topic and step live in the address
(`?topic=...&step=...`), so a reload stays where it was."""

from __future__ import annotations

import streamlit as st

from studyapp import classroom
from studyapp.classroom.tally import reveal, right_options
from studyapp.quiz import make_item
from studyapp.ui.classroom import common
from studyapp.ui.content_cache import current_content
from studyapp.ui.demo_view import load_demo, settings_row, show_run, submit_run
from studyapp.ui.i18n import LANG_KEY, LANGUAGE_NAMES, lang, t

STEP, TOPIC, REVEALED = "present-step", "present-topic", "present-revealed"


def _steps(topic) -> list[tuple[str, object]]:
    """The topic's demos, then the questions a class can answer."""
    return [("demo", d) for d in topic.demos] + [("question", q) for _, q in classroom.class_questions([topic])]


def _move(by: int, count: int) -> None:
    st.session_state[STEP] = max(0, min(count - 1, st.session_state.get(STEP, 0) + by))


def _language() -> None:
    chosen = st.session_state.get("present-lang")
    if chosen in LANGUAGE_NAMES:
        st.session_state[LANG_KEY] = chosen


def _top_row(content):
    """Topic, step, language, the step's own buttons (filled in by the step), back, next."""
    topics = {tp.id: tp for tp in content.topics}
    wanted, step = common.param("topic"), common.param("step") or "0"
    if TOPIC not in st.session_state and wanted in topics:
        st.session_state[TOPIC] = wanted
        st.session_state[STEP] = int(step) if step.isdigit() else 0
    here = lang()
    pick, step_col, lang_col, actions, back, forward = st.columns([2.6, 3.6, 2.1, 2.7, 0.6, 0.6],
                                                                  vertical_alignment="bottom")
    topic_id = pick.selectbox(t("class_topic"), list(topics), key=TOPIC, format_func=lambda i: topics[i].title.get(here),
                              on_change=lambda: st.session_state.update({STEP: 0}))
    steps = _steps(topics[topic_id])
    if not steps:
        return topics[topic_id], steps, 0, actions, 0
    st.session_state[STEP] = min(st.session_state.get(STEP, 0), len(steps) - 1)

    demos = sum(kind == "demo" for kind, _ in steps)

    def name(i: int) -> str:
        kind, what = steps[i]
        if kind == "demo":
            return f"{t('demo')}: {what}"
        prompt = what.prompt.get(here)
        return f"{i + 1 - demos}. {prompt if len(prompt) < 70 else prompt[:69] + '…'}"

    index = step_col.selectbox(t("class_step"), range(len(steps)), key=STEP, format_func=name)
    st.session_state["present-lang"] = here
    lang_col.segmented_control(t("language"), list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get,
                               key="present-lang", on_change=_language)
    back.button("‹", key="present-back", shortcut="B", on_click=_move, args=(-1, len(steps)), width="stretch",
                help=t("class_back"))
    forward.button("›", key="present-next", shortcut="N", on_click=_move, args=(1, len(steps)), width="stretch",
                   help=t("class_next"))
    st.query_params.from_dict({"topic": topic_id, "step": str(index), "lang": here})
    return topics[topic_id], steps, index, actions, index + 1 - demos


def _demo(demo_id: str, actions) -> None:
    """Title, then the live chart or the figures, then the knobs: a run's curves come first
    on a 720-pixel screen."""
    demo = load_demo(demo_id)
    if demo is None:
        return
    here = lang()
    pressed = actions.button(t("run_demo"), key=f"present-run-{demo_id}", type="primary", shortcut="Enter",
                             icon=":material/play_arrow:", width="stretch")
    st.markdown(f"## {demo.title(here)}")
    output = st.container()
    values, seed = settings_row(demo, f"present-{demo_id}", per_row=6)
    with st.expander(t("class_about_demo")):
        st.markdown(demo.description(here))
    job_key, result_key = f"present-job-{demo_id}", f"present-result-{demo_id}"
    with output:
        if pressed:
            submit_run(demo_id, values, seed, job_key=job_key)
        show_run(demo, job_key=job_key, result_key=result_key, stop_key=f"present-stop-{demo_id}")


def _question(topic, question, index: int, number: int, actions) -> None:
    from demos.generators import GENERATORS

    item = make_item(topic.id, question, seed=index, generators=GENERATORS)  # the same numbers on every rerun
    key = f"{topic.id}-{question.id}"
    shown = st.session_state.setdefault(REVEALED, set())
    metrics = None
    predicts = item.right_answer() is None
    with actions:
        run_col, reveal_col = st.columns(2) if predicts else (None, st.container())
        if predicts and run_col.button(t("class_run"), key=f"present-qrun-{key}", shortcut="Enter",
                                       icon=":material/play_arrow:", width="stretch", type="primary"):
            submit_run(question.demo, question.params, question.seed, job_key=f"present-qjob-{key}")
        if reveal_col.button(t("class_reveal"), key=f"present-reveal-{key}", shortcut="A",
                             icon=":material/visibility:", width="stretch"):
            shown.add(key)
    common.question_text(item, number)
    slot = st.container()
    if predicts:
        demo = load_demo(question.demo)
        if demo is not None and show_run(demo, job_key=f"present-qjob-{key}", result_key=f"present-qresult-{key}",
                                         stop_key=f"present-qstop-{key}", summary=key in shown):
            metrics = st.session_state[f"present-qresult-{key}"].result.metrics
    revealed = key in shown and (not predicts or metrics is not None)
    with slot:
        common.options(item, right=right_options(item, metrics) if revealed else None)
        if key in shown:
            common.show_reveal(reveal(item, [], metrics) if revealed else None)


def render() -> None:
    common.big_type()
    content = current_content()
    if not content.topics:
        st.info(t("no_topics", folder=content.folder))
        return
    topic, steps, index, actions, number = _top_row(content)
    if not steps:
        st.info(t("class_nothing_to_present"))
        return
    kind, what = steps[index]
    if kind == "demo":
        _demo(what, actions)
    else:
        _question(topic, what, index, number, actions)
    st.caption(t("class_presenter_keys"))
