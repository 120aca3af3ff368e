"""The loader reports every problem as `path:line: message`, pointing at the offending node."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from studyapp.content import load_content
from studyapp.content.loader import parse_yaml

GOOD_CARD = """\
  - id: {id}
    term: {{en: Term {id}, ko: 용어 {id}}}
    definition: {{en: Meaning., ko: 뜻.}}
"""


def topic(topic_id: str, cards: str, extra: str = "") -> str:
    return textwrap.dedent(f"""\
        id: {topic_id}
        title: {{en: Title, ko: 제목}}
        summary: {{en: Summary., ko: 요약.}}
        """) + "cards:\n" + cards + extra


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages show paths relative to the working directory
    return tmp_path


def errors_of(folder: Path) -> list[str]:
    return [str(e) for e in load_content(folder, demo_ids=["known-demo"]).errors]


def test_valid_fixture_loads_cleanly(valid_content):
    content = load_content(valid_content, demo_ids=["overfitting"])
    assert content.errors == []
    assert [t.id for t in content.topics] == ["alpha", "beta"]
    assert content.topic("alpha").cards[0].term.get("ko") == "알파 용어"


def test_yaml_syntax_error_names_the_line(folder):
    (folder / "a.yaml").write_text("id: a\ntitle: {en: x, ko: y\nsummary: z\n")
    errors = errors_of(folder)
    assert len(errors) == 1
    assert errors[0].startswith("a.yaml:3: YAML syntax error")


def test_unknown_key_points_at_the_key(folder):
    cards = GOOD_CARD.format(id="c1") + "    colour: red\n"
    (folder / "a.yaml").write_text(topic("a", cards))
    assert errors_of(folder) == ["a.yaml:8: cards[0].colour: unknown key"]


def test_text_fields_are_the_apps_one_text_type_checked_like_a_model(folder):
    """Content's strings are studyapp.text.Text: stripped, never empty, no unknown keys."""
    from studyapp.text import Text

    cards = ("  - id: c1\n    term: {en: '  Term  ', ko: 용어}\n    definition: {en: d, ko: 디}\n"
             "    pitfalls:\n      - {en: ' ', ko: 디}\n      - {en: p, kr: q}\n      - just text\n")
    (folder / "a.yaml").write_text(topic("a", cards))
    assert errors_of(folder) == [
        "a.yaml:9: cards[0].pitfalls[0].en: String should have at least 1 character",
        "a.yaml:10: cards[0].pitfalls[1].ko: required field is missing",
        "a.yaml:10: cards[0].pitfalls[1].kr: unknown key",
        "a.yaml:11: cards[0].pitfalls[2]: Input should be a valid dictionary or instance of Text, got str 'just text'",
    ]
    (folder / "a.yaml").write_text(topic("a", cards.split("    pitfalls:")[0]))
    term = load_content(folder, demo_ids=[]).topics[0].cards[0].term
    assert type(term) is Text and term == Text("Term", "용어")


def test_missing_required_field_points_at_its_parent(folder):
    cards = "  - id: c1\n    term: {en: Only English}\n    definition: {en: d, ko: 디}\n"
    (folder / "a.yaml").write_text(topic("a", cards))
    assert errors_of(folder) == ["a.yaml:6: cards[0].term.ko: required field is missing"]


def test_wrong_type_names_the_value(folder):
    cards = GOOD_CARD.format(id="c1") + "    reversible: [yes]\n"
    (folder / "a.yaml").write_text(topic("a", cards))
    (error,) = errors_of(folder)
    assert error.startswith("a.yaml:8: cards[0].reversible: ")
    assert "bool" in error


def test_duplicate_ids_across_files(folder):
    (folder / "a.yaml").write_text(topic("a", GOOD_CARD.format(id="shared")))
    (folder / "b.yaml").write_text(topic("b", GOOD_CARD.format(id="other") + GOOD_CARD.format(id="shared")))
    assert errors_of(folder) == ["b.yaml:8: duplicate card id 'shared' (also in a.yaml:5)"]
    # the first file still loads; the file with the clash is held back
    assert [t.id for t in load_content(folder, demo_ids=[]).topics] == ["a"]


def test_duplicate_key_in_one_mapping(folder):
    (folder / "a.yaml").write_text(topic("a", GOOD_CARD.format(id="c1")) + "title: {en: again, ko: 다시}\n")
    assert errors_of(folder) == ["a.yaml:8: duplicate key 'title' (first at line 2)"]


def test_references_to_unknown_cards_and_demos(folder):
    cards = GOOD_CARD.format(id="c1") + "    confused_with:\n      - {card: ghost, difference: {en: x, ko: y}}\n"
    questions = textwrap.dedent("""\
        demos: [known-demo, missing-demo]
        questions:
          - id: q1
            type: true_false
            prompt: {en: p, ko: 피}
            cards: [c1, nowhere]
            answer: true
            misconception: {en: m, ko: 엠}
        """)
    (folder / "a.yaml").write_text(topic("a", cards, questions))
    assert errors_of(folder) == [
        "a.yaml:9: cards[0].confused_with[0].card: unknown card 'ghost'",
        "a.yaml:10: demos[1]: unknown demo 'missing-demo'; known: known-demo",
        "a.yaml:15: questions[0].cards[1]: unknown card 'nowhere'",
    ]


def test_choice_question_without_a_correct_choice(folder):
    questions = textwrap.dedent("""\
        questions:
          - id: q1
            type: single_choice
            prompt: {en: p, ko: 피}
            cards: [c1]
            choices:
              - {text: {en: a, ko: 에이}, explanation: {en: why not, ko: 아닌 이유}}
              - {text: {en: b, ko: 비}, explanation: {en: why not, ko: 아닌 이유}}
        """)
    (folder / "a.yaml").write_text(topic("a", GOOD_CARD.format(id="c1"), questions))
    assert errors_of(folder) == [
        "a.yaml:13: questions[0].choices: a single_choice question needs exactly one correct choice, found 0"
    ]


def test_unknown_question_type_points_at_type(folder):
    questions = "questions:\n  - id: q1\n    type: essay\n    prompt: {en: p, ko: 피}\n    cards: [c1]\n"
    (folder / "a.yaml").write_text(topic("a", GOOD_CARD.format(id="c1"), questions))
    (error,) = errors_of(folder)
    assert error.startswith("a.yaml:10: questions[0].type: unknown question type")


def test_all_errors_are_collected_and_good_files_still_load(folder):
    (folder / "good.yaml").write_text(topic("good", GOOD_CARD.format(id="g1")))
    (folder / "bad.yaml").write_text(topic("bad", GOOD_CARD.format(id="b1") + "    oops: 1\n  - id: b2\n"))
    (folder / "worse.yaml").write_text("id: [\n")
    content = load_content(folder, demo_ids=[])
    paths = [e.path for e in content.errors]
    assert paths.count("bad.yaml") == 3  # oops, and b2's missing term and definition
    assert "worse.yaml" in paths
    assert [t.id for t in content.topics] == ["good"]


def test_missing_folder_is_an_error_not_a_crash(tmp_path):
    content = load_content(tmp_path / "nope", demo_ids=[])
    assert content.topics == [] and "content folder not found" in str(content.errors[0])


def test_parse_yaml_is_safe():
    with pytest.raises(Exception):
        parse_yaml("!!python/object/apply:os.system ['echo hacked']")
