"""How the Flashcards page draws a card (front, back, caption) and an empty queue."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

import streamlit as st

from studyapp import srs
from studyapp.srs.timefmt import format_interval
from studyapp.ui.cards import details
from studyapp.ui.i18n import lang, t

RATING_KEYS = {srs.Rating.Again: "rating_again", srs.Rating.Hard: "rating_hard", srs.Rating.Good: "rating_good",
               srs.Rating.Easy: "rating_easy"}
STATE_KEYS = {1: "state_learning", 2: "state_review", 3: "state_relearning"}
EXTRA_NEW_STEP = 10


def _local(moment: datetime) -> str:
    """A time in the browser's time zone when Streamlit knows it, else UTC."""
    try:
        zone = ZoneInfo(st.context.timezone) if st.context.timezone else timezone.utc
    except Exception:  # an unknown zone name from the browser: UTC is still correct
        zone = timezone.utc
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M") + ("" if zone is not timezone.utc else " UTC")


def front(flashcard: srs.Flashcard) -> None:
    here, card = lang(), flashcard.card
    with st.container(border=True):
        if flashcard.translate:
            st.caption(t(f"term_card_question_{flashcard.translate}"))
            st.markdown(f"## {flashcard.shown_term()}")
        elif flashcard.reverse:
            st.caption(t("which_term"))
            st.markdown(f"#### {card.definition.get(here)}")
        else:
            st.markdown(f"## {card.term.get(here)}")
            st.markdown(f"### {card.term.other(here)}")


def back(flashcard: srs.Flashcard, terms: dict) -> None:
    here, card = lang(), flashcard.card
    with st.container(border=True):
        if flashcard.translate:
            st.markdown(f"## {flashcard.asked_term()}")
            st.markdown(card.definition.get(here))
            return
        if flashcard.reverse:
            st.markdown(f"## {card.term.get(here)}")
            st.markdown(f"### {card.term.other(here)}")
        else:
            st.markdown(card.definition.get(here))
        details(card, terms, pitfalls=False)


def caption(flashcard: srs.Flashcard, state, preview: srs.Preview, topic_titles: dict) -> str:
    parts = [topic_titles.get(flashcard.topic_id, flashcard.topic_id)]
    if flashcard.reverse:
        parts.append(t("reversed"))
    if flashcard.translate:
        parts.append(t(f"term_card_{flashcard.translate}"))
    if state is None:
        parts.append(t("new_card"))
    else:
        key = STATE_KEYS.get(state.state)
        parts.append(t(key) if key else "?")
    if preview.recall is not None:
        parts.append(t("recall_now", recall=preview.recall))
    return " · ".join(parts)


def empty_state(today: srs.Study, selected: int, more_new: Callable[[int], None]) -> None:
    queue = today.queue
    if selected == 0:
        st.info(t("no_flashcards"))
        return
    st.success(t("nothing_to_review"))
    if queue.next_due is not None:
        wait = format_interval(queue.next_due - today.now, lang())
        st.markdown(t("next_card_due", wait=wait, at=_local(queue.next_due)))
    if queue.new_waiting and queue.new_left_today == 0:
        st.markdown(t("new_cards_done", n=queue.new_waiting))
        st.button(t("learn_more_new", n=EXTRA_NEW_STEP), on_click=more_new, args=(EXTRA_NEW_STEP,), key="more-new")
    st.caption(t("progress_on_stats"))
