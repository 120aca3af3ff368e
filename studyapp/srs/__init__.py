"""Spaced repetition: FSRS scheduling glue, the study queue, statistics, export and backup.

Pure logic over the store: no Streamlit, no torch (the optional optimizer imports it
lazily through fsrs), and time is always passed in as an aware UTC datetime.
"""

from studyapp.srs.clock import day_start, utc_day, utcnow
from studyapp.srs.deck import Flashcard, Queue, build_queue, card_key, flashcards, orphaned_keys, split_key
from studyapp.srs.profiles import ProfileChoiceError, ensure_default_profile, resolve_profile
from studyapp.srs.scheduler import (
    RATINGS,
    Preview,
    Rating,
    State,
    as_rating,
    load_settings,
    preview,
    recall_probability,
    review_card,
    save_settings,
    undo_review,
)
from studyapp.srs.settings import Settings
from studyapp.store import default_db_path

__all__ = [
    "RATINGS",
    "Flashcard",
    "Preview",
    "ProfileChoiceError",
    "Queue",
    "Rating",
    "Settings",
    "State",
    "as_rating",
    "build_queue",
    "card_key",
    "day_start",
    "default_db_path",
    "ensure_default_profile",
    "flashcards",
    "load_settings",
    "orphaned_keys",
    "preview",
    "recall_probability",
    "resolve_profile",
    "review_card",
    "save_settings",
    "split_key",
    "undo_review",
    "utc_day",
    "utcnow",
]
