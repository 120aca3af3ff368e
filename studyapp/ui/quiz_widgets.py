"""Each question type's widget (asking) and review (after grading), for the quiz page.

Widgets show options in the item's seeded order but return answers in the graders' terms
(indexes into the topic file, item ids), so what is shown and what is graded never disagree.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from studyapp.content.questions import fmt
from studyapp.quiz.session import Item, Response
from studyapp.ui.i18n import lang, tr

TYPE_NAMES: dict[str, tuple[str, str]] = {
    "single_choice": ("Single choice", "단일 선택"),
    "multi_choice": ("Multiple choice", "복수 선택"),
    "true_false": ("True or false", "참/거짓"),
    "ordering": ("Ordering", "순서 맞추기"),
    "matching": ("Matching", "짝 맞추기"),
    "odd_one_out": ("Odd one out", "다른 하나 찾기"),
    "typed": ("Typed answer", "직접 입력"),
    "numeric": ("Numeric", "수치 계산"),
    "predict_then_run": ("Predict, then run", "예측 후 실행"),
}

HINTS: dict[str, tuple[str, str]] = {
    "single_choice": ("Choose one answer.", "답을 하나 고르세요."),
    "multi_choice": ("Select every answer that applies.", "해당하는 답을 모두 고르세요."),
    "true_false": ("Is the statement true or false?", "이 문장은 참일까요, 거짓일까요?"),
    "ordering": ("Choose the step for each position, first to last.", "첫 단계부터 마지막 단계까지, 각 자리에 올 단계를 고르세요."),
    "matching": ("Choose the match for each item on the left.", "왼쪽의 각 항목에 맞는 짝을 고르세요."),
    "odd_one_out": ("Which one does not belong with the others?", "나머지와 어울리지 않는 하나는 무엇일까요?"),
    "typed": ("Type your answer; small typos are forgiven.", "답을 입력하세요. 사소한 오타는 정답으로 인정합니다."),
    "numeric": ("Enter a number.", "숫자를 입력하세요."),
    "predict_then_run": ("Make your prediction; then the demo runs and its own measurement decides.",
                         "예측을 고르세요. 그다음 데모가 실행되고, 데모가 측정한 값으로 채점합니다."),
}


def type_name(kind: str) -> str:
    en, ko = TYPE_NAMES.get(kind, (kind, kind))
    return tr(en, ko)


def true_false_label(value: bool) -> str:
    return tr("True", "참") if value else tr("False", "거짓")


# --- asking ---------------------------------------------------------------------------------


def ask(item: Item, key: str) -> tuple[Any, str | None]:
    """Draw the answer widgets (inside the question's form); return (answer, problem).

    `problem` says why the answer cannot be graded yet (nothing chosen, a step used twice).
    """
    here = lang()
    q = item.question
    kind = q.type
    label = tr("Your answer", "내 답")
    if kind in ("single_choice", "odd_one_out", "predict_then_run"):
        choice = st.radio(label, options=list(item.order), index=None, key=key,
                          format_func=lambda i: q.choices[i].text.get(here))
        return choice, None if choice is not None else tr("Choose an answer first.", "먼저 답을 고르세요.")
    if kind == "multi_choice":
        picked = [i for i in item.order if st.checkbox(q.choices[i].text.get(here), key=f"{key}-{i}")]
        return sorted(picked), None
    if kind == "true_false":
        labels = {True: true_false_label(True), False: true_false_label(False)}  # in this run's language
        choice = st.radio(label, options=[True, False], index=None, key=key, horizontal=True, format_func=labels.get)
        return choice, None if choice is not None else tr("Choose true or false first.", "먼저 참 또는 거짓을 고르세요.")
    if kind == "ordering":
        ids = [q.items[i].id for i in item.order]
        text = {it.id: it.text.get(here) for it in q.items}
        chosen = [
            st.selectbox(f"{position + 1}.", options=ids, index=position, key=f"{key}-{position}", format_func=text.get)
            for position in range(len(ids))
        ]
        if len(set(chosen)) != len(chosen):
            return chosen, tr("Each step may appear only once.", "각 단계는 한 번씩만 쓸 수 있습니다.")
        return chosen, None
    if kind == "matching":
        rights = [p.right for p in q.pairs] + [d.text for d in q.distractors]
        if q.left_label or q.right_label:
            st.caption(" → ".join(t.get(here) for t in (q.left_label, q.right_label) if t))
        chosen = [
            st.selectbox(pair.left.get(here), options=list(item.order), index=None, key=f"{key}-{i}",
                         format_func=lambda r: rights[r].get(here), placeholder=tr("Choose a match", "짝을 고르세요"))
            for i, pair in enumerate(q.pairs)
        ]
        if any(c is None for c in chosen):
            return chosen, tr("Choose a match for every item.", "모든 항목의 짝을 고르세요.")
        return chosen, None
    if kind == "typed":
        typed = st.text_input(label, key=key)
        return typed, None if typed.strip() else tr("Type an answer first.", "먼저 답을 입력하세요.")
    if kind == "numeric":
        if item.values:
            shown = ", ".join(f"{name} = {fmt(value)}" for name, value in item.values.items() if name in q.varying())
            st.caption(tr(f"Drawn for this attempt: {shown}", f"이번 문제에 뽑힌 값: {shown}"))
        whole = q.tolerance == 0 and q.rel_tolerance == 0 and float(item.right_answer()).is_integer()
        unit = f" ({q.unit.get(here)})" if q.unit else ""
        if whole:
            number = st.number_input(label + unit, value=None, step=1, format="%d", key=key)
        else:
            number = st.number_input(label + unit, value=None, step=0.01, format="%g", key=key)
        return number, None if number is not None else tr("Enter a number first.", "먼저 숫자를 입력하세요.")
    raise ValueError(f"no widget for question type {kind!r}")


# --- reviewing ------------------------------------------------------------------------------


def verdict(response: Response) -> None:
    grade = response.grade
    if grade.correct:
        st.success(tr("Correct!", "정답입니다!"), icon=":material/check_circle:")
    elif grade.score > 0:
        st.warning(tr(f"Partly right: {grade.score:.0%} of the credit.", f"부분 정답: 배점의 {grade.score:.0%}."),
                   icon=":material/rule:")
    else:
        st.error(tr("Not quite.", "아쉽지만 틀렸습니다."), icon=":material/cancel:")


def _mark(right: bool, chosen: bool) -> str:
    if right and chosen:
        return ":green[✔]"
    if right:
        return ":green[○]"
    if chosen:
        return ":red[✘]"
    return "·"


def show_answer(item: Item, response: Response | None) -> None:
    """The learner's answer next to the right one, in the type's own terms."""
    here = lang()
    q = item.question
    answer = response.answer if response else None
    kind = q.type
    if kind in ("single_choice", "odd_one_out", "multi_choice"):
        picked = set(answer if isinstance(answer, list) else [answer])
        lines = [f"- {_mark(q.choices[i].correct, i in picked)} {q.choices[i].text.get(here)}" for i in item.order]
        st.markdown("\n".join(lines))
        st.caption(tr("✔ your right pick · ✘ your wrong pick · ○ a right answer you did not pick",
                      "✔ 맞게 고른 답 · ✘ 잘못 고른 답 · ○ 고르지 않은 정답"))
    elif kind == "true_false":
        mine = true_false_label(answer) if isinstance(answer, bool) else "—"
        st.markdown(tr(f"Your answer: **{mine}** · right answer: **{true_false_label(q.answer)}**",
                       f"내 답: **{mine}** · 정답: **{true_false_label(q.answer)}**"))
    elif kind == "ordering":
        text = {it.id: it.text.get(here) for it in q.items}
        mine = answer or []
        lines = [f"{n + 1}. {_mark(True, True) if n < len(mine) and mine[n] == want else ':red[✘]'} {text[want]}"
                 + ("" if n < len(mine) and mine[n] == want else f" — {tr('you put', '내 답')}: *{text.get(mine[n], '—') if n < len(mine) else '—'}*")
                 for n, want in enumerate(q.answer)]
        st.markdown(tr("**The right order**", "**올바른 순서**") + "\n\n" + "\n".join(lines))
    elif kind == "matching":
        rights = [p.right for p in q.pairs] + [d.text for d in q.distractors]
        mine = answer or [None] * len(q.pairs)
        rows = []
        for i, pair in enumerate(q.pairs):
            got = mine[i]
            ok = got == i
            chosen = rights[got].get(here) if got is not None else "—"
            rows.append(f"- {_mark(True, True) if ok else ':red[✘]'} **{pair.left.get(here)}** → {pair.right.get(here)}"
                        + ("" if ok else f" ({tr('you chose', '내 답')}: *{chosen}*)"))
        st.markdown("\n".join(rows))
    elif kind == "typed":
        others = ", ".join(dict.fromkeys([q.answer.get(here), *q.accepted()]))
        st.markdown(tr(f"Your answer: **{answer or '—'}** · accepted: {others}",
                       f"내 답: **{answer or '—'}** · 인정되는 답: {others}"))
    elif kind == "numeric":
        right = item.right_answer()
        unit = f" {q.unit.get(here)}" if q.unit else ""
        mine = fmt(answer) if isinstance(answer, (int, float)) else "—"
        st.markdown(tr(f"Your answer: **{mine}**{unit} · right answer: **{fmt(right)}**{unit}",
                       f"내 답: **{mine}**{unit} · 정답: **{fmt(right)}**{unit}"))
    elif kind == "predict_then_run":
        lines = []
        metrics = response.metrics if response else None
        for i in item.order:
            choice = q.choices[i]
            happened = metrics is not None and choice.condition.metric in metrics and choice.condition.holds(float(metrics[choice.condition.metric]))
            lines.append(f"- {_mark(happened, i == answer)} {choice.text.get(here)} `{choice.when}`")
        st.markdown("\n".join(lines))
        st.caption(tr("✔ your prediction came true · ✘ your prediction · ○ what the demo did",
                      "✔ 맞은 예측 · ✘ 내 예측 · ○ 데모에서 실제로 일어난 일"))


def lessons(item: Item, response: Response) -> None:
    """Why: the explanations tied to this answer, then the question's own explanation."""
    here = lang()
    grade = response.grade
    if grade.note is not None:
        st.info(grade.note.get(here), icon=":material/info:")
    texts = [item.text(t).get(here) for t in grade.lessons]
    explanation = item.text(item.question.explanation)
    if explanation is not None:
        texts.append(explanation.get(here))
    if texts:
        st.markdown(f"**{tr('Why', '설명')}**")
        st.markdown("\n\n".join(f"> {text}" for text in dict.fromkeys(texts)))


def prompt(item: Item, number: int, total: int) -> None:
    here = lang()
    st.caption(f"{tr('Question', '문제')} {number}/{total} · {type_name(item.type)}")
    st.markdown(f"#### {item.text(item.question.prompt).get(here)}")
