"""Property tests (hypothesis) for the two parsers that read files from outside: the content
loader's YAML reader and the progress-backup parser.

Whatever they are given, they end in a value or in their own error (a `YamlProblem` with a
line inside the file, a `BackupError`), never in another exception, a hang or a crash; valid
input reads back as PyYAML / json read it; a backup that passes the checks restores, and its
profile's settings are usable."""

from __future__ import annotations

import json
import math
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from studyapp import srs
from studyapp.content import load_content
from studyapp.content.loader import MAX_DEPTH, YamlProblem, parse_yaml
from studyapp.srs import backup as backups
from studyapp.store import Store
from tests.test_hostile_inputs import GOOD
from tests.test_srs_cli import study

# --- the YAML reader -----------------------------------------------------------------------

# Pieces YAML gives meaning to, so random text reaches the parser's corners, not just its scanner.
YAML_PIECES = ["\n", "  ", "- ", ": ", "? ", "[", "]", "{", "}", ",", "&a ", "*a", "&b ", "*b", "<<: ", "!!str ",
               "!!python/name:os.system ", "|\n", ">-\n", "'", '"', "#", "---\n", "...\n", "%YAML 1.1\n", "\t",
               "x", "id", "cards", "0x", "9" * 25, "1e400", ".nan", "-.inf", "~", "null", "yes", "2020-01-01",
               "가", "\x00", "\ufeff", "\\"]
BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks
yamlish = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=4), max_size=60).map("".join)

scalars = (st.none() | st.booleans() | st.integers(-10**18, 10**18)
           | st.floats(allow_nan=False, allow_infinity=False, width=64)
           | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20))
keys = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10) | st.integers(-1000, 1000)
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                         max_leaves=25)


def depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


def paths(value, prefix=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield prefix + (key,)
            yield from paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield prefix + (i,)
            yield from paths(child, prefix + (i,))


def same(a, b) -> bool:
    """Equal, with -0.0 == 0.0 and a float's type kept apart from an int's."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b


@settings(max_examples=400, deadline=None)
@given(yamlish)
def test_parse_yaml_returns_data_or_a_yaml_problem_inside_the_file(text):
    try:
        data, lines = parse_yaml(text)
    except YamlProblem as problem:
        assert 1 <= problem.line <= len(BREAKS.findall(text)) + 1, (problem.line, problem.message)
        assert problem.message and "\n" not in problem.message
        return
    assert depth(data) <= MAX_DEPTH
    assert all(1 <= line <= len(BREAKS.findall(text)) + 1 for line in lines.values())


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([None, False]), st.booleans())
def test_valid_yaml_reads_as_pyyaml_reads_it_and_every_node_has_its_line(document, flow, unicode):
    text = yaml.safe_dump({"doc": document}, default_flow_style=flow, allow_unicode=unicode, sort_keys=False)
    data, lines = parse_yaml(text)
    assert same(data, yaml.safe_load(text)) and same(data["doc"], document)
    last = text.count("\n") + 1
    for path in paths(data):
        assert 1 <= lines[path] <= last, path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | yamlish.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_file_beside_a_good_topic_leaves_the_good_topic_served(raw):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "good.yaml").write_text(GOOD, encoding="utf-8")
        (folder / "other.yaml").write_bytes(raw)
        content = load_content(folder, demo_ids=[])
    assert "good" in [t.id for t in content.topics]
    for error in content.errors:
        assert error.path.endswith("other.yaml") and error.line >= 1 and error.message, error


# --- the backup parser ---------------------------------------------------------------------

NOW = srs.utcnow()


@pytest.fixture(scope="module")
def valid_backup(tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("backup") / "progress.sqlite3"
    study(db, name="Mina")
    with Store(db) as store:
        profile = store.profile_by_name("Mina")
        srs.save_settings(store, profile.id, srs.Settings())
        return json.loads(backups.backup_json(store, profile.id, NOW))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["NaN", "Infinity", "2020-01-01T00:00:00+00:00", "9999-12-31T23:59:59+14:00", "0001-01-01",
                       "scrypt$16384$8$1$AAAA$BBBB", "", "x" * 300]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10)


def places(value, prefix=()):
    """Every place in the backup that a mutation can replace: (container path, key)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield prefix, key
            yield from places(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield prefix, i
            yield from places(child, prefix + (i,))


def alike(value):
    """Values of the same kind as `value`, near and far from what the app writes, so that many
    mutated backups pass the checks and get restored; None for lists and objects."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(-10, 2 * abs(value) + 10) | st.integers()
    if isinstance(value, float):
        return (st.floats(0.0, 2 * abs(value) + 1) | st.floats(allow_nan=False, allow_infinity=False)
                | st.sampled_from([0.0, 1.0, 0.5, 1e-300, 1e300]))
    if isinstance(value, str):
        if value[:4].isdigit() and "T" in value:  # a time
            times = st.datetimes(timezones=st.timezones())
            return st.sampled_from([value[:19] + "+09:00", value[:19] + "Z", value[:10]]) | times.map(str) | times.map(
                lambda t: t.isoformat())
        return st.text(max_size=40) | st.just(value + value)
    return None


def check_parse(text: str | bytes):
    """parse_backup's only outcomes: a Backup, or a BackupError with a one-line message."""
    try:
        return backups.parse_backup(text, now=NOW)
    except backups.BackupError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        return None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_any_text_is_a_backup_or_a_backup_error(text):
    check_parse(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_mutated_backup_is_refused_or_restores_into_a_usable_profile(valid_backup, data):
    backup = json.loads(json.dumps(valid_backup))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        container_path, key = data.draw(st.sampled_from(list(places(backup))), label="place")
        container = backup
        for step in container_path:
            container = container[step]
        like = alike(container[key])
        container[key] = data.draw(like | json_values if like is not None else json_values,
                                   label=f"value at {container_path + (key,)}")
    try:
        text = json.dumps(backup, allow_nan=True)  # NaN / Infinity written as JSON's non-standard constants
    except (ValueError, OverflowError):
        assume(False)
    parsed = check_parse(text)
    event("refused" if parsed is None else "accepted, restored")
    if parsed is None:
        return
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p.sqlite3") as store:
        profile = backups.restore_backup(store, parsed)
        loaded = srs.load_settings(store, profile.id)
        assert loaded == srs.Settings.from_dict(parsed.settings)  # stored as given, not fallen back to defaults
        assert all(math.isfinite(w) for w in loaded.weights)
        for state in parsed.states[:3]:  # the review page can rate what was restored
            at = max(NOW, state.last_review or NOW)
            srs.review_card(store, profile.id, state.card_key, 3, at + timedelta(minutes=1), fuzz=False)

def test_the_unmutated_backup_parses(valid_backup):
    assert check_parse(json.dumps(valid_backup)) is not None
