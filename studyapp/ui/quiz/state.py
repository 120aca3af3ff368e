"""What the quiz page keeps in st.session_state, starting a quiz, and saving its answers."""

from __future__ import annotations

import logging
import secrets
from typing import Callable

import streamlit as st

from studyapp.quiz import QuizSession, QuizSettings, build_session
from studyapp.quiz.results import record_answer
from studyapp.srs import utcnow
from studyapp.ui.i18n import t
from studyapp.ui.session import current_profile, get_store

log = logging.getLogger(__name__)
SESSION_KEY = "quiz"
RUNS_KEY = "quiz-runs"  # item index -> the demo run that graded a prediction
SAVE_KEY = "quiz-save"  # what was stored for this session, and why not when it was not
SEED_KEY = "quiz-next-seed"  # tests may set it; otherwise every new quiz draws a fresh seed


def _generators():
    from demos.generators import GENERATORS  # the demos layer: it runs PyTorch

    return GENERATORS


def _new_record(session: QuizSession) -> dict:
    return {"session": session.id, "rated": set(), "saved": 0, "problem": None}


def start(content, settings: QuizSettings, clock: Callable[[], float], pool=None) -> None:
    seed = st.session_state.pop(SEED_KEY, None)
    seed = int(seed) if seed is not None else secrets.randbelow(2**31)
    pool = pool if pool is not None else [(tp.id, q) for tp in content.topics for q in tp.questions]
    cards = [(tp.id, c) for tp in content.topics for c in tp.cards]
    session = build_session(pool, settings, seed=seed, now=clock(), generators=_generators(), cards=cards)
    st.session_state[SESSION_KEY] = session
    st.session_state[RUNS_KEY] = {}
    st.session_state[SAVE_KEY] = _new_record(session)


def runs() -> dict:
    """Item index -> the demo run that graded that prediction."""
    return st.session_state.setdefault(RUNS_KEY, {})


def save(session: QuizSession, index: int) -> None:
    """Store the answer and feed the flashcard scheduler; never let storage break the quiz."""
    record = st.session_state.setdefault(SAVE_KEY, _new_record(session))
    try:
        profile = current_profile()
        if profile is None:
            record["problem"] = t("not_saved_no_profile")
            return
        record_answer(get_store(), profile.id, session, index, at=utcnow(), rated=record["rated"])
        record["saved"] += 1
        record["problem"] = None
    except Exception as exc:  # a locked or broken database: say so, keep quizzing
        log.exception("could not save a quiz attempt")
        record["problem"] = t("not_saved_because", error=exc)


def save_status() -> None:
    record = st.session_state.get(SAVE_KEY) or {}
    if record.get("problem"):
        st.caption(f":material/cloud_off: {record['problem']}")
    elif record.get("saved"):
        st.caption(t("answers_saved", saved=record["saved"], rated=len(record["rated"])))
