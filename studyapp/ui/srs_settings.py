"""The Flashcards page's scheduler settings: desired retention, new cards per day, reversed
cards, term cards (Korean <-> English), and fitting FSRS to the learner's own reviews."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from studyapp import srs
from studyapp.srs import optimize
from studyapp.srs.settings import NEW_PER_DAY_RANGE, RETENTION_RANGE
from studyapp.ui.i18n import t


def settings_panel(store, profile: srs.Profile, settings: srs.Settings) -> None:
    with st.expander(t("scheduler_settings"), icon=":material/tune:"):
        with st.form("srs-settings", border=False):
            retention = st.slider(t("desired_retention"), RETENTION_RANGE[0], RETENTION_RANGE[1],
                                  float(settings.desired_retention), step=0.01, key="srs-retention",
                                  help=t("desired_retention_help"))
            new_per_day = st.number_input(t("new_per_day"), NEW_PER_DAY_RANGE[0], NEW_PER_DAY_RANGE[1],
                                          int(settings.new_per_day), step=1, key="srs-new-per-day")
            reversed_ = st.toggle(t("study_reversed"), value=settings.include_reversed, key="srs-reversed")
            term_cards = st.toggle(t("study_term_cards"), value=settings.term_cards, key="srs-term-cards",
                                   help=t("study_term_cards_help"))
            if st.form_submit_button(t("save_settings")):
                srs.save_settings(store, profile.id, replace(settings, desired_retention=float(retention),
                                                             new_per_day=int(new_per_day), include_reversed=reversed_,
                                                             term_cards=term_cards))
                st.rerun()
        usable = optimize.usable_reviews(store, profile.id)
        st.markdown(f"**{t('personal_parameters')}**")
        if settings.parameters is not None:
            st.caption(t("parameters_in_use", n=settings.optimized_on))
        st.caption(t("usable_reviews", usable=usable, needed=optimize.MIN_REVIEWS))
        if st.button(t("optimize"), disabled=usable < optimize.MIN_REVIEWS, key="srs-optimize"):
            with st.spinner(t("optimizing")):
                result = optimize.optimize_profile(store, profile.id)
            st.success(t("optimized", n=result.reviews_used))
