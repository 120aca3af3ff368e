"""A question's header, and what the learner sees after answering: the verdict and why."""

from __future__ import annotations

import streamlit as st

from studyapp.content.questions import question_model
from studyapp.quiz import Item, Response
from studyapp.ui.i18n import lang, t


def type_name(kind: str) -> str:
    return question_model(kind).label.get(lang())


def prompt(item: Item, number: int, total: int) -> None:
    st.caption(f"{t('question')} {number}/{total} · {type_name(item.type)}")
    st.markdown(f"#### {item.text(item.question.prompt).get(lang())}")


def verdict(response: Response) -> None:
    grade = response.grade
    if grade.correct:
        st.success(t("correct"), icon=":material/check_circle:")
    elif grade.score > 0:
        st.warning(t("partly_right", score=grade.score), icon=":material/rule:")
    else:
        st.error(t("not_quite"), icon=":material/cancel:")


def lessons(item: Item, response: Response) -> None:
    """Why: the explanations tied to this answer, then the question's own explanation."""
    here = lang()
    grade = response.grade
    if grade.note is not None:
        st.info(grade.note.get(here), icon=":material/info:")
    texts = [item.text(text).get(here) for text in grade.lessons]
    explanation = item.text(item.question.explanation)
    if explanation is not None:
        texts.append(explanation.get(here))
    if texts:
        st.markdown(f"**{t('why')}**")
        st.markdown("\n\n".join(f"> {text}" for text in dict.fromkeys(texts)))
