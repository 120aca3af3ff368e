"""`studyapp stats | export | backup | restore | profile` from a terminal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from studyapp import srs
from studyapp.cli import main
from studyapp.content import load_content
from studyapp.store import Store

BUNDLED = load_content()


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("STUDYAPP_DB", raising=False)
    return tmp_path / "progress.sqlite3"


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def study(db, name="default", days=3) -> None:
    """Some real reviews for `name`: the first cards of the bundled content, over a few days."""
    now = srs.utcnow()
    with Store(db) as store:
        profile = store.profile_by_name(name) or store.create_profile(name)
        keys = [f.key for f in srs.flashcards(BUNDLED)][:3]
        ratings = {3: 4, 2: 3, 1: 1}  # Easy (learned at once), then one recall test passed, one failed
        for day in range(days, 0, -1):
            for key in keys:
                srs.review_card(store, profile.id, key, ratings.get(day, 3), now - timedelta(days=day), fuzz=False)
        srs.review_card(store, profile.id, keys[0], 4, now - timedelta(minutes=5), fuzz=False)


def test_stats_json_counts_what_was_studied(capsys, db):
    study(db)
    code, out, _ = run(capsys, "stats", "--db", db, "--json")
    assert code == 0
    numbers = json.loads(out)
    assert numbers["profile"] == "default" and numbers["reviews_total"] == 10 and numbers["reviews_today"] == 1
    assert numbers["streak_days"] == 4 and numbers["cards_seen"] == 3
    assert numbers["cards_total"] == len(srs.flashcards(BUNDLED))
    assert numbers["true_retention_30d"] == 0.5 and numbers["recall_tests_30d"] == 6
    code, text, _ = run(capsys, "stats", "--db", db)
    assert code == 0 and "streak 4 days" in text and "True retention" in text


def test_db_from_environment(capsys, db, monkeypatch):
    monkeypatch.setenv("STUDYAPP_DB", str(db))
    study(db, days=1)
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["db"] == str(db)


def test_profiles_and_pins(capsys, db, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert run(capsys, "profile", "create", "Ana", "--db", db)[0] == 0
    assert run(capsys, "profile", "create", "Ben", "--pin", "5555", "--db", db)[0] == 0
    code, out, _ = run(capsys, "profile", "list", "--json", "--db", db)
    assert [(p["name"], p["protected"]) for p in json.loads(out)] == [("Ana", False), ("Ben", True)]
    code, _, err = run(capsys, "stats", "--db", db)
    assert code == 2 and "several profiles" in err
    code, _, err = run(capsys, "stats", "--db", db, "--profile", "Ben")
    assert code == 2 and "protected by a PIN" in err
    code, _, err = run(capsys, "stats", "--db", db, "--profile", "Ben", "--pin", "0000")
    assert code == 2 and "wrong PIN" in err
    assert run(capsys, "stats", "--db", db, "--profile", "Ben", "--pin", "5555", "--json")[0] == 0
    code, _, err = run(capsys, "profile", "create", "ana", "--db", db)
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "stats", "--db", db, "--profile", "Nobody")
    assert code == 2 and "no profile named 'Nobody'" in err


def test_export_anki_and_csv(capsys, db, tmp_path):
    out = tmp_path / "deck.tsv"
    assert run(capsys, "export", "anki", "--out", out)[0] == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#separator:tab" and lines[1] == "#html:true"
    assert sum(not line.startswith("#") for line in lines) == len(srs.flashcards(BUNDLED))
    study(db, days=1)
    csv_file = tmp_path / "cards.csv"
    assert run(capsys, "export", "csv", "--out", csv_file, "--db", db)[0] == 0
    header = csv_file.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("card_key,topic") and "recall_now" in header


def test_backup_restore_round_trip_and_refusals(capsys, db, tmp_path):
    study(db, name="Mina")
    backup = tmp_path / "mina.json"
    code, _, err = run(capsys, "backup", "--out", backup, "--db", db, "--profile", "Mina")
    assert code == 0 and "10 reviews" in err
    other = tmp_path / "other.sqlite3"
    code, _, err = run(capsys, "restore", backup, "--db", other)
    assert code == 0 and "restored 10 reviews" in err
    with Store(other) as store:
        assert store.review_count(store.profile_by_name("Mina").id) == 10

    # a foreign file and a broken one: a clear message, exit 2, the database untouched
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"notes": ["not ours"]}))
    broken = tmp_path / "broken.json"
    data = json.loads(backup.read_text())
    data["reviews"][0]["reviewed_at"] = "not a time"
    broken.write_text(json.dumps(data))
    for bad, message in ((foreign, "not a studyapp progress backup"), (broken, "reviews[0]"),
                         (tmp_path / "missing.json", "cannot read")):
        code, _, err = run(capsys, "restore", bad, "--db", other)
        assert code == 2 and message in err, err
    with Store(other) as store:
        assert store.review_count(store.profile_by_name("Mina").id) == 10


def test_restore_into_a_protected_profile_needs_its_pin(capsys, db, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    study(db, name="Mina")
    backup = tmp_path / "mina.json"
    run(capsys, "backup", "--out", backup, "--db", db, "--profile", "Mina")
    with Store(db) as store:
        store.set_pin(store.profile_by_name("Mina").id, "1234")
    code, _, err = run(capsys, "restore", backup, "--db", db)
    assert code == 2 and "protected by a PIN" in err
    assert run(capsys, "restore", backup, "--db", db, "--pin", "1234")[0] == 0


def test_bad_db_file_is_a_clear_error(capsys, tmp_path):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_text("not sqlite at all " * 50)
    code, _, err = run(capsys, "stats", "--db", bogus)
    assert code == 2 and "not a usable progress database" in err

