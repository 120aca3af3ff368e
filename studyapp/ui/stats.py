"""Statistics: streak and headline numbers, review calendar, 30-day forecast, true retention
per week, mastery per topic. The numbers come from studyapp.srs.stats (as `studyapp stats`)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from studyapp import srs
from studyapp.srs import stats
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import lang, tr
from studyapp.ui.session import get_store, require_profile

WEEKDAYS = {"en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "ko": ["월", "화", "수", "목", "금", "토", "일"]}
LAYOUT = {"margin": {"t": 40, "b": 30, "l": 40, "r": 10}, "height": 260}


def calendar_figure(cal: stats.Calendar) -> go.Figure:
    here = lang()
    fig = go.Figure(go.Heatmap(
        z=cal.counts, x=[w.isoformat() for w in cal.weeks], y=WEEKDAYS[here], colorscale="Greens",
        xgap=2, ygap=2, hoverongaps=False, colorbar={"title": tr("reviews", "복습")},
        hovertemplate=tr("week of %{x}, %{y}: %{z} reviews", "%{x} 주 %{y}요일: 복습 %{z}건") + "<extra></extra>",
    ))
    fig.update_layout(title=tr("Reviews per day", "날짜별 복습 수"), yaxis={"autorange": "reversed"}, **LAYOUT)
    return fig


def forecast_figure(days: list) -> go.Figure:
    fig = go.Figure(go.Bar(x=[d.isoformat() for d, _ in days], y=[n for _, n in days],
                           marker_color="#4c78a8", name=tr("cards due", "복습 예정")))
    fig.update_layout(title=tr("Cards due in the next 30 days", "앞으로 30일간 복습할 카드"),
                      yaxis_title=tr("cards", "카드"), **LAYOUT)
    return fig


def retention_figure(weeks: list[stats.WeekRetention], target: float) -> go.Figure:
    fig = go.Figure(go.Bar(
        x=[w.week.isoformat() for w in weeks], y=[w.retention for w in weeks], customdata=[w.reviews for w in weeks],
        hovertemplate=tr("week of %{x}: %{y:.0%} of %{customdata} reviews", "%{x} 주: 복습 %{customdata}건 중 %{y:.0%}")
        + "<extra></extra>", marker_color="#54a24b", name=tr("true retention", "실제 기억률"),
    ))
    fig.add_hline(y=target, line_dash="dash", annotation_text=tr("desired", "목표"))
    if not weeks:
        fig.add_annotation(text=tr("No reviews of learned cards yet", "아직 익힌 카드의 복습이 없습니다"),
                           xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False)
        fig.update_xaxes(visible=False)
    fig.update_layout(title=tr("True retention per week", "주별 실제 기억률"), yaxis={"range": [0, 1], "tickformat": ".0%"},
                      **LAYOUT)
    return fig


def mastery_figure(topics: list[stats.TopicMastery], titles: dict[str, str]) -> go.Figure:
    fig = go.Figure(go.Bar(
        y=[titles.get(t.topic_id, t.topic_id) for t in topics], x=[t.mastery for t in topics], orientation="h",
        text=[f"{t.mastery:.0%} ({t.seen}/{t.cards})" for t in topics], textposition="auto", marker_color="#f58518",
    ))
    fig.update_layout(title=tr("Mastery per topic (mean recall probability now)", "주제별 숙달도 (지금 기억할 확률의 평균)"),
                      xaxis={"range": [0, 1], "tickformat": ".0%"}, **{**LAYOUT, "height": 120 + 40 * len(topics)})
    return fig


def render() -> None:
    here = lang()
    st.title(tr("Statistics", "통계"))
    profile = require_profile()
    if profile is None:
        return
    store, content = get_store(), current_content()
    now = srs.utcnow()
    settings = srs.load_settings(store, profile.id)
    cards = srs.flashcards(content, include_reversed=settings.include_reversed)
    states = store.card_states(profile.id)
    reviews = store.reviews(profile.id)
    queue = srs.build_queue(cards, states, now, new_limit=settings.new_per_day,
                            new_seen_today=store.new_cards_since(profile.id, srs.day_start(now)))
    numbers = stats.headline(cards=cards, states=states, reviews=reviews, queue=queue, settings=settings, now=now)

    st.caption(tr(f"Profile {profile.name} · days are UTC days", f"프로필 {profile.name} · 날짜는 UTC 기준"))
    row = st.columns(5)
    days = numbers["streak_days"]
    row[0].metric(tr("Streak", "연속 학습"), tr(f"{days} day" + ("" if days == 1 else "s"), f"{days}일"))
    row[1].metric(tr("Reviews today", "오늘 복습"), numbers["reviews_today"])
    row[2].metric(tr("Due now", "지금 복습할 카드"), numbers["due_now"])
    retention = numbers["true_retention_30d"]
    row[3].metric(tr("True retention (30 d)", "실제 기억률 (30일)"), "—" if retention is None else f"{retention:.0%}",
                  help=tr("Share of reviews of learned cards not rated Again.",
                          "이미 익힌 카드의 복습 중 '다시'를 누르지 않은 비율입니다."))
    row[4].metric(tr("Mastery", "숙달도"), "—" if numbers["mastery"] is None else f"{numbers['mastery']:.0%}")

    if not reviews:
        st.info(tr("No reviews yet: the charts fill in as you study flashcards.",
                   "아직 복습 기록이 없습니다. 플래시카드를 공부하면 그래프가 채워집니다."))
    st.plotly_chart(calendar_figure(stats.calendar(reviews, srs.utc_day(now))), key="stats-calendar", width="stretch")
    left, right = st.columns(2)
    current = {c.key for c in cards}  # cards removed from the content no longer come due
    with left:
        st.plotly_chart(forecast_figure(stats.forecast([s for k, s in states.items() if k in current], now)),
                        key="stats-forecast", width="stretch")
    with right:
        st.plotly_chart(retention_figure(stats.weekly_retention(reviews), settings.desired_retention),
                        key="stats-retention", width="stretch")
    titles = {t.id: t.title.get(here) for t in content.topics}
    st.plotly_chart(mastery_figure(stats.mastery(cards, states, settings, now), titles), key="stats-mastery",
                    width="stretch")

    removed = numbers["removed_cards_with_history"]
    if removed:
        counts = {}
        for review in reviews:
            counts[review.card_key] = counts.get(review.card_key, 0) + 1
        with st.expander(tr(f"Cards no longer in the content ({len(removed)}): history kept",
                            f"콘텐츠에서 빠진 카드 ({len(removed)}장): 기록은 보존됨")):
            st.dataframe({tr("card", "카드"): removed, tr("reviews", "복습 수"): [counts.get(k, 0) for k in removed]},
                         hide_index=True)
    st.caption(tr("The same numbers in a terminal: `studyapp stats --json`", "터미널에서 같은 수치 보기: `studyapp stats --json`"))

