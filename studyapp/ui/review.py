"""Flashcard review: due cards, then new ones; flip, rate (Again/Hard/Good/Easy), undo.

Keys: Space shows the answer, 1-4 rate, U takes back the last rating. The scheduling is
FSRS (studyapp.srs); this page only draws the queue and forwards button presses.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import streamlit as st

from studyapp import srs
from studyapp.srs import optimize
from studyapp.srs.settings import NEW_PER_DAY_RANGE, RETENTION_RANGE
from studyapp.srs.timefmt import format_interval
from studyapp.store import NotUndoable, Profile, StoreError
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import lang, tr
from studyapp.ui.session import get_store, require_profile

RATING_NAMES = {
    srs.Rating.Again: ("Again", "다시"),
    srs.Rating.Hard: ("Hard", "어려움"),
    srs.Rating.Good: ("Good", "알맞음"),
    srs.Rating.Easy: ("Easy", "쉬움"),
}
STATE_NAMES = {1: ("learning", "학습 중"), 2: ("review", "복습"), 3: ("relearning", "재학습")}
EXTRA_NEW_STEP = 10


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
    except StoreError as exc:
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
    except (NotUndoable, StoreError) as exc:
        state["message"] = ("warning", str(exc))
        return
    # Back to that card, question side up, as if the rating never happened.
    state.update(done=max(0, state["done"] - 1), flipped=False, current=review.card_key, shown_at=None,
                 message=("info", tr("Last rating undone.", "마지막 평가를 취소했습니다.")))


def _more_new(profile_id: int) -> None:
    _session(profile_id)["extra_new"] += EXTRA_NEW_STEP


# --- drawing ---------------------------------------------------------------------------------


def _local(moment: datetime) -> str:
    """A time in the browser's time zone when Streamlit knows it, else UTC."""
    try:
        zone = ZoneInfo(st.context.timezone) if st.context.timezone else timezone.utc
    except Exception:  # an unknown zone name from the browser: UTC is still correct
        zone = timezone.utc
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M") + ("" if zone is not timezone.utc else " UTC")


def _front(flashcard: srs.Flashcard) -> None:
    here, card = lang(), flashcard.card
    other = "en" if here == "ko" else "ko"
    with st.container(border=True):
        if flashcard.reverse:
            st.caption(tr("Which term is this?", "어떤 용어일까요?"))
            st.markdown(f"#### {card.definition.get(here)}")
        else:
            st.markdown(f"## {card.term.get(here)}")
            st.markdown(f"### {card.term.get(other)}")


def _back(flashcard: srs.Flashcard, names: dict) -> None:
    here, card = lang(), flashcard.card
    with st.container(border=True):
        if flashcard.reverse:
            st.markdown(f"## {card.term.get(here)}")
            st.markdown(f"### {card.term.get('en' if here == 'ko' else 'ko')}")
        else:
            st.markdown(card.definition.get(here))
        if card.formula:
            st.latex(card.formula)
        if card.example:
            st.markdown(f"**{tr('Example', '예시')}:** {card.example.get(here)}")
        if card.confused_with:
            lines = [f"- **{names[c.card].get(here) if c.card in names else c.card}**: {c.difference.get(here)}"
                     for c in card.confused_with]
            st.markdown(f"**{tr('Often confused with', '자주 헷갈리는 용어')}**\n\n" + "\n".join(lines))


def _card_caption(flashcard: srs.Flashcard, state, preview: srs.Preview, topic_titles: dict) -> str:
    parts = [topic_titles.get(flashcard.topic_id, flashcard.topic_id)]
    if flashcard.reverse:
        parts.append(tr("reversed", "역방향"))
    if state is None:
        parts.append(tr("new card", "새 카드"))
    else:
        en, ko = STATE_NAMES.get(state.state, ("?", "?"))
        parts.append(tr(en, ko))
    if preview.recall is not None:
        parts.append(tr(f"recall probability now {preview.recall:.0%}", f"지금 기억할 확률 {preview.recall:.0%}"))
    return " · ".join(parts)


def _empty_state(profile: Profile, queue: srs.Queue, selected: int, now: datetime) -> None:
    here = lang()
    if selected == 0:
        st.info(tr("These topics have no flashcards.", "이 주제들에는 플래시카드가 없습니다."))
        return
    st.success(tr("Nothing to review right now. Well done!", "지금 복습할 카드가 없습니다. 잘하셨어요!"))
    if queue.next_due is not None:
        wait = format_interval(queue.next_due - now, here)
        st.markdown(tr(f"The next card is due in **{wait}** ({_local(queue.next_due)}).",
                       f"다음 카드는 **{wait}** 뒤({_local(queue.next_due)})에 돌아옵니다."))
    if queue.new_waiting and queue.new_left_today == 0:
        st.markdown(tr(f"Today's new cards are done; **{queue.new_waiting}** more new cards wait for the coming days.",
                       f"오늘의 새 카드를 다 봤습니다. 새 카드 **{queue.new_waiting}**장이 다음 날들을 기다립니다."))
        st.button(tr(f"Learn {EXTRA_NEW_STEP} more new cards today", f"오늘 새 카드 {EXTRA_NEW_STEP}장 더 배우기"),
                  on_click=_more_new, args=(profile.id,), key="more-new")
    st.caption(tr("Your progress over time is on the Statistics page.", "학습 기록은 통계 페이지에서 볼 수 있습니다."))


def _settings_panel(profile: Profile, settings: srs.Settings) -> None:
    store = get_store()
    with st.expander(tr("Scheduler settings", "스케줄러 설정"), icon=":material/tune:"):
        with st.form("srs-settings", border=False):
            retention = st.slider(
                tr("Desired retention", "목표 기억률"), RETENTION_RANGE[0], RETENTION_RANGE[1],
                float(settings.desired_retention), step=0.01, key="srs-retention",
                help=tr("The chance of recalling a card when it comes due. Higher means more reviews.",
                        "카드가 돌아왔을 때 기억하고 있을 확률입니다. 높일수록 복습이 많아집니다."))
            new_per_day = st.number_input(tr("New cards per day", "하루 새 카드 수"), NEW_PER_DAY_RANGE[0],
                                          NEW_PER_DAY_RANGE[1], int(settings.new_per_day), step=1, key="srs-new-per-day")
            reversed_ = st.toggle(tr("Also study reversed cards (definition → term)", "역방향 카드도 학습 (정의 → 용어)"),
                                  value=settings.include_reversed, key="srs-reversed")
            if st.form_submit_button(tr("Save settings", "설정 저장")):
                srs.save_settings(store, profile.id, replace(settings, desired_retention=float(retention),
                                                             new_per_day=int(new_per_day), include_reversed=reversed_))
                st.rerun()
        reviews = store.reviews(profile.id)
        usable = optimize.countable_reviews(reviews)
        st.markdown(f"**{tr('Personal FSRS parameters', '개인 FSRS 파라미터')}**")
        if settings.parameters is not None:
            st.caption(tr(f"In use: fitted to your {settings.optimized_on} reviews.",
                          f"사용 중: 내 복습 {settings.optimized_on}건에 맞춘 값."))
        st.caption(tr(f"Reviews the optimizer can learn from: {usable} (needs {optimize.MIN_REVIEWS}).",
                      f"최적화에 쓸 수 있는 복습: {usable}건 (필요: {optimize.MIN_REVIEWS}건)."))
        if st.button(tr("Optimize my parameters", "내 파라미터 최적화"), disabled=usable < optimize.MIN_REVIEWS,
                     key="srs-optimize"):
            with st.spinner(tr("Fitting FSRS to your review history…", "복습 기록에 FSRS를 맞추는 중…")):
                result = optimize.optimize_profile(store, profile.id)
            st.success(tr(f"Fitted on {result.reviews_used} reviews; used from your next rating on.",
                          f"복습 {result.reviews_used}건으로 맞췄습니다. 다음 평가부터 적용됩니다."))


def render() -> None:
    here = lang()
    st.title(tr("Flashcards", "플래시카드"))
    profile = require_profile()
    if profile is None:
        return
    store, content = get_store(), current_content()
    settings = srs.load_settings(store, profile.id)
    session = _session(profile.id)
    now = srs.utcnow()

    titles = {t.id: t.title.get(here) for t in content.topics}
    chosen = st.multiselect(tr("Topics (none chosen = all)", "주제 (선택 안 하면 전체)"), list(titles),
                            format_func=titles.__getitem__, key="review-topics")
    cards = srs.flashcards(content, include_reversed=settings.include_reversed)
    states = store.card_states(profile.id)
    queue = srs.build_queue(cards, states, now, new_limit=settings.new_per_day + session["extra_new"],
                            new_seen_today=store.new_cards_since(profile.id, srs.day_start(now)), topics=chosen)
    selected = sum(1 for c in cards if not chosen or c.topic_id in chosen)

    left = len(queue)
    total = session["done"] + left
    st.progress(session["done"] / total if total else 1.0,
                text=tr(f"{session['done']} done · {left} left ({len(queue.due)} due, {len(queue.new)} new)",
                        f"{session['done']}장 완료 · {left}장 남음 (복습 {len(queue.due)}, 새 카드 {len(queue.new)})"))
    if session["message"]:
        kind, text = session["message"]
        getattr(st, kind)(text)
        session["message"] = None

    if session["undo"]:
        st.button(tr("Undo last rating", "마지막 평가 취소"), on_click=_undo, args=(profile.id,), key="review-undo",
                  icon=":material/undo:", shortcut="U")

    if not queue:
        _empty_state(profile, queue, selected, now)
        _settings_panel(profile, settings)
        return

    by_key = {c.key: c for c in queue.cards}
    if session["current"] not in by_key:
        session.update(current=queue.cards[0].key, flipped=False, shown_at=None)
    flashcard = by_key[session["current"]]
    if session["shown_at"] is None:
        session["shown_at"] = time.monotonic()
    state = states.get(flashcard.key)
    preview = srs.preview(state, settings, now)

    st.caption(_card_caption(flashcard, state, preview, titles))
    _front(flashcard)
    if not session["flipped"]:
        st.button(tr("Show answer", "정답 보기"), type="primary", on_click=_flip, args=(profile.id,),
                  key="review-flip", shortcut="Space", width="stretch")
    else:
        _back(flashcard, {c.id: c.term for c in content.cards()})
        columns = st.columns(4)
        for column, rating in zip(columns, srs.RATINGS):
            en, ko = RATING_NAMES[rating]
            label = f"{tr(en, ko)} · {format_interval(preview.intervals[rating], here)}"
            column.button(label, key=f"review-rate-{int(rating)}", on_click=_rate,
                          args=(profile.id, flashcard.key, rating), shortcut=str(int(rating)), width="stretch",
                          type="primary" if rating == srs.Rating.Good else "secondary")
        st.caption(tr("Intervals are FSRS's plan for each answer; the real due date may vary by a day.",
                      "간격은 답마다 FSRS가 잡은 다음 복습 시점이며, 실제 날짜는 하루쯤 달라질 수 있습니다."))
    st.caption(tr("Keys: Space shows the answer · 1 Again · 2 Hard · 3 Good · 4 Easy · U undoes",
                  "단축키: Space 정답 보기 · 1 다시 · 2 어려움 · 3 알맞음 · 4 쉬움 · U 취소"))
    _settings_panel(profile, settings)

