"""The checklist of what the study notes name (docs/notes-checklist.yaml, issue 13 item 4):
every concept, model, algorithm, data set and number in /work/shared/seeds/*.txt has an entry,
and every entry points to cards or questions that exist in the bundled content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from studyapp.content import load_content

ROOT = Path(__file__).resolve().parents[1]
CHECKLIST = ROOT / "docs" / "notes-checklist.yaml"
NOTE_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
KEYS = {"concept", "note", "ids"}


def load_checklist(path: Path = CHECKLIST) -> list[dict]:
    """The entries, or an AssertionError that says what is malformed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, f"{path.name}: expected a non-empty list of entries"
    problems = []
    for n, entry in enumerate(data):
        where = f"entry {n}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if isinstance(entry.get("concept"), str):
            where = f"entry {n} ({entry['concept']!r})"
        if set(entry) != KEYS:
            problems.append(f"{where}: keys {sorted(entry)}, expected {sorted(KEYS)}")
            continue
        if not isinstance(entry["concept"], str) or not entry["concept"].strip():
            problems.append(f"{where}: concept must be a non-empty string")
        if not isinstance(entry["note"], str) or not NOTE_NAME.match(entry["note"]):
            problems.append(f"{where}: note must be a seed file name like 000_<16 hex>.txt")
        ids = entry["ids"]
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
            problems.append(f"{where}: ids must be a list of strings")
    assert not problems, f"{path.name} is malformed:\n" + "\n".join(problems)
    return data


def missing_by_concept(entries: list[dict], known: set[str]) -> dict[str, list[str]]:
    """Concept -> what is wrong with its ids: none at all, or ids the content lacks."""
    missing = {}
    for entry in entries:
        ids = entry["ids"] or []
        if not ids:
            missing[entry["concept"]] = ["(no ids)"]
        elif unknown := [i for i in ids if i not in known]:
            missing[entry["concept"]] = unknown
    return missing


@pytest.fixture(scope="module")
def known_ids() -> set[str]:
    content = load_content()
    ids = {card.id for card in content.cards()}
    ids |= {q.id for topic in content.topics for q in topic.questions}
    return ids


def test_checklist_is_well_formed():
    entries = load_checklist()
    concepts = [e["concept"] for e in entries]
    duplicates = sorted({c for c in concepts if concepts.count(c) > 1})
    assert not duplicates, f"concepts listed twice: {duplicates}"


def test_checklist_covers_every_note():
    notes = {e["note"] for e in load_checklist()}
    seeds = Path("/work/shared/seeds")
    expected = {p.name for p in seeds.glob("*.txt")} if seeds.is_dir() else set()
    assert len(notes) >= 5
    assert expected <= notes, f"notes without any entry: {sorted(expected - notes)}"


def test_every_concept_is_taught(known_ids):
    missing = missing_by_concept(load_checklist(), known_ids)
    report = "\n".join(f"  {concept}: {', '.join(ids)}" for concept, ids in missing.items())
    assert not missing, f"{len(missing)} concepts of the notes are not taught:\n{report}"


def test_every_entry_names_a_card(known_ids):
    """A question alone may teach a number, but each concept should also have a card."""
    cards = {card.id for card in load_content().cards()}
    without = [e["concept"] for e in load_checklist() if not set(e["ids"] or []) & cards]
    assert not without, f"entries with no card id: {without}"


# The checker itself: it must catch the three ways a checklist goes wrong.

def test_checker_reports_missing_ids_by_concept():
    entries = [
        {"concept": "Known", "note": "000_0b31b4768e0c4dbd.txt", "ids": ["a"]},
        {"concept": "Empty", "note": "000_0b31b4768e0c4dbd.txt", "ids": []},
        {"concept": "Stale", "note": "000_0b31b4768e0c4dbd.txt", "ids": ["a", "gone"]},
    ]
    assert missing_by_concept(entries, {"a"}) == {"Empty": ["(no ids)"], "Stale": ["gone"]}


@pytest.mark.parametrize(
    "text",
    [
        "concept: not a list\n",
        "- {concept: X, note: 000_0b31b4768e0c4dbd.txt}\n",
        "- {concept: X, note: notes.txt, ids: [a]}\n",
        "- {concept: X, note: 000_0b31b4768e0c4dbd.txt, ids: a}\n",
        "- {concept: '', note: 000_0b31b4768e0c4dbd.txt, ids: [a]}\n",
    ],
)
def test_checker_rejects_malformed_files(tmp_path, text):
    path = tmp_path / "checklist.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssertionError, match="malformed|non-empty list"):
        load_checklist(path)
