"""Spaced repetition: FSRS scheduling glue, the study queue, statistics, export and backup,
and the learners' profiles (with the PIN policy).

Pure logic over the store: no Streamlit, no torch (the optional optimizer imports it
lazily through fsrs), and time is always passed in as an aware UTC datetime. The pages use
this package, never the store: the store's types and errors they handle are named here.
"""

from studyapp.srs.clock import day_start, utc_day, utcnow
from studyapp.srs.deck import Flashcard, Queue, build_queue, card_key, flashcards, orphaned_keys, split_key
from studyapp.srs.profiles import (
    PinGuard,
    PinNotYours,
    ProfileChoiceError,
    Unlock,
    change_pin,
    create_profile,
    ensure_default_profile,
    find_profile,
    open_progress,
    resolve_profile,
    set_pin,
)
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
from studyapp.srs.study import Report, Study, report, study_queue
from studyapp.store import NotUndoable, Profile, StoreError, default_db_path

__all__ = [
    "RATINGS",
    "Flashcard",
    "NotUndoable",
    "PinGuard",
    "PinNotYours",
    "Preview",
    "Profile",
    "ProfileChoiceError",
    "Queue",
    "Rating",
    "Report",
    "Settings",
    "State",
    "StoreError",
    "Study",
    "Unlock",
    "as_rating",
    "build_queue",
    "card_key",
    "change_pin",
    "create_profile",
    "day_start",
    "default_db_path",
    "ensure_default_profile",
    "find_profile",
    "flashcards",
    "load_settings",
    "open_progress",
    "orphaned_keys",
    "preview",
    "recall_probability",
    "report",
    "resolve_profile",
    "review_card",
    "save_settings",
    "set_pin",
    "split_key",
    "study_queue",
    "undo_review",
    "utc_day",
    "utcnow",
]
