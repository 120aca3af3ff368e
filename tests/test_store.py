"""The SQLite store: schema and migrations, WAL, profiles and PINs, one transaction per review."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from studyapp.store import CardState, NotUndoable, Store, StoreError, default_db_path
from studyapp.store.migrations import LATEST
from studyapp.store.pins import hash_pin, is_pin_hash, verify_pin

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "progress.sqlite3") as s:
        yield s


def state(key: str, *, reps: int = 1, due: datetime = T0 + timedelta(days=1), kind: int = 2) -> CardState:
    return CardState(key, kind, None, 3.0, 5.0, due, T0, reps=reps)


def test_fresh_file_is_migrated_to_the_latest_schema_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "dir" / "progress.sqlite3"  # parent folders are created
    with Store(path) as store:
        assert store.schema_version() == LATEST
        assert store.journal_mode() == "wal"
        assert store.integrity_check() == "ok"
    raw = sqlite3.connect(path)
    tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"profiles", "card_states", "reviews", "quiz_attempts"} <= tables
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST
    raw.close()
    with Store(path) as again:  # reopening does not migrate twice
        assert again.schema_version() == LATEST


def test_a_newer_schema_is_refused_not_damaged(tmp_path):
    path = tmp_path / "future.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE something (x)")
    raw.execute(f"PRAGMA user_version = {LATEST + 5}")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="newer studyapp"):
        Store(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST + 5
    raw.close()


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a usable progress database"):
        Store(path)


def test_default_path_honours_env_and_explicit(monkeypatch, tmp_path):
    monkeypatch.setenv("STUDYAPP_DB", str(tmp_path / "env.sqlite3"))
    assert default_db_path() == tmp_path / "env.sqlite3"
    assert default_db_path(tmp_path / "cli.sqlite3") == tmp_path / "cli.sqlite3"
    monkeypatch.delenv("STUDYAPP_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if default_db_path().is_relative_to(tmp_path):  # Linux and other XDG systems
        assert default_db_path() == tmp_path / "xdg" / "studyapp" / "progress.sqlite3"


def test_profiles_names_are_unique_ignoring_case(store):
    alice = store.create_profile("Alice", now=T0)
    assert alice.name == "Alice" and not alice.protected and alice.created_at == T0
    with pytest.raises(ValueError, match="already exists"):
        store.create_profile("alice")
    with pytest.raises(ValueError):
        store.create_profile("   ")
    store.create_profile("  Bob   Lee ")
    assert [p.name for p in store.profiles()] == ["Alice", "Bob Lee"]
    assert store.profile_by_name("ALICE").id == alice.id


def test_pins_are_salted_slow_hashes_never_plain(store, tmp_path):
    kim = store.create_profile("Kim", pin="2468")
    lee = store.create_profile("Lee", pin="2468")
    assert kim.protected and lee.protected
    assert store.check_pin(kim.id, "2468") and not store.check_pin(kim.id, "2469") and not store.check_pin(kim.id, None)
    kim_hash, lee_hash = store.pin_hash(kim.id), store.pin_hash(lee.id)
    assert kim_hash != lee_hash  # salted: same PIN, different hashes
    assert kim_hash.startswith("scrypt$") and is_pin_hash(kim_hash)
    assert b"2468" not in (tmp_path / "progress.sqlite3").read_bytes()
    store.set_pin(kim.id, "1357")
    assert store.check_pin(kim.id, "1357") and not store.check_pin(kim.id, "2468")
    store.set_pin(kim.id, None)
    assert not store.profile(kim.id).protected and store.check_pin(kim.id, None)
    with pytest.raises(ValueError):
        store.create_profile("Short", pin="12")
    assert verify_pin("abcd", hash_pin("abcd")) and not verify_pin("abcd", "plain-text")


def test_review_and_state_are_written_together(store):
    p = store.create_profile("p")
    review = store.apply_review(p.id, "sgd", lambda before: state("sgd", reps=1), rating=3, at=T0, duration_ms=1200)
    assert review.state_before == 0 and review.rating == 3 and review.reviewed_at == T0
    assert store.card_state(p.id, "sgd") == state("sgd", reps=1)
    assert [r.id for r in store.reviews(p.id)] == [review.id]

    def broken(before):
        raise RuntimeError("scheduler crashed")

    with pytest.raises(RuntimeError):
        store.apply_review(p.id, "sgd", broken, rating=1, at=T0 + timedelta(hours=1))
    # the failed review left nothing behind: no log entry, state unchanged
    assert store.review_count(p.id) == 1
    assert store.card_state(p.id, "sgd") == state("sgd", reps=1)


def test_review_times_must_be_aware(store):
    p = store.create_profile("p")
    with pytest.raises(ValueError, match="naive"):
        store.apply_review(p.id, "x", lambda b: state("x"), rating=3, at=datetime(2025, 1, 1))
    with pytest.raises(ValueError):
        store.apply_review(p.id, "x", lambda b: state("x"), rating=5, at=T0)


def test_times_in_other_zones_are_stored_as_utc(store):
    p = store.create_profile("p")
    seoul = timezone(timedelta(hours=9))
    review = store.apply_review(p.id, "x", lambda b: state("x"), rating=3, at=datetime(2025, 3, 1, 18, 0, tzinfo=seoul))
    assert review.reviewed_at == T0 and review.reviewed_at.tzinfo == timezone.utc


def test_undo_restores_the_previous_state_and_only_the_latest(store):
    p = store.create_profile("p")
    first = store.apply_review(p.id, "a", lambda b: state("a", reps=1), rating=3, at=T0)
    second = store.apply_review(p.id, "a", lambda b: state("a", reps=2, due=T0 + timedelta(days=5)), rating=4,
                                at=T0 + timedelta(minutes=10))
    with pytest.raises(NotUndoable):
        store.undo_review(p.id, first.id)  # 'second' was computed from it
    assert store.undo_review(p.id, second.id).id == second.id
    assert store.card_state(p.id, "a") == state("a", reps=1)
    store.undo_review(p.id, first.id)
    assert store.card_state(p.id, "a") is None and store.review_count(p.id) == 0
    with pytest.raises(NotUndoable):
        store.undo_review(p.id, first.id)


def test_new_cards_since_counts_first_reviews_only(store):
    p = store.create_profile("p")
    store.apply_review(p.id, "a", lambda b: state("a"), rating=3, at=T0)
    store.apply_review(p.id, "a", lambda b: state("a", reps=2), rating=3, at=T0 + timedelta(hours=1))
    store.apply_review(p.id, "b", lambda b: state("b"), rating=3, at=T0 + timedelta(hours=2))
    assert store.new_cards_since(p.id, T0) == 2
    assert store.new_cards_since(p.id, T0 + timedelta(minutes=1)) == 1


def test_profiles_do_not_see_each_others_progress(store):
    a, b = store.create_profile("a"), store.create_profile("b")
    store.apply_review(a.id, "x", lambda s: state("x"), rating=3, at=T0)
    assert store.card_states(b.id) == {} and store.reviews(b.id) == []
    assert set(store.card_states(a.id)) == {"x"}


def test_two_connections_see_each_others_commits(tmp_path):
    path = tmp_path / "shared.sqlite3"
    with Store(path) as one, Store(path) as two:
        p = one.create_profile("p")
        one.apply_review(p.id, "x", lambda s: state("x"), rating=3, at=T0)
        assert two.review_count(p.id) == 1


def test_quiz_attempts_are_recorded_per_session(store):
    p = store.create_profile("p")
    for i, session in enumerate(["s1", "s1", "s2"]):
        store.record_quiz_attempt(p.id, f"q{i}", "optimization", i % 2 == 0, 1.0 if i % 2 == 0 else 0.0,
                                  '{"choice": 1}', 4.5, "practice", session, T0 + timedelta(seconds=i))
    everything = store.quiz_attempts(p.id)
    assert [a.question_id for a in everything] == ["q0", "q1", "q2"]
    first = store.quiz_attempts(p.id, "s1")
    assert [a.correct for a in first] == [True, False]
    assert first[0].answer_json == '{"choice": 1}' and first[0].seconds == 4.5 and first[0].at == T0
    assert first[0].topic_id == "optimization" and first[0].mode == "practice" and first[0].session_id == "s1"


def test_settings_round_trip(store):
    p = store.create_profile("p")
    assert store.settings(p.id) == {}
    store.save_settings(p.id, {"desired_retention": 0.85, "new_per_day": 5})
    assert store.settings(p.id) == {"desired_retention": 0.85, "new_per_day": 5}


def hold_write_lock(path, seconds: float):
    """Another process-like connection that keeps the write lock for a while."""
    import threading

    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    raw.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: raw.execute("COMMIT"))
    release.start()
    return release


def test_a_lock_held_past_busy_timeout_is_retried(tmp_path, monkeypatch):
    import studyapp.store.db as db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 20)  # SQLite gives up waiting after 20 ms ...
    path = tmp_path / "p.sqlite3"
    with Store(path) as store:
        p = store.create_profile("p")
        release = hold_write_lock(path, 0.4)
        # ... and our retry loop keeps trying until the other writer is done.
        store.apply_review(p.id, "x", lambda b: state("x"), rating=3, at=T0)
        release.join()
        assert store.review_count(p.id) == 1


def test_a_lock_that_never_goes_away_is_a_clear_error(tmp_path, monkeypatch):
    import studyapp.store.db as db
    from studyapp.store import StoreBusy

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 20)
    path = tmp_path / "p.sqlite3"
    with Store(path, retry_seconds=0.3) as store:
        p = store.create_profile("p")
        release = hold_write_lock(path, 1.5)
        with pytest.raises(StoreBusy, match="stayed locked by another process"):
            store.apply_review(p.id, "x", lambda b: state("x"), rating=3, at=T0)
        release.join()
        assert store.review_count(p.id) == 0
