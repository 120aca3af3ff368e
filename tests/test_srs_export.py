"""Anki TSV and CSV export; JSON backup and restore (a bad file changes nothing)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from studyapp import srs
from studyapp.content import load_content
from studyapp.srs.backup import FORMAT, BackupError, backup_json, parse_backup, restore_backup
from studyapp.srs.export import ANKI_COLUMNS, anki_tsv, cards_csv
from studyapp.store import Store

T0 = datetime(2025, 4, 1, 7, 30, tzinfo=timezone.utc)
BUNDLED = load_content()


def tricky_content(tmp_path):
    folder = tmp_path / "tricky"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        "id: tricky\ntitle: {en: Tricky topic, ko: 까다로운 주제}\nsummary: {en: S., ko: 요약.}\ncards:\n"
        "  - id: quote\n    term: {en: 'A \"quoted\" <term>', ko: '따옴표 & 용어'}\n"
        "    definition: {en: \"Line one.\\nLine two\\twith a tab.\", ko: 정의.}\n"
        "    formula: 'a < b'\n    reversible: true\n    tags: [extra-tag]\n")
    content = load_content(folder, demo_ids=[])
    assert not content.errors, content.errors
    return content


def anki_rows(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.rstrip("\n").split("\n")
    headers = [line for line in lines if line.startswith("#")]
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    return headers, rows


def test_anki_tsv_has_anki_headers_and_one_deck_per_topic():
    headers, rows = anki_rows(anki_tsv(BUNDLED))
    assert headers[:2] == ["#separator:tab", "#html:true"]
    assert "#columns:" + "\t".join(ANKI_COLUMNS) in headers
    assert {"#deck column:3", "#tags column:4", "#guid column:5", "#tags:studyapp"} <= set(headers)
    expected = srs.flashcards(BUNDLED)
    assert len(rows) == len(expected) and all(len(row) == len(ANKI_COLUMNS) for row in rows)
    decks = {row[2] for row in rows}
    assert decks == {f"Deep Learning Study::{t.title.en}" for t in BUNDLED.topics if t.cards}
    guids = [row[4] for row in rows]
    assert len(set(guids)) == len(guids) and guids[0] == f"studyapp:{expected[0].key}"
    first = BUNDLED.topics[0].cards[0]
    assert first.term.en in rows[0][0] and first.term.ko in rows[0][0]
    assert rows[0][3].split()[0] == BUNDLED.topics[0].id


def test_anki_fields_are_escaped_and_reversed_cards_flip(tmp_path):
    content = tricky_content(tmp_path)
    headers, rows = anki_rows(anki_tsv(content))
    assert len(rows) == 2  # the card and its reversed card
    front, back, deck, tags, guid = rows[0]
    assert "&quot;quoted&quot; &lt;term&gt;" in front and "따옴표 &amp; 용어" in front
    assert "Line one.<br>Line two with a tab." in back and "\\(a &lt; b\\)" in back
    assert tags == "tricky extra-tag" and guid == "studyapp:quote"
    reverse = rows[1]
    assert "Line one." in reverse[0] and "&quot;quoted&quot;" in reverse[1] and reverse[4] == "studyapp:quote:reverse"
    assert reverse[3].endswith("reversed")
    assert len(anki_rows(anki_tsv(content, include_reversed=False))[1]) == 1


def test_csv_export_with_progress(tmp_path):
    content = tricky_content(tmp_path)
    with Store(tmp_path / "p.sqlite3") as store:
        profile = store.create_profile("p")
        srs.review_card(store, profile.id, "quote", "easy", T0, fuzz=False)
        text = cards_csv(content, states=store.card_states(profile.id), settings=srs.Settings(), now=T0 + timedelta(days=1))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["card_key"] for r in rows] == ["quote", "quote:reverse"]
    assert rows[0]["definition_en"] == "Line one.\nLine two\twith a tab."  # CSV quotes it, nothing lost
    assert rows[0]["state"] == "review" and rows[0]["reps"] == "1" and 0.9 < float(rows[0]["recall_now"]) <= 1
    assert rows[1]["state"] == "new"
    plain = list(csv.DictReader(io.StringIO(cards_csv(content))))
    assert "state" not in plain[0]


def make_progress(store: Store) -> int:
    profile = store.create_profile("Mina", pin="9876")
    for i, rating in enumerate([3, 3, 4, 1]):
        srs.review_card(store, profile.id, "sgd", rating, T0 + timedelta(days=i * 3), duration_ms=2000 + i, fuzz=False)
    srs.review_card(store, profile.id, "adam:reverse", 2, T0, fuzz=False)
    srs.save_settings(store, profile.id, srs.Settings(desired_retention=0.85, new_per_day=7))
    store.record_quiz_attempt(profile.id, "q1", "optimization", True, 1.0, '{"a": 1}', 3.5, "practice", "s1", T0)
    return profile.id


def test_backup_and_restore_round_trip(tmp_path):
    with Store(tmp_path / "a.sqlite3") as source:
        pid = make_progress(source)
        text = backup_json(source, pid, T0 + timedelta(days=20))
        original = source.snapshot(pid)
    data = json.loads(text)
    assert data["format"] == FORMAT and data["version"] == 1 and "9876" not in text
    with Store(tmp_path / "b.sqlite3") as target:
        profile = restore_backup(target, parse_backup(text))
        copy = target.snapshot(profile.id)
        assert profile.name == "Mina" and profile.protected and target.check_pin(profile.id, "9876")
    assert copy["states"] == original["states"]
    strip = lambda items: [{k: v for k, v in vars(x).items() if k not in ("id", "profile_id")} for x in items]  # noqa: E731
    assert strip(copy["reviews"]) == strip(original["reviews"])
    assert strip(copy["attempts"]) == strip(original["attempts"])
    assert copy["settings"]["desired_retention"] == 0.85


def test_restore_replaces_the_progress_of_an_existing_profile(tmp_path):
    with Store(tmp_path / "a.sqlite3") as store:
        pid = make_progress(store)
        text = backup_json(store, pid, T0)
        srs.review_card(store, pid, "extra", 3, T0 + timedelta(days=30), fuzz=False)
        assert "extra" in store.card_states(pid)
        restore_backup(store, parse_backup(text))
        assert "extra" not in store.card_states(pid) and store.review_count(pid) == 5
        other = restore_backup(store, parse_backup(text), into="Mina copy")
        assert other.id != pid and store.review_count(other.id) == 5


BAD_FILES = {
    "not json": (b"\x89PNG\r\n\x1a\n binary", "not valid JSON"),
    "foreign json": (json.dumps({"deck": "Anki", "cards": []}), "no \"format\""),
    "newer version": (json.dumps({"format": FORMAT, "version": 99}), "newer studyapp"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_foreign_or_malformed_files_are_refused_and_nothing_changes(tmp_path, case):
    raw, message = BAD_FILES[case]
    with Store(tmp_path / "a.sqlite3") as store:
        pid = make_progress(store)
        before = store.snapshot(pid)
        with pytest.raises(BackupError, match=message):
            restore_backup(store, parse_backup(raw))
        assert store.snapshot(pid) == before


def test_one_bad_record_refuses_the_whole_file(tmp_path):
    with Store(tmp_path / "a.sqlite3") as store:
        pid = make_progress(store)
        data = json.loads(backup_json(store, pid, T0))
        data["reviews"][2]["rating"] = 7
        data["card_states"][0]["due"] = "yesterday"
        data["quiz_attempts"][0]["correct"] = "yes"
        before = store.snapshot(pid)
        with pytest.raises(BackupError) as error:
            parse_backup(json.dumps(data))
        text = str(error.value)
        assert "nothing was restored" in text and "reviews[2]" in text and "card_states[0]" in text
        assert "quiz_attempts[0]" in text
        assert store.snapshot(pid) == before
