"""The quiz page: choose topics, types and a mode; answer one question at a time; see a
summary with the score per topic and a review of every missed question.

Practice mode explains each answer at once; exam mode keeps feedback for the end and may
run against a timer; the confusables drill serves easily confused concepts together. The
session (questions, shuffles, generated numbers) lives in st.session_state and is built
from a seed, so reruns never reshuffle it.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timezone

import streamlit as st

from studyapp.content.questions import QUESTION_TYPES
from studyapp.quiz import QuizSession, QuizSettings, build_session, grade
from studyapp.quiz.results import attempt, card_ratings
from studyapp.ui import quiz_widgets as widgets
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import lang, tr

log = logging.getLogger(__name__)
SESSION_KEY = "quiz"
RUNS_KEY = "quiz-runs"  # item index -> the demo run that graded a prediction
SAVE_KEY = "quiz-save"  # what was stored for this session, and why not when it was not
SEED_KEY = "quiz-next-seed"  # tests may set it; otherwise every new quiz draws a fresh seed
MODES = ("practice", "exam", "drill")


def now() -> float:
    return time.time()


# --- starting a quiz --------------------------------------------------------------------------


def _generators():
    from demos.generators import GENERATORS  # the demos layer: it runs PyTorch

    return GENERATORS


def start(content, settings: QuizSettings, pool=None) -> None:
    seed = st.session_state.pop(SEED_KEY, None)
    seed = int(seed) if seed is not None else secrets.randbelow(2**31)
    pool = pool if pool is not None else [(t.id, q) for t in content.topics for q in t.questions]
    cards = [(t.id, c) for t in content.topics for c in t.cards]
    session = build_session(pool, settings, seed=seed, now=now(), generators=_generators(), cards=cards)
    st.session_state[SESSION_KEY] = session
    st.session_state[RUNS_KEY] = {}
    st.session_state[SAVE_KEY] = {"session": session.id, "rated": set(), "saved": 0, "problem": None}


def setup(content) -> None:
    here = lang()
    st.markdown(tr(
        "Test yourself. **Practice** explains every answer at once; **exam** saves the feedback "
        "for the end and can run against the clock; the **confusables drill** puts concepts that "
        "are easily mixed up side by side.",
        "스스로 점검해 보세요. **연습**은 답할 때마다 바로 설명해 주고, **시험**은 피드백을 끝에 "
        "모아 보여 주며 제한 시간을 둘 수 있습니다. **헷갈리는 개념 훈련**은 서로 혼동하기 쉬운 "
        "개념을 나란히 묻습니다.",
    ))
    if not content.topics:
        st.warning(tr("No topics are loaded, so there is nothing to ask.", "불러온 주제가 없어 낼 문제가 없습니다."))
        return
    mode_names = {"practice": tr("Practice", "연습"), "exam": tr("Exam", "시험"),
                  "drill": tr("Confusables drill", "헷갈리는 개념 훈련")}
    mode = st.radio(tr("Mode", "방식"), MODES, format_func=mode_names.get, horizontal=True, key="quiz-mode")
    titles = {t.id: t.title.get(here) for t in content.topics}
    topics = st.multiselect(tr("Topics", "주제"), list(titles), default=list(titles), format_func=titles.get,
                            key="quiz-topics")
    present = [kind for kind in QUESTION_TYPES if any(q.type == kind for t in content.topics for q in t.questions)]
    type_names = {kind: widgets.type_name(kind) for kind in present}
    types = st.multiselect(tr("Question types", "문제 유형"), present, default=present,
                           format_func=type_names.get, key="quiz-types")
    available = sum(q.type in types for t in content.topics if t.id in topics for q in t.questions)
    left, right = st.columns(2)
    count = left.number_input(tr("Number of questions", "문제 수"), min_value=1, max_value=100, value=10, step=1,
                              key="quiz-count")
    minutes = right.number_input(tr("Time limit in minutes (exam; 0 = none)", "제한 시간(분, 시험 방식; 0 = 없음)"),
                                 min_value=0, max_value=180, value=0, step=1, key="quiz-minutes",
                                 disabled=mode != "exam")
    if mode != "drill":
        st.caption(tr(f"{available} questions match these choices.", f"조건에 맞는 문제가 {available}개 있습니다."))
    if st.button(tr("Start quiz", "퀴즈 시작"), type="primary", key="quiz-start", icon=":material/play_arrow:"):
        if not topics or (not types and mode != "drill") or (available == 0 and mode != "drill"):
            st.warning(tr("Choose at least one topic and one question type that have questions.",
                          "문제가 있는 주제와 문제 유형을 하나 이상 고르세요."))
            return
        settings = QuizSettings(
            topics=tuple(topics), types=tuple(types), count=int(count),
            mode="exam" if mode == "exam" else "practice", drill=mode == "drill",
            time_limit_s=60.0 * minutes if mode == "exam" and minutes else None,
        )
        start(content, settings)
        st.rerun()


# --- saving results ---------------------------------------------------------------------------


def save(session: QuizSession, index: int) -> None:
    """Store the attempt and feed the flashcard scheduler; never let storage break the quiz."""
    record = st.session_state.setdefault(SAVE_KEY, {"session": session.id, "rated": set(), "saved": 0, "problem": None})
    try:
        from studyapp.srs import review_card
        from studyapp.ui.session import current_profile, get_store
    except ImportError:  # the progress store is an optional part of the app
        record["problem"] = tr("Progress is not saved: this installation has no progress store.",
                               "진도가 저장되지 않습니다: 진도 저장소가 없는 설치본입니다.")
        return
    try:
        profile = current_profile()
        if profile is None:
            record["problem"] = tr("Progress is not saved: no profile selected (choose one in the sidebar).",
                                   "진도가 저장되지 않습니다: 선택된 프로필이 없습니다 (사이드바에서 고르세요).")
            return
        store = get_store()
        at = datetime.now(timezone.utc)
        store.record_quiz_attempt(profile.id, **attempt(session, index, at).as_kwargs())
        item, response = session.items[index], session.responses[index]
        for card_id, rating in card_ratings(item, response, record["rated"]):
            review_card(store, profile.id, card_id, rating, at, source="quiz",
                        duration_ms=int(1000 * response.seconds))
            record["rated"].add(card_id)
        record["saved"] += 1
        record["problem"] = None
    except Exception as exc:  # a locked or broken database: say so, keep quizzing
        log.exception("could not save a quiz attempt")
        record["problem"] = tr(f"Progress is not saved: {exc}", f"진도가 저장되지 않습니다: {exc}")


def save_status() -> None:
    record = st.session_state.get(SAVE_KEY) or {}
    if record.get("problem"):
        st.caption(f":material/cloud_off: {record['problem']}")
    elif record.get("saved"):
        st.caption(tr(f":material/cloud_done: Answers saved: {record['saved']}. Flashcard schedules updated: "
                      f"{len(record['rated'])}.",
                      f":material/cloud_done: 답 {record['saved']}개를 저장했고, 카드 {len(record['rated'])}장의 "
                      f"복습 일정을 갱신했습니다."))


# --- asking and answering ---------------------------------------------------------------------


def run_prediction(item, index: int, *, show_live: bool):
    """Run the question's demo with its stated settings (cached) and return the run."""
    from demos import get_demo

    from studyapp.runner import run_demo
    from studyapp.ui.demo_view import LiveView

    if show_live:
        live = LiveView(get_demo(item.question.demo))
        try:
            return run_demo(item.question.demo, item.question.params, seed=item.question.seed, report=live)
        finally:
            live.clear()
    with st.spinner(tr("Running the demo…", "데모 실행 중…")):
        return run_demo(item.question.demo, item.question.params, seed=item.question.seed)


def stated_settings(item) -> None:
    from demos import get_demo

    demo = get_demo(item.question.demo)
    here = lang()
    labels = {p.name: p.label(here) for p in demo.params}
    rows = [f"- {labels.get(k, k)}: **{widgets.fmt(v) if not isinstance(v, str) else v}**"
            for k, v in item.question.params.items()]
    st.markdown(f"**{tr('Demo', '데모')}: {demo.title(here)}**\n\n" + "\n".join(rows))
    st.caption(tr("Every other setting keeps its default.", "나머지 설정은 기본값 그대로입니다."))


def ask(session: QuizSession) -> None:
    index = session.position
    item = session.items[index]
    session.show(now())
    widgets.prompt(item, index + 1, len(session.items))
    if item.type == "predict_then_run":
        stated_settings(item)
    key = f"quiz-{session.id}-{index}"
    with st.form(key=f"{key}-form"):
        st.caption(tr(*widgets.HINTS[item.type]))
        answer, problem = widgets.ask(item, key)
        label = tr("Submit answer", "답 제출") if item.type != "predict_then_run" else tr("Predict and run the demo", "예측하고 데모 실행")
        submitted = st.form_submit_button(label, type="primary")
    if not submitted:
        return
    if problem:
        st.warning(problem)
        return
    metrics = None
    if item.type == "predict_then_run":
        try:
            run = run_prediction(item, index, show_live=session.settings.mode == "practice")
        except Exception as exc:  # the demo failed: say so, and let the learner skip the question
            log.exception("prediction demo failed")
            st.error(tr(f"The demo could not run: {exc}", f"데모를 실행할 수 없습니다: {exc}"))
            return
        st.session_state.setdefault(RUNS_KEY, {})[index] = run
        metrics = run.result.metrics
    graded = grade(item, answer, metrics=metrics)
    session.submit(answer, graded, now(), metrics=metrics)
    save(session, index)
    if session.settings.mode == "exam":
        session.advance(now())
    st.rerun()


def feedback(session: QuizSession) -> None:
    """Practice mode, after answering: what was right, why, and on to the next question."""
    index = session.position
    item, response = session.items[index], session.responses[index]
    widgets.prompt(item, index + 1, len(session.items))
    widgets.verdict(response)
    widgets.show_answer(item, response)
    widgets.lessons(item, response)
    run = st.session_state.get(RUNS_KEY, {}).get(index)
    if run is not None:
        from demos import get_demo

        from studyapp.ui.demo_view import render_result

        render_result(get_demo(run.demo), run)
    last = index + 1 >= len(session.items)
    st.button(tr("See the results", "결과 보기") if last else tr("Next question", "다음 문제"), type="primary",
              key=f"quiz-{session.id}-{index}-next", on_click=lambda: session.advance(now()),
              icon=":material/arrow_forward:")


def progress(session: QuizSession) -> None:
    answered = len(session.responses)
    total = len(session.items)
    st.progress(answered / total if total else 1.0)
    parts = [tr(f"{answered} of {total} answered", f"{total}문제 중 {answered}문제 답함")]
    if session.settings.mode == "practice" and answered:
        right = sum(r.grade.correct for r in session.responses.values())
        parts.append(tr(f"{right} right so far", f"지금까지 {right}문제 정답"))
    if session.settings.drill:
        parts.append(tr("confusables drill", "헷갈리는 개념 훈련"))
    elif session.settings.mode == "exam":
        parts.append(tr("exam: feedback at the end", "시험: 피드백은 마지막에"))
    st.caption(" · ".join(parts))
    if session.time_left(now()) is not None:
        timer(session)


@st.fragment(run_every=1.0)
def timer(session: QuizSession) -> None:
    left = session.time_left(now())
    if left is None:
        return
    minutes, seconds = divmod(int(left), 60)
    st.markdown(f":material/timer: **{minutes:02d}:{seconds:02d}** " + tr("left", "남음"))
    if left <= 0 and not session.finished:
        st.rerun(scope="app")  # the page finishes the exam


# --- the summary --------------------------------------------------------------------------------


def summary(session: QuizSession, content) -> None:
    here = lang()
    result = session.summary()
    total = result.total
    st.subheader(tr("Results", "결과"))
    a, b, c = st.columns(3)
    a.metric(tr("Score", "점수"), f"{total.percent:.0f}%")
    b.metric(tr("Right answers", "정답 수"), f"{total.correct}/{total.asked}")
    c.metric(tr("Answered", "답한 문제"), f"{total.answered}/{total.asked}")
    titles = {t.id: t.title.get(here) for t in content.topics}
    st.markdown(f"**{tr('Score per topic', '주제별 점수')}**")
    st.dataframe(
        {
            tr("Topic", "주제"): [titles.get(k, k) for k in result.by_topic],
            tr("Questions", "문제 수"): [v.asked for v in result.by_topic.values()],
            tr("Right", "정답"): [v.correct for v in result.by_topic.values()],
            tr("Score", "점수"): [f"{v.percent:.0f}%" for v in result.by_topic.values()],
        },
        hide_index=True, width="stretch",
    )
    st.caption(" · ".join(f"{widgets.type_name(k)} {v.correct}/{v.asked}" for k, v in result.by_type.items()))
    save_status()
    if session.skipped:
        st.caption(tr(f"Left out (could not be generated): {', '.join(session.skipped)}",
                      f"만들 수 없어 뺀 문제: {', '.join(session.skipped)}"))
    if result.missed:
        st.markdown(f"**{tr('Review the questions you missed', '틀린 문제 다시 보기')}** ({len(result.missed)})")
        for index in result.missed:
            item = session.items[index]
            response = session.responses.get(index)
            title = item.text(item.question.prompt).get(here).split("\n")[0]
            with st.expander(f"{index + 1}. {title[:110]}"):
                st.markdown(item.text(item.question.prompt).get(here))
                if response is None:
                    st.warning(tr("Not answered.", "답하지 않았습니다."))
                    widgets.show_answer(item, None)
                    continue
                widgets.verdict(response)
                widgets.show_answer(item, response)
                widgets.lessons(item, response)
                run = st.session_state.get(RUNS_KEY, {}).get(index)
                if run is not None:
                    from demos import get_demo

                    for i, fig in enumerate(get_demo(run.demo).figures(run.result, here)):
                        st.plotly_chart(fig, key=f"quiz-{session.id}-{index}-fig-{i}", width="stretch")
    else:
        st.success(tr("No mistakes: every answer was right.", "틀린 문제가 없습니다. 모두 맞혔습니다."))
    left, right = st.columns(2)
    if left.button(tr("New quiz", "새 퀴즈"), key="quiz-new", icon=":material/refresh:"):
        st.session_state.pop(SESSION_KEY, None)
        st.rerun()
    if result.missed and right.button(tr("Retry the missed questions", "틀린 문제 다시 풀기"), key="quiz-retry",
                                      icon=":material/replay:"):
        pool = [(session.items[i].topic_id, session.items[i].question) for i in result.missed]
        settings = QuizSettings(count=len(pool), mode=session.settings.mode, time_limit_s=session.settings.time_limit_s)
        start(content, settings, pool=pool)
        st.rerun()


# --- the page -----------------------------------------------------------------------------------


def render() -> None:
    st.title(tr("Quiz", "퀴즈"))
    content = current_content()
    session: QuizSession | None = st.session_state.get(SESSION_KEY)
    if session is None:
        setup(content)
        return
    if not session.items:
        st.warning(tr("No questions match these choices.", "조건에 맞는 문제가 없습니다."))
        st.session_state.pop(SESSION_KEY, None)
        setup(content)
        return
    if not session.finished and session.out_of_time(now()):
        session.finish(now())
        st.warning(tr("Time is up. Unanswered questions count as missed.", "시간이 끝났습니다. 답하지 않은 문제는 틀린 것으로 셉니다."))
    if session.finished:
        summary(session, content)
        return
    progress(session)
    if session.position in session.responses:
        feedback(session)
    else:
        ask(session)
    save_status()
    if st.button(tr("End the quiz now", "지금 퀴즈 끝내기"), key=f"quiz-{session.id}-end", icon=":material/stop:"):
        session.finish(now())
        st.rerun()
