"""Hostile input, end to end: what a careless or malicious user, topic file or backup can throw
at a server a class shares, and how each case ends now.

- topic files: alias bombs, alias loops, deep nesting, list keys, huge numbers, broken links,
  pipes, folders: a `file:line` error each, and every other topic is still served;
- backups: out-of-range or non-finite settings, foreign PIN hashes, times out of range, cards
  FSRS cannot step from, deep JSON: exit 2 and nothing changed;
- exports: newlines in a GIFT category, `::` in an Anki deck, formulas in CSV cells;
- the app: names and answers shown as typed (never as Markdown), no tracebacks in browsers,
  wrong PINs slowing only the guesser, PINs set only with the current one or by the creator,
  and the command line quiet on a closed pipe and keeping PINs out of the process list.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import string
import subprocess
import sys
import textwrap
import traceback
from datetime import timedelta
from pathlib import Path

import pytest

from studyapp import srs
from studyapp.cli import app_cmd
from studyapp.content import load_content
from studyapp.content.loader import MAX_ALIAS_NODES, MAX_DEPTH, YamlProblem, parse_yaml
from studyapp.quiz.gift import export_gift
from studyapp.srs import backup as backups
from studyapp.srs import export as exports
from studyapp.store import Store, pins
from studyapp.ui.plain import JOINER, plain
from tests.conftest import ROOT, make_app, open_page, page_text
from tests.test_srs_cli import run, study
from tests.test_srs_queue import write_topics

GOOD = textwrap.dedent("""\
    id: good
    title: {en: Good topic, ko: 좋은 주제}
    summary: {en: Fine., ko: 좋습니다.}
    cards:
      - id: good-card
        term: {en: Term, ko: 용어}
        definition: {en: Meaning., ko: 뜻.}
    """)


def billion_laughs() -> str:
    """Nine levels of nine aliases each: 9**9 (387 million) strings from a 330-byte file."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


# name -> (file text, the line the error names, a piece of its message)
HOSTILE_TOPICS = {
    "alias bomb": (billion_laughs(), 6, f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes"),
    "alias loop": ("id: loop\nx: &a [1, *a]\n", 2, "alias *a is used inside its own anchor"),
    "unknown alias": ("id: x\ny: *nowhere\n", 2, "unknown alias *nowhere"),
    "deep flow nesting": ("id: deep\nx: " + "[" * 20_000 + "]" * 20_000 + "\n", 2, "nesting depth"),
    "deep block nesting": ("id: deep\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n",
                           MAX_DEPTH + 2, f"nested more than {MAX_DEPTH} levels deep"),
    "list as a key": ("id: key\n? [a, b]\n: c\n", 2, "a mapping key must be a name or a number, not a list"),
    "mapping as a key": ("id: key\n{[1]: x}: y\n", 2, "not a mapping"),
    "5000-digit integer": ("id: big\norder: " + "9" * 5000 + "\n", 2, "number too large"),
    "30-digit integer": ("id: big\norder: " + "9" * 30 + "\n", 2, "number too large"),
    "huge hex integer": ("id: big\norder: 0x" + "f" * 200 + "\n", 2, "number too large"),
    "float overflow": ("id: big\norder: 1.0e+400\n", 2, "number too large"),
    "second document": ("id: a\n---\nid: b\n", 2, "one YAML document"),
    "python tag": ("id: !!python/object/apply:os.system [echo hacked]\n", 1, "unsupported tag"),
    "control character": ("id: a\x01b\n", 1, "control characters are not allowed"),
}


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages show paths relative to the working directory
    path = tmp_path / "content"
    path.mkdir()
    (path / "good.yaml").write_text(GOOD, encoding="utf-8")
    return path


# --- topic files ---------------------------------------------------------------------------


@pytest.mark.timeout(60)  # before: the alias bomb hung here for good
@pytest.mark.parametrize("case", list(HOSTILE_TOPICS))
def test_a_hostile_topic_file_is_one_file_line_error_and_the_rest_is_served(folder, case):
    text, line, message = HOSTILE_TOPICS[case]
    (folder / "bad.yaml").write_text(text, encoding="utf-8")
    content = load_content(folder, demo_ids=[])
    assert [t.id for t in content.topics] == ["good"]
    (error,) = content.errors
    assert (error.path, error.line) == ("content/bad.yaml", line), str(error)
    assert message in error.message, str(error)


@pytest.mark.parametrize("case", list(HOSTILE_TOPICS))
def test_parse_yaml_raises_only_yaml_problems(case):
    with pytest.raises(YamlProblem):
        parse_yaml(HOSTILE_TOPICS[case][0])


def test_aliases_within_reason_still_work():
    data, lines = parse_yaml("base: &b {en: Hi, ko: 안녕}\ncopy: *b\nmerged:\n  <<: *b\n  en: Hello\n")
    assert data == {"base": {"en": "Hi", "ko": "안녕"}, "copy": {"en": "Hi", "ko": "안녕"},
                    "merged": {"en": "Hello", "ko": "안녕"}}
    assert lines[("copy",)] == 2 and lines[("merged", "ko")] == 4


def test_files_that_are_not_regular_files_are_errors_not_hangs(folder):
    os.symlink(folder / "missing-target.yaml", folder / "broken-link.yaml")
    os.mkfifo(folder / "pipe.yaml")  # reading it would block forever
    (folder / "folder.yaml").mkdir()
    os.symlink("loop.yaml", folder / "loop.yaml")  # a link to itself
    os.symlink("/dev/zero", folder / "zeros.yaml")  # endless bytes
    content = load_content(folder, demo_ids=[])
    assert [t.id for t in content.topics] == ["good"]
    found = {e.path: e.message for e in content.errors}
    assert found == {
        "content/broken-link.yaml": "cannot read file: No such file or directory",
        "content/folder.yaml": "cannot read file: not a regular file: folder.yaml",
        "content/pipe.yaml": "cannot read file: not a regular file: pipe.yaml",
        "content/loop.yaml": "cannot read file: Too many levels of symbolic links",
        "content/zeros.yaml": "cannot read file: not a regular file: zeros.yaml",
    }


def test_a_large_topic_file_loads_with_every_card():
    """Correctness of the fast path at a test-sized 3,000 cards; `python scripts/big_topic.py`
    measures the 55,000-card, 7 MB file."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from big_topic import big_topic_yaml
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    data, lines = parse_yaml(big_topic_yaml(3_000))
    assert len(data["cards"]) == 3_000 and lines[("cards", 2_999, "id")] == 5 + 3 * 2_999 + 1


@pytest.mark.timeout(120)  # before: `studyapp validate` hung on the 330-byte alias bomb
def test_validate_names_every_hostile_file_and_counts_the_good_topic(folder, capsys):
    for i, case in enumerate(HOSTILE_TOPICS):
        (folder / f"bad{i:02d}.yaml").write_text(HOSTILE_TOPICS[case][0], encoding="utf-8")
    os.symlink(folder / "gone.yaml", folder / "link.yaml")
    code, out, err = run(capsys, "validate", folder, "--json")
    assert code == 1, err
    report = json.loads(out)
    assert report["topics"] == 1 and "Traceback" not in err
    named = {(path, int(line)) for path, line, _ in (e.split(":", 2) for e in report["errors"])}
    expected = {(f"content/bad{i:02d}.yaml", HOSTILE_TOPICS[case][1]) for i, case in enumerate(HOSTILE_TOPICS)}
    assert named == expected | {("content/link.yaml", 1)}


def test_the_app_serves_the_other_topics_beside_hostile_files(folder, monkeypatch):
    (folder / "bomb.yaml").write_text(billion_laughs(), encoding="utf-8")
    (folder / "deep.yaml").write_text(HOSTILE_TOPICS["deep flow nesting"][0], encoding="utf-8")
    (folder / "keys.yaml").write_text(HOSTILE_TOPICS["list as a key"][0], encoding="utf-8")
    os.symlink(folder / "gone.yaml", folder / "link.yaml")
    at = make_app(monkeypatch, content=folder).run()
    assert not at.exception, at.exception
    banner = at.error[0].value
    for name in ("bomb.yaml:6", "deep.yaml:2", "keys.yaml:2", "link.yaml:1"):
        assert name in banner
    assert "Good topic" in page_text(at)


# --- backups -------------------------------------------------------------------------------


@pytest.fixture
def backed_up(tmp_path, monkeypatch):
    """A database with some progress, and a valid backup of it to spoil."""
    monkeypatch.delenv("STUDYAPP_DB", raising=False)
    monkeypatch.delenv("STUDYAPP_PIN", raising=False)
    db = tmp_path / "progress.sqlite3"
    study(db, name="Mina")
    with Store(db) as store:
        profile = store.profile_by_name("Mina")
        data = json.loads(backups.backup_json(store, profile.id, srs.utcnow()))
    return db, data


def everything(db: Path) -> list:
    """All profiles and all their progress: for 'nothing changed' checks."""
    with Store(db) as store:
        return [(p, store.snapshot(p.id)) for p in store.profiles()]


def foreign_hash(n: int, r: int, p: int) -> str:
    good = pins.hash_pin("1234").split("$")
    return "$".join(["scrypt", str(n), str(r), str(p), *good[4:]])


def review(**changes):
    return lambda d: d["reviews"][0].update(changes)


def state(**changes):
    return lambda d: d["card_states"][0].update(changes)


def settings(**changes):
    return lambda d: d["profile"]["settings"].update(changes)


def attempt(data: dict, answer_json: str) -> dict:
    return {"question_id": "q", "topic_id": "t", "correct": True, "score": 1.0, "answer_json": answer_json,
            "seconds": 1.0, "mode": "practice", "session_id": "s", "at": data["exported_at"]}


# name -> (how to spoil the backup: a function of the data, or of the text; a piece of the message)
FUTURE = (srs.utcnow() + timedelta(days=30)).isoformat()
HOSTILE_BACKUPS = {
    "new_per_day 1e400": ("data", settings(new_per_day="1e400"), "number out of range: 1e400"),
    "NaN FSRS weights": ("data", settings(parameters=["NaN"] * 21), "NaN is not a number"),
    "Infinity retention": ("data", settings(desired_retention="Infinity"), "Infinity is not a number"),
    "weights out of FSRS's bounds": ("data", settings(parameters=[1e300] * 21), "FSRS parameter 0"),
    "weights of the wrong length": ("data", settings(parameters=[1.0]), "FSRS needs 21 parameters"),
    "retention 5": ("data", settings(desired_retention=5), "desired retention must be between"),
    "new_per_day -1": ("data", settings(new_per_day=-1), "new cards per day must be between"),
    "new_per_day as text": ("data", settings(new_per_day="20"), "expected a number"),
    "new_per_day 10**30": ("data", settings(new_per_day=10**30), "new cards per day must be between"),
    "PIN hash with p=100000": ("data", lambda d: d["profile"].update(pin_hash=foreign_hash(2**14, 8, 100_000)),
                               "profile.pin_hash"),
    "PIN hash with N=2**20": ("data", lambda d: d["profile"].update(pin_hash=foreign_hash(2**20, 8, 1)),
                              "profile.pin_hash"),
    "created before year 1 in UTC": ("data", lambda d: d["profile"].update(created_at="0001-01-01T00:00:00+14:00"),
                                     "time out of range"),
    "review in year 9999": ("data", review(reviewed_at="9999-12-31T23:00:00-05:00"), "time out of range"),
    "review in the future": ("data", review(reviewed_at=FUTURE), "time out of range"),
    "due in year 9999": ("data", state(due="9999-12-31T00:00:00+00:00"), "time out of range"),
    "stability 1e308": ("data", state(stability=1e308), "stability: expected a number from"),
    "difficulty 0": ("data", state(difficulty=0), "difficulty: expected a number from"),
    "review card without stability": ("data", state(state=2, stability=None, difficulty=None),
                                      "needs its stability"),
    "learning card without a step": ("data", state(state=1, step=None), "needs its step"),
    "reps 10**30": ("data", state(reps=10**30), "reps: expected a whole number"),
    "deep answer_json": ("data", lambda d: d.update(quiz_attempts=[attempt(d, "[" * 5000 + "]" * 5000)]),
                         "answer_json"),
    "JSON 100,000 levels deep": ("text", lambda t: "[" * 100_000 + "]" * 100_000, "nested more than"),
    "JSON 50 levels deep": ("data", settings(extra=json.loads("[" * 50 + "]" * 50)), "nested more than"),
}


def spoil(data: dict, case: str) -> str:
    kind, change, _ = HOSTILE_BACKUPS[case]
    data = json.loads(json.dumps(data))
    data["profile"]["name"] = "Intruder"  # a new profile: it must not appear either
    if kind == "text":
        return change(json.dumps(data))
    change(data)
    return json.dumps(data).replace('"NaN"', "NaN").replace('"Infinity"', "Infinity").replace('"1e400"', "1e400")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(HOSTILE_BACKUPS))
def test_a_hostile_backup_exits_2_and_changes_nothing(capsys, backed_up, tmp_path, case):
    db, data = backed_up
    path = tmp_path / "hostile.json"
    path.write_text(spoil(data, case), encoding="utf-8")
    before = everything(db)
    for target in ([], ["--profile", "Mina"]):  # a new profile, and over an existing one
        code, _, err = run(capsys, "restore", path, "--db", db, *target)
        assert code == 2, err
        assert HOSTILE_BACKUPS[case][2] in err and "Traceback" not in err, err
    assert everything(db) == before


def test_the_unspoilt_backup_restores(capsys, backed_up, tmp_path):
    db, data = backed_up
    path = tmp_path / "fine.json"
    data["profile"]["name"] = "Copy"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run(capsys, "restore", path, "--db", db)[0] == 0


def test_restore_refuses_a_pipe_instead_of_waiting_on_it(capsys, backed_up, tmp_path):
    db, _ = backed_up
    os.mkfifo(tmp_path / "pipe.json")
    code, _, err = run(capsys, "restore", tmp_path / "pipe.json", "--db", db)
    assert code == 2 and "not a regular file" in err


def test_foreign_pin_hashes_are_refused_without_running_scrypt(monkeypatch):
    slow = foreign_hash(2**14, 8, 100_000)
    assert not pins.is_pin_hash(slow) and not pins.is_pin_hash(foreign_hash(2**20, 8, 1))
    assert pins.is_pin_hash(pins.hash_pin("1234"))
    monkeypatch.setattr(pins.hashlib, "scrypt", lambda *a, **k: pytest.fail("scrypt ran on a foreign hash"))
    assert pins.verify_pin("1234", slow) is False


def test_broken_settings_already_stored_fall_back_to_defaults(tmp_path, monkeypatch):
    """A profile restored before these checks existed (new_per_day 1e400, NaN weights) opens
    again: every broken value reads as its default."""
    db = tmp_path / "old.sqlite3"
    monkeypatch.setenv("STUDYAPP_DB", str(db))
    folder = tmp_path / "content"
    write_topics(folder, cards_per_topic=2, reversible=())
    with Store(db) as store:
        profile = store.create_profile("default")
        store.save_settings(profile.id, {"new_per_day": float("inf"), "desired_retention": float("nan"),
                                         "parameters": [float("nan")] * 21, "optimized_on": -3})
        assert srs.load_settings(store, profile.id) == srs.Settings()
    at = open_page(make_app(monkeypatch, content=folder), "review")
    assert not at.exception, at.exception
    assert "Term t0-c0" in page_text(at)


# --- exports -------------------------------------------------------------------------------


EVIL_TITLE = "Evil\n\n::injected::[markdown]Pwned{=yes ~no}\n\u2028// more"
FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)")


@pytest.fixture
def evil_content(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    title = json.dumps(EVIL_TITLE)  # a JSON string is a YAML string too
    (folder / "evil.yaml").write_text(textwrap.dedent(f"""\
        id: evil
        title: {{en: {title}, ko: "A::B::C"}}
        summary: {{en: S., ko: 요약.}}
        cards:
          - id: evil-card
            term: {{en: {json.dumps(FORMULAS[0])}, ko: {json.dumps(FORMULAS[1])}}}
            definition: {{en: {json.dumps(FORMULAS[2])}, ko: {json.dumps(FORMULAS[3])}}}
        questions:
          - id: evil-q
            type: true_false
            prompt: {{en: "Line one\\n\\n::also-injected::{{=x}}", ko: 질문}}
            cards: [evil-card]
            answer: true
            misconception: {{en: "M\\r\\n\\r\\n::third::{{}}", ko: 엠}}
        """), encoding="utf-8")
    content = load_content(folder, demo_ids=[])
    assert content.errors == [] and content.topics[0].title.en == EVIL_TITLE
    return content


def test_gift_export_keeps_each_title_and_text_on_its_line(evil_content):
    for lang in ("en", "ko"):
        text, skipped = export_gift(evil_content.topics, lang=lang)
        assert skipped == []
        lines = text.splitlines()
        questions = [line for line in lines if line.startswith("::")]
        assert [q.split("::")[1] for q in questions] == ["evil-q"], text
        categories = [line for line in lines if line.startswith("$CATEGORY")]
        assert len(categories) == 1 and "\u2028" not in text
        assert not any(line.startswith("//") for line in lines[1:]), text  # only the file's own header
    en, _ = export_gift(evil_content.topics, lang="en")
    assert "$CATEGORY: $course$/Deep Learning Study/Evil ::injected::[markdown]Pwned{=yes ~no} -- more" in en


def test_anki_decks_do_not_nest_on_a_title_with_double_colons(evil_content):
    tsv = exports.anki_tsv(evil_content, include_reversed=False)
    rows = [line.split("\t") for line in tsv.splitlines() if not line.startswith("#")]
    (row,) = rows
    assert row[2].count("::") == 1 and row[2].startswith(exports.DECK_ROOT + "::Evil")
    assert exports.deck_name("A::B:::C") == f"{exports.DECK_ROOT}::A:B:C"


def test_csv_cells_never_start_a_formula(evil_content):
    text = exports.cards_csv(evil_content, include_reversed=False, states={}, now=srs.utcnow())
    (header, row) = list(csv.reader(io.StringIO(text)))
    cells = dict(zip(header, row))
    for column, value in zip(("term_en", "term_ko", "definition_en", "definition_ko"), FORMULAS):
        assert cells[column] == "'" + value
    assert all(not cell.startswith(exports.FORMULA_STARTS) for cell in row)


# --- what the app shows --------------------------------------------------------------------

HOSTILE_NAMES = ["[Win a prize](http://evil.example)", "**Teacher** <b>x</b>", "$x^2$ :red[alert]",
                 "# Heading", "http://evil.example", "www.evil.example", "me@evil.example", ":material/lock: :smile:"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_plain_escapes_every_markdown_character(name):
    """Read back as CommonMark reads it: every punctuation mark must come escaped (a backslash
    before it), `:`, `.` and `@` after an invisible word joiner (which no autolink or emoji
    pattern matches across), and reading it gives the name back."""
    shown, read, i = plain(name), [], 0
    while i < len(shown):
        if shown[i] == JOINER:
            assert shown[i + 1:i + 3] in ("\\:", "\\.", "\\@")
            i += 1
        elif shown[i] == "\\":
            assert shown[i + 1] in string.punctuation
            assert shown[i + 1] not in ":.@" or shown[i - 1] == JOINER
            read.append(shown[i + 1])
            i += 2
        else:
            assert shown[i] not in string.punctuation, (shown, i)
            read.append(shown[i])
            i += 1
    assert "".join(read) == name
    assert plain("two\nlines") == "two lines"


@pytest.fixture
def env(tmp_path, monkeypatch):
    folder = tmp_path / "content"
    write_topics(folder, cards_per_topic=2, reversible=())
    db = tmp_path / "progress.sqlite3"
    monkeypatch.setenv("STUDYAPP_DB", str(db))
    return folder, db


def test_a_profile_name_in_labels_and_captions_is_escaped(monkeypatch, env):
    folder, db = env
    name = HOSTILE_NAMES[0]
    with Store(db) as store:
        store.create_profile("default")
        ann = store.create_profile(name, pin="2580")
    at = make_app(monkeypatch, content=folder)
    at.session_state["profile_id"] = ann.id
    at = open_page(at, "stats")
    assert at.text_input(key="unlock-pin").label == f"PIN for {plain(name)}"
    at.text_input(key="unlock-pin").input("2580")
    at = next(b for b in at.button if b.label == "Unlock").click().run()
    assert not at.exception
    assert f"Profile {plain(name)} · days are UTC days" in [c.value for c in at.caption]


def test_a_typed_answer_is_length_limited_and_shown_as_typed(monkeypatch, tmp_path):
    from tests.test_question_types_loader import GOOD as QUESTIONS
    from tests.test_question_types_loader import HEAD
    from tests.test_quiz_pages import fill, quiz_page, start

    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "t.yaml").write_text(HEAD + QUESTIONS["typed"], encoding="utf-8")
    at, session = start(quiz_page(monkeypatch, folder), types=["typed"], count=1)
    key = f"quiz-{session.id}-0"
    assert at.text_input(key=key).proto.max_chars == 200
    answer = "[Click](http://evil.example) **now**"
    at = fill(at, session, 0, answer)
    assert not at.exception
    assert any(m.value.startswith(f"Your answer: **{plain(answer)}** · accepted: ") for m in at.markdown)


def test_a_typed_answer_from_a_client_that_ignores_the_limit_is_cut_on_the_server(monkeypatch, tmp_path):
    """max_chars stops the browser; a crafted client can send more. The server keeps 200
    (Streamlit's own deserializer cuts at max_chars, and the widget slices again)."""
    from studyapp.ui.quiz.widgets.typed import MAX_TYPED
    from tests.test_question_types_loader import GOOD as QUESTIONS
    from tests.test_question_types_loader import HEAD
    from tests.test_quiz_pages import quiz_page, start

    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "t.yaml").write_text(HEAD + QUESTIONS["typed"], encoding="utf-8")
    at, session = start(quiz_page(monkeypatch, folder), types=["typed"], count=1)
    key = f"quiz-{session.id}-0"
    widget = at.text_input(key=key)
    widget.set_value("y" * 5_000)  # straight into the widget's value: no max_chars check on the way
    at = next(b for b in at.button if b.label == "Submit answer").click().run()
    assert not at.exception, at.exception
    (shown,) = [m.value for m in at.markdown if m.value.startswith("Your answer: ")]
    assert "y" * MAX_TYPED in shown and "y" * (MAX_TYPED + 1) not in shown


def test_the_picker_can_choose_its_first_profile(monkeypatch, env):
    folder, db = env
    with Store(db) as store:
        ann = store.create_profile("Ann")
        store.create_profile("Bo")
    at = open_page(make_app(monkeypatch, content=folder), "review")
    picker = at.selectbox(key="profile-picker")
    assert picker.value is None and picker.index is None  # before: showed "Ann" while none was open
    assert "Choose your profile in the sidebar" in page_text(at)
    at = picker.set_value(ann.id).run()
    assert at.session_state["profile_id"] == ann.id
    assert "Term t0-c0" in page_text(at)


def unlock(at, pin):
    at.text_input(key="unlock-pin").input(pin)
    return next(b for b in at.button if b.label == "Unlock").click().run()


def test_wrong_pins_slow_the_guessing_session_not_the_owner(monkeypatch, env):
    folder, db = env
    with Store(db) as store:
        kim = store.create_profile("Kim", pin="2580")
    thief = make_app(monkeypatch, content=folder)
    thief.session_state["profile_id"] = kim.id
    thief = open_page(thief, "review")
    for guess in ["0000", "1111", "2222", "3333", "4444", "2580"]:
        thief = unlock(thief, guess)
    assert any("Too many wrong PINs" in e.value for e in thief.sidebar.error)
    assert "Term t0-c0" not in page_text(thief)
    owner = make_app(monkeypatch, content=folder)  # another browser, during the thief's lockout
    owner.session_state["profile_id"] = kim.id
    owner = unlock(open_page(owner, "review"), "2580")
    assert "Term t0-c0" in page_text(owner) and not owner.sidebar.error


def test_a_visitor_cannot_put_a_pin_on_an_open_profile(monkeypatch, env):
    folder, db = env
    with Store(db) as store:
        store.create_profile("default")
    at = open_page(make_app(monkeypatch, content=folder), "review")  # the only profile opens by itself
    assert "Term t0-c0" in page_text(at)
    assert not [i for i in at.text_input if i.key == "set-pin-value"]
    assert any("Only the browser session that created a profile" in c.value for c in at.caption)
    with Store(db) as store:
        assert not store.profile_by_name("default").protected


def test_the_creating_session_sets_a_pin_and_others_need_the_current_one(monkeypatch, env):
    folder, db = env
    creator = open_page(make_app(monkeypatch, content=folder), "review")
    creator.text_input(key="new-profile-name").input("Jisoo")
    creator = next(b for b in creator.button if b.label == "Create profile").click().run()
    assert not [i for i in creator.text_input if i.key == "set-pin-current"]  # its creator needs no old PIN
    creator.text_input(key="set-pin-value").input("4444")
    creator = next(b for b in creator.button if b.label == "Set PIN").click().run()
    assert "PIN saved." in [s.value for s in creator.success]
    with Store(db) as store:
        jisoo = store.profile_by_name("Jisoo")
        assert store.check_pin(jisoo.id, "4444")

    other = make_app(monkeypatch, content=folder)  # the owner on another day, another browser
    other.session_state["profile_id"] = jisoo.id
    other = unlock(open_page(other, "review"), "4444")
    other.text_input(key="set-pin-current").input("0000")
    other.text_input(key="set-pin-value").input("5555")
    other = next(b for b in other.button if b.label == "Set PIN").click().run()
    assert "Wrong PIN." in [e.value for e in other.error]
    other.text_input(key="set-pin-current").input("4444")
    other.text_input(key="set-pin-value").input("5555")
    other = next(b for b in other.button if b.label == "Set PIN").click().run()
    assert "PIN saved." in [s.value for s in other.success]
    with Store(db) as store:
        assert store.check_pin(jisoo.id, "5555")


def test_no_traceback_reaches_the_page_when_error_details_are_off(monkeypatch, env):
    from streamlit import config
    from streamlit.logger import get_logger

    import studyapp.ui.content_cache as content_cache

    folder, _ = env

    def broken():
        raise RuntimeError("secret: /home/teacher/.ssh/id_rsa")

    monkeypatch.setattr(content_cache, "current_content", broken)
    at = make_app(monkeypatch, content=folder).run()
    assert at.exception  # with tracebacks on (Streamlit's default, a developer's setting) it is raised
    logged = []
    handler = logging.Handler()
    handler.emit = logged.append
    server_log = get_logger("studyapp")
    server_log.addHandler(handler)
    config.set_option("client.showErrorDetails", "none")
    try:
        at = make_app(monkeypatch, content=folder).run()
    finally:
        config.set_option("client.showErrorDetails", "full")
        server_log.removeHandler(handler)
    assert [r.exc_info[0] for r in logged] == [RuntimeError]  # the traceback goes to the server's log
    assert "secret" in "".join(traceback.format_exception(*logged[0].exc_info))
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Something went wrong on this page. The details are in the server's log. Try again, or open another page."]
    assert "secret" not in page_text(at)


# --- the command line ----------------------------------------------------------------------


def test_studyapp_run_sets_classroom_defaults_and_lets_flags_override(monkeypatch):
    argv = []
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr("streamlit.web.cli.main", lambda: argv.extend(sys.argv) or 0)
    from studyapp.cli import main

    assert main(["run", "--server.port", "8502", "--client.toolbarMode=developer"]) == 0
    assert argv[:3] == ["streamlit", "run", str(app_cmd.APP_SCRIPT)]
    assert "--client.showErrorDetails=none" in argv and "--browser.gatherUsageStats=false" in argv
    assert "--client.toolbarMode=viewer" not in argv and "--client.toolbarMode=developer" in argv
    assert argv[-3:] == ["--server.port", "8502", "--client.toolbarMode=developer"]


def test_make_run_goes_through_studyapp_run():
    assert "$(BIN)/studyapp run" in (ROOT / "Makefile").read_text()


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    """`studyapp stats | head` when head has already left: no BrokenPipeError traceback."""
    env = {**os.environ, "STUDYAPP_DB": str(tmp_path / "p.sqlite3")}
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first byte is written
    try:
        done = subprocess.run([sys.executable, "-m", "studyapp", "stats"], cwd=ROOT, env=env, stdout=writer,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(writer)
    assert done.returncode == 141 and "Traceback" not in done.stderr, done.stderr


def test_the_pin_can_come_from_the_environment_or_a_prompt(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("STUDYAPP_DB", raising=False)
    monkeypatch.delenv("STUDYAPP_PIN", raising=False)
    db = tmp_path / "p.sqlite3"
    with Store(db) as store:
        store.create_profile("Ben", pin="5555")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "stats", "--db", db, "--profile", "Ben")
    assert code == 2 and "STUDYAPP_PIN" in err
    monkeypatch.setenv("STUDYAPP_PIN", "5555")
    assert run(capsys, "stats", "--db", db, "--profile", "Ben", "--json")[0] == 0
    monkeypatch.delenv("STUDYAPP_PIN")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: "5555")
    assert run(capsys, "stats", "--db", db, "--profile", "Ben", "--json")[0] == 0
    code, _, err = run(capsys, "stats", "--db", db, "--profile", "Ben", "--pin", "5555", "--json")
    assert code == 0 and "visible to other users" in err  # still works, with a warning


def test_profile_pin_needs_the_current_pin(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("STUDYAPP_DB", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    db = tmp_path / "p.sqlite3"
    with Store(db) as store:
        store.create_profile("Ben", pin="5555")
        store.create_profile("Ana")
    monkeypatch.setenv("STUDYAPP_NEW_PIN", "7777")
    monkeypatch.setenv("STUDYAPP_PIN", "0000")
    code, _, err = run(capsys, "profile", "pin", "Ben", "--db", db)
    assert code == 2 and "wrong PIN" in err
    monkeypatch.setenv("STUDYAPP_PIN", "5555")
    assert run(capsys, "profile", "pin", "Ben", "--db", db)[0] == 0
    assert run(capsys, "profile", "pin", "Ana", "--db", db)[0] == 0  # no PIN yet: the server's user may set one
    monkeypatch.setenv("STUDYAPP_PIN", "7777")
    assert run(capsys, "profile", "pin", "Ben", "--remove", "--db", db)[0] == 0
    with Store(db) as store:
        assert not store.profile_by_name("Ben").protected and store.check_pin(store.profile_by_name("Ana").id, "7777")
