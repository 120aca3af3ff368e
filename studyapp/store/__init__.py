"""Durable progress: the only package that speaks SQL (SQLite, WAL, versioned migrations)."""

from studyapp.store.classroom import ClassAnswer, ClassQuestion, ClassSession, ClassStudent, Plan
from studyapp.store.db import NotUndoable, Store, StoreBusy, StoreError, open_store
from studyapp.store.models import NEW, CardState, Profile, QuizAttempt, Review, as_utc
from studyapp.store.paths import DB_ENV, default_db_path

__all__ = [
    "ClassAnswer",
    "ClassQuestion",
    "ClassSession",
    "ClassStudent",
    "Plan",
    "DB_ENV",
    "NEW",
    "CardState",
    "NotUndoable",
    "Profile",
    "QuizAttempt",
    "Review",
    "Store",
    "StoreBusy",
    "StoreError",
    "as_utc",
    "default_db_path",
    "open_store",
]
