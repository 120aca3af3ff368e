"""Statistics: streak and headline numbers, review calendar, 30-day forecast, true retention
per week, mastery per topic. The numbers come from srs.report (as `studyapp stats`)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from studyapp import srs
from studyapp.srs import stats
from studyapp.ui.content_cache import current_content
from studyapp.ui.i18n import chart_config, lang, t
from studyapp.ui.plain import plain
from studyapp.ui.session import get_store, require_profile

LAYOUT = {"margin": {"t": 40, "b": 30, "l": 40, "r": 10}, "height": 260}


def config() -> dict:
    """These small charts do without Plotly's toolbar; its other words (month names, hints)
    are the learner's."""
    return chart_config(displayModeBar=False)


def date_axis(fig: go.Figure) -> go.Figure:
    """Dates on the x axis written the learner's way (Korean: 3월 5일), ticks and hovers alike."""
    fig.update_xaxes(type="date", tickformat=t("date_tick"), hoverformat=t("date_hover"))
    return fig


def whole_steps(largest: float) -> dict:
    """Axis settings for counts: whole numbers only (no "1.5 cards" when there are 2 at most)."""
    return {"tickformat": ",d", "dtick": 1} if largest <= 5 else {"tickformat": ",d"}


def calendar_figure(cal: stats.Calendar) -> go.Figure:
    most = max((n or 0 for row in cal.counts for n in row), default=0)
    fig = go.Figure(go.Heatmap(
        z=cal.counts, x=[w.isoformat() for w in cal.weeks], y=t("weekdays").split(), colorscale="Greens",
        xgap=2, ygap=2, hoverongaps=False, colorbar={"title": t("chart_reviews"), **whole_steps(most)},
        hovertemplate=t("chart_reviews_hover") + "<extra></extra>",
    ))
    fig.update_layout(title=t("chart_reviews_title"), yaxis={"autorange": "reversed"}, **LAYOUT)
    return date_axis(fig)


def forecast_figure(days: list) -> go.Figure:
    fig = go.Figure(go.Bar(x=[d.isoformat() for d, _ in days], y=[n for _, n in days],
                           marker_color="#4c78a8", name=t("chart_due")))
    fig.update_layout(title=t("chart_due_title"), yaxis_title=t("chart_cards"), **LAYOUT)
    fig.update_yaxes(rangemode="tozero", **whole_steps(max((n for _, n in days), default=0)))
    return date_axis(fig)


def retention_figure(weeks: list[stats.WeekRetention], target: float) -> go.Figure:
    fig = go.Figure(go.Bar(
        x=[w.week.isoformat() for w in weeks], y=[w.retention for w in weeks], customdata=[w.reviews for w in weeks],
        hovertemplate=t("chart_retention_hover") + "<extra></extra>", marker_color="#54a24b",
        name=t("chart_retention"),
    ))
    fig.add_hline(y=target, line_dash="dash", annotation_text=t("chart_desired"))
    if not weeks:
        fig.add_annotation(text=t("chart_no_recall_tests"), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False)
        fig.update_xaxes(visible=False)
    fig.update_layout(title=t("chart_retention_title"), yaxis={"range": [0, 1], "tickformat": ".0%"}, **LAYOUT)
    return date_axis(fig) if weeks else fig


def mastery_figure(topics: list[stats.TopicMastery], titles: dict[str, str]) -> go.Figure:
    fig = go.Figure(go.Bar(
        y=[titles.get(tm.topic_id, tm.topic_id) for tm in topics], x=[tm.mastery for tm in topics], orientation="h",
        text=[f"{tm.mastery:.0%} ({tm.seen}/{tm.cards})" for tm in topics], textposition="auto", marker_color="#f58518",
    ))
    fig.update_layout(title=t("chart_mastery_title"), xaxis={"range": [0, 1], "tickformat": ".0%"},
                      **{**LAYOUT, "height": 120 + 40 * len(topics)})
    return fig


def render() -> None:
    st.title(t("statistics"))
    profile = require_profile()
    if profile is None:
        return
    content = current_content()
    report = srs.report(get_store(), profile.id, content, srs.utcnow())
    numbers = report.numbers

    st.caption(t("stats_profile", name=plain(profile.name)))
    row = st.columns(5)
    days = numbers["streak_days"]
    row[0].metric(t("streak"), t("streak_days", n=days, s="" if days == 1 else "s"))
    row[1].metric(t("reviews_today"), numbers["reviews_today"])
    row[2].metric(t("due_now"), numbers["due_now"])
    retention = numbers["true_retention_30d"]
    row[3].metric(t("true_retention_30d"), "—" if retention is None else f"{retention:.0%}",
                  help=t("true_retention_help"))
    row[4].metric(t("mastery"), "—" if numbers["mastery"] is None else f"{numbers['mastery']:.0%}")

    if not report.reviews:
        st.info(t("no_reviews_yet"))
    st.plotly_chart(calendar_figure(report.calendar()), key="stats-calendar", width="stretch", config=config())
    left, right = st.columns(2)
    with left:
        st.plotly_chart(forecast_figure(report.forecast()), key="stats-forecast", width="stretch", config=config())
    with right:
        st.plotly_chart(retention_figure(report.weekly_retention(), report.study.settings.desired_retention),
                        key="stats-retention", width="stretch", config=config())
    titles = {tp.id: tp.title.get(lang()) for tp in content.topics}
    st.plotly_chart(mastery_figure(report.mastery(), titles), key="stats-mastery", width="stretch", config=config())

    removed = report.removed()
    if removed:
        with st.expander(t("removed_cards", n=len(removed))):
            st.dataframe({t("card"): [key for key, _ in removed], t("review_count"): [n for _, n in removed]},
                         hide_index=True)
    st.caption(t("same_in_terminal"))
