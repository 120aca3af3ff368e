"""Flashcard review: due cards, then new ones; flip, rate (Again/Hard/Good/Easy), undo.

Keys: Space shows the answer, 1-4 rate, U takes back the last rating. The scheduling is
FSRS (studyapp.srs); this page only draws the queue and forwards button presses.
"""

from __future__ import annotations

import time

import streamlit as st

from studyapp import srs
from studyapp.srs.timefmt import format_interval
from studyapp.ui.content_cache import current_content
from studyapp.ui.flashcard import RATING_KEYS, back, caption, empty_state, front
from studyapp.ui.srs_settings import settings_panel
from studyapp.ui.i18n import lang, t
from studyapp.ui.session import get_store, require_profile


def _session(profile_id: int) -> dict:
    """This browser session's review state for one profile."""
    sessions = st.session_state.setdefault("review-sessions", {})
    return sessions.setdefault(profile_id, {"done": 0, "undo": [], "flipped": False, "current": None,
                                            "shown_at": None, "extra_new": 0, "message": None})


# --- button callbacks (run before the page is redrawn) -------------------------------------


def _flip(profile_id: int) -> None:
    _session(profile_id)["flipped"] = True


def _rate(profile_id: int, card_key: str, rating: srs.Rating) -> None:
    state = _session(profile_id)
    shown = state.get("shown_at")
    duration = int((time.monotonic() - shown) * 1000) if shown else None
    try:
        review = srs.review_card(get_store(), profile_id, card_key, rating, srs.utcnow(), duration_ms=duration)
    except srs.StoreError as exc:
        state["message"] = ("error", str(exc))
        return
    state["undo"].append(review.id)
    state.update(done=state["done"] + 1, flipped=False, current=None, shown_at=None, message=None)


def _undo(profile_id: int) -> None:
    state = _session(profile_id)
    if not state["undo"]:
        return
    try:
        review = srs.undo_review(get_store(), profile_id, state["undo"].pop())
    except srs.StoreError as exc:  # NotUndoable included
        state["message"] = ("warning", str(exc))
        return
    # Back to that card, question side up, as if the rating never happened.
    state.update(done=max(0, state["done"] - 1), flipped=False, current=review.card_key, shown_at=None,
                 message=("info", t("last_rating_undone")))


def _more_new(profile_id: int, step: int) -> None:
    _session(profile_id)["extra_new"] += step


# --- the page ----------------------------------------------------------------------------------


def render() -> None:
    here = lang()
    st.title(t("flashcards"))
    profile = require_profile()
    if profile is None:
        return
    content = current_content()
    session = _session(profile.id)
    titles = {tp.id: tp.title.get(here) for tp in content.topics}
    chosen = st.multiselect(t("review_topics"), list(titles), format_func=titles.__getitem__, key="review-topics",
                            placeholder=t("all_topics"))
    today = srs.study_queue(get_store(), profile.id, content, srs.utcnow(), topics=chosen,
                            extra_new=session["extra_new"])
    queue = today.queue

    left = len(queue)
    total = session["done"] + left
    st.progress(session["done"] / total if total else 1.0,
                text=t("review_progress", done=session["done"], left=left, due=len(queue.due), new=len(queue.new)))
    if session["message"]:
        kind, text = session["message"]
        getattr(st, kind)(text)
        session["message"] = None

    if session["undo"]:
        st.button(t("undo_last_rating"), on_click=_undo, args=(profile.id,), key="review-undo",
                  icon=":material/undo:", shortcut="U")

    if not queue:
        empty_state(today, today.selected(chosen), lambda step: _more_new(profile.id, step))
        settings_panel(get_store(), profile, today.settings)
        return

    by_key = {c.key: c for c in queue.cards}
    if session["current"] not in by_key:
        session.update(current=queue.cards[0].key, flipped=False, shown_at=None)
    flashcard = by_key[session["current"]]
    if session["shown_at"] is None:
        session["shown_at"] = time.monotonic()
    state = today.states.get(flashcard.key)
    preview = srs.preview(state, today.settings, today.now)

    st.caption(caption(flashcard, state, preview, titles))
    front(flashcard)
    if not session["flipped"]:
        st.button(t("show_answer"), type="primary", on_click=_flip, args=(profile.id,),
                  key="review-flip", shortcut="Space", width="stretch")
    else:
        back(flashcard, {c.id: c.term for c in content.cards()})
        for column, rating in zip(st.columns(4), srs.RATINGS):
            label = f"{t(RATING_KEYS[rating])} · {format_interval(preview.intervals[rating], here)}"
            column.button(label, key=f"review-rate-{int(rating)}", on_click=_rate,
                          args=(profile.id, flashcard.key, rating), shortcut=str(int(rating)), width="stretch",
                          type="primary" if rating == srs.Rating.Good else "secondary")
        st.caption(t("intervals_note"))
    st.caption(t("review_keys"))
    settings_panel(get_store(), profile, today.settings)
