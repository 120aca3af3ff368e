"""Load every topic file in a folder, collecting *all* errors as `path:line: message`.

Loading goes in three passes so that one broken file never hides another's problems:

1. parse each YAML file, remembering the line of every node (for error messages);
2. validate each file against the typed models, plus each question's own rules;
3. check what spans files: unique ids, and references to cards and demos that exist.

A file with any error is left out of the result; every other topic still loads.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import TypeAdapter, ValidationError

from studyapp.content.models import Topic
from studyapp.content.questions import QUESTION_TYPES, Question

CONTENT_ENV = "STUDYAPP_CONTENT"
PathKey = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class ContentError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Content:
    """The topics that loaded cleanly, and every error found on the way."""

    topics: list[Topic] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    folder: Path | None = None

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def cards(self):
        return [card for topic in self.topics for card in topic.cards]

    def questions(self):
        return [q for topic in self.topics for q in topic.questions]


def default_content_dir() -> Path:
    """The bundled topics: `content/` beside the package in a checkout, or the installed copy."""
    checkout = Path(__file__).resolve().parents[2] / "content"
    if checkout.is_dir():
        return checkout
    import studyapp_content  # installed from content/ by pyproject.toml

    return Path(studyapp_content.__path__[0])


def content_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--content DIR, else $STUDYAPP_CONTENT, else the bundled topics."""
    chosen = explicit or os.environ.get(CONTENT_ENV)
    return Path(chosen) if chosen else default_content_dir()


def display_path(path: Path) -> str:
    """A short path for messages: relative to the working directory when inside it."""
    # The folder is resolved, the name is not: a (broken) link is named as itself, not its target.
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- pass 1: YAML with line numbers -------------------------------------------------------

# Limits that keep a hostile or broken file from taking the app down. Real topics are far
# below each of them (the bundled ones nest 6 levels deep and use no aliases).
MAX_FILE_BYTES = 32 * 1024 * 1024  # a 55,000-card topic is about 7 MB
MAX_DEPTH = 64  # nested lists and mappings
MAX_ALIAS_NODES = 100_000  # nodes that `*alias`es may add to a file, all aliases together
MAX_INT_DIGITS = 19  # whole numbers fit in 64 bits (anything longer is a typo or an attack)

# The C parser (libyaml) when PyYAML has it: many times faster than the pure-Python one (a
# 55,000-card file: seconds instead of a minute or more; scripts/big_topic.py measures it).
# Either way only its event stream is used, so the limits above hold for both.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def read_topic_text(path: Path) -> str:
    """A topic file's text. Refuses what is not a regular file (a broken link, a folder, a
    pipe that would block forever) and files too large to be a topic; raises OSError or
    UnicodeDecodeError with a message for the error banner."""
    info = path.stat()  # follows links: a broken link raises FileNotFoundError here
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"not a regular file: {path.name}")
    if info.st_size > MAX_FILE_BYTES:
        raise OSError(f"file too large ({info.st_size / 2**20:.0f} MiB; a topic file has at most "
                      f"{MAX_FILE_BYTES // 2**20} MiB)")
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise OSError(f"file too large (a topic file has at most {MAX_FILE_BYTES // 2**20} MiB)")
    return raw.decode("utf-8")


class _Collection:
    """A list or mapping being built from the event stream."""

    __slots__ = ("value", "path", "anchor", "first_node", "key", "key_line", "seen", "merges")

    def __init__(self, value: list | dict, path: PathKey, anchor: str | None, first_node: int) -> None:
        self.value, self.path, self.anchor, self.first_node = value, path, anchor, first_node
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.seen: dict[Any, int] = {}
        self.merges: list[tuple[Any, int]] = []


_NO_KEY = object()  # a mapping waiting for its next key
_MERGE = object()  # `<<: *defaults`: YAML's merge key


def _problem_line(exc: yaml.YAMLError, text: str) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return mark.line + 1
    position = getattr(exc, "position", None)  # a ReaderError (a control character) has only this
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1


def parse_yaml(text: str) -> tuple[Any, dict[PathKey, int]]:
    """Safely parse one YAML document; return the data and the 1-based line of each node.

    Builds the data straight from the parser's events, without recursion, so it can refuse
    what would hang or crash a loader: nesting deeper than MAX_DEPTH, aliases that expand to
    more than MAX_ALIAS_NODES nodes (the "billion laughs"), an alias inside itself, mapping
    keys that are lists or mappings, and numbers too large to use. Every refusal is a
    `YamlProblem` with the line it is about.
    """
    try:
        return _build(text)
    except YamlProblem as problem:
        raise YamlProblem(min(problem.line, _last_line(text)), problem.message) from None
    except yaml.MarkedYAMLError as exc:
        line = min(_problem_line(exc, text), _last_line(text))
        kind = "YAML syntax error" if isinstance(exc, (yaml.scanner.ScannerError, yaml.parser.ParserError)) else "YAML error"
        raise YamlProblem(line, f"{kind}: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        line = min(_problem_line(exc, text), _last_line(text))
        raise YamlProblem(line, f"YAML error: {exc}".splitlines()[0]) from None


_BREAK = "\r\n|[\r\n\x85\u2028\u2029]"  # what YAML counts as a line break
_BREAKS, _FINAL_BREAK = re.compile(_BREAK), re.compile(f"(?:{_BREAK})\\Z")


def _last_line(text: str) -> int:
    """The file's last line: an error found at the end of the file (libyaml's mark is then on
    the line after a final line break, or past a file with none) is reported on it."""
    breaks = len(_BREAKS.findall(text))
    ends_with_break = _FINAL_BREAK.search(text) is not None
    return max(1, breaks if ends_with_break else breaks + 1)


def _scalar(constructor: yaml.SafeLoader, event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = constructor.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == "tag:yaml.org,2002:str":
        return event.value  # most scalars: no constructor call needed
    if tag == "tag:yaml.org,2002:merge":
        return _MERGE
    line = event.start_mark.line + 1
    build = constructor.yaml_constructors.get(tag)
    if build is None:
        raise YamlProblem(line, f"unsupported tag {tag!r}")
    if tag == "tag:yaml.org,2002:int" and sum(ch.isdigit() for ch in event.value) > MAX_INT_DIGITS:
        raise YamlProblem(line, f"number too large: {event.value[:24]}... ({len(event.value)} characters)")
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        value = build(constructor, node)
    except (ValueError, OverflowError) as exc:
        raise YamlProblem(line, f"cannot read {event.value[:40]!r} as {tag.rsplit(':', 1)[-1]}: {exc}") from None
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        raise YamlProblem(line, f"number too large: {event.value[:24]}{'...' if len(event.value) > 24 else ''}")
    if isinstance(value, float) and value in (float("inf"), float("-inf")) and "inf" not in event.value.lower():
        raise YamlProblem(line, f"number too large: {event.value[:24]}{'...' if len(event.value) > 24 else ''}")
    return value


def _build(text: str) -> tuple[Any, dict[PathKey, int]]:
    parser = _Parser(text)
    constructor = yaml.SafeLoader("")  # resolves and constructs scalars: the safe set of tags only
    lines: dict[PathKey, int] = {}
    anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, its node count, line)
    open_anchors: set[str] = set()
    stack: list[_Collection] = []
    nodes = 0  # nodes built so far (aliases count what they repeat)
    alias_nodes = 0
    result: Any = None
    documents = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlProblem(line, "a topic file holds one YAML document (found a second `---`)")
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                done = stack.pop()
                if done.merges:
                    _merge(done, lines)
                if done.anchor is not None:
                    anchors[done.anchor] = (done.value, nodes - done.first_node + 1, lines.get(done.path, line))
                    open_anchors.discard(done.anchor)
                value, count, start = done.value, 0, lines.get(done.path, line)
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor in open_anchors:
                    raise YamlProblem(line, f"alias *{event.anchor} is used inside its own anchor (a loop)")
                if event.anchor not in anchors:
                    raise YamlProblem(line, f"unknown alias *{event.anchor}")
                value, count, _ = anchors[event.anchor]
                alias_nodes += count
                if alias_nodes > MAX_ALIAS_NODES:
                    raise YamlProblem(line, f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes "
                                            "(a file that multiplies itself through *aliases)")
                nodes += count
                start = line
            elif isinstance(event, yaml.ScalarEvent):
                nodes += 1
                value, start = _scalar(constructor, event), line
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1, line)
            else:  # a list or a mapping starts
                nodes += 1
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(line, f"nested more than {MAX_DEPTH} levels deep")
                tag = event.tag
                if tag not in (None, "!", _SEQ if isinstance(event, yaml.SequenceStartEvent) else _MAP):
                    raise YamlProblem(line, f"unsupported tag {tag!r}")
                parent = stack[-1] if stack else None
                if parent is not None and isinstance(parent.value, dict) and parent.key is _NO_KEY:
                    kind = "list" if isinstance(event, yaml.SequenceStartEvent) else "mapping"
                    raise YamlProblem(line, f"a mapping key must be a name or a number, not a {kind}")
                path = _child_path(parent, line)
                lines[path] = line
                container: list | dict = [] if isinstance(event, yaml.SequenceStartEvent) else {}
                if event.anchor is not None:
                    open_anchors.add(event.anchor)
                stack.append(_Collection(container, path, event.anchor, nodes))
                continue
            if not stack:
                result = value
                lines.setdefault((), start)
                continue
            _add(stack[-1], value, start, lines)
    finally:
        parser.dispose()
        constructor.dispose()
    if not lines:
        lines[()] = 1
    return result, lines


def _child_path(parent: _Collection | None, line: int) -> PathKey:
    if parent is None:
        return ()
    if isinstance(parent.value, list):
        return parent.path + (len(parent.value),)
    return parent.path + (parent.key,)


def _add(parent: _Collection, value: Any, line: int, lines: dict[PathKey, int]) -> None:
    if isinstance(parent.value, list):
        lines.setdefault(parent.path + (len(parent.value),), line)
        parent.value.append(value)
        return
    if parent.key is _NO_KEY:  # this value is a key
        if isinstance(value, (list, dict)):
            raise YamlProblem(line, "a mapping key must be a name or a number, not an alias of a list or mapping")
        if value is _MERGE:
            parent.key, parent.key_line = _MERGE, line
            return
        try:
            first = parent.seen.get(value)
        except TypeError:
            raise YamlProblem(line, "a mapping key must be a name or a number") from None
        if first is not None:
            raise YamlProblem(line, f"duplicate key {value!r} (first at line {first})")
        parent.seen[value] = line
        parent.key, parent.key_line = value, line
        return
    if value is _MERGE:
        raise YamlProblem(line, "`<<` (merge) can only be a mapping key")
    key, parent.key = parent.key, _NO_KEY
    if key is _MERGE:
        parent.merges.append((value, parent.key_line))
        return
    parent.value[key] = value
    lines[parent.path + (key,)] = parent.key_line  # point at the key, where a reader looks


def _merge(done: _Collection, lines: dict[PathKey, int]) -> None:
    """`<<: *base` (or a list of them): keys of `base` that the mapping does not set itself."""
    mapping = done.value
    assert isinstance(mapping, dict)
    for merged, line in done.merges:
        sources = merged if isinstance(merged, list) else [merged]
        for source in sources:
            if not isinstance(source, dict):
                raise YamlProblem(line, "`<<` merges a mapping (or a list of mappings) into this one")
            for key, value in source.items():
                if key not in mapping:
                    mapping[key] = value
                    lines[done.path + (key,)] = line


def line_of(lines: dict[PathKey, int], loc: Iterable[str | int]) -> tuple[int, str]:
    """The line of the deepest node of `loc` that exists, and `loc` written as a.b[0].c.

    Pydantic's error locations may contain steps that are not in the file: the tag of a
    question type (skipped) or a missing field (named, pointing at its parent's line).
    """
    found: PathKey = ()
    dotted = ""
    for step in loc:
        if found + (step,) in lines:
            found += (step,)
        elif step in QUESTION_TYPES:
            continue
        dotted += f"[{step}]" if isinstance(step, int) else (f".{step}" if dotted else str(step))
    return lines.get(found, 1), dotted


# --- pass 2: one file against the models --------------------------------------------------


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # the latter: a Text (a dataclass)
        return "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        return f"unknown question type; expected one of: {', '.join(sorted(QUESTION_TYPES))}"
    if kind == "union_tag_not_found":
        return f"a question needs `type:` (one of: {', '.join(sorted(QUESTION_TYPES))})"
    message = error["msg"]
    if kind == "dataclass_type":  # a Text that is not a mapping: worded as for every other model
        message = f"Input should be a valid dictionary or instance of {error['ctx']['class_name']}"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        message += f", got {type(error.get('input')).__name__} {error.get('input')!r}"
    return message


def load_topic_file(path: Path, shown: str) -> tuple[Topic | None, dict[PathKey, int], list[ContentError]]:
    try:
        text = read_topic_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, {}, [ContentError(shown, 1, f"cannot read file: {reason}")]
    try:
        data, lines = parse_yaml(text)
    except YamlProblem as problem:
        return None, {}, [ContentError(shown, problem.line, problem.message)]
    if not isinstance(data, dict):
        return None, lines, [ContentError(shown, 1, "a topic file must be a mapping with id, title, summary and cards")]
    try:
        topic = Topic.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            loc = error["loc"]
            if error["type"].startswith("union_tag"):
                loc = (*loc, "type")  # point at the `type:` line itself
            line, where = line_of(lines, loc)
            message = _pydantic_message(error)
            errors.append(ContentError(shown, line, f"{where}: {message}" if where else message))
        # The file failed, but questions that did parse still get their own rules checked,
        # so one pass reports everything wrong with the file.
        raw_questions = data.get("questions")
        for qi, raw in enumerate(raw_questions if isinstance(raw_questions, list) else []):
            try:
                question = _QUESTION.validate_python(raw)
            except ValidationError:
                continue  # already reported above
            errors += _question_problems(question, qi, lines, shown)
        return None, lines, sorted(set(errors))
    errors = []
    for qi, question in enumerate(topic.questions):
        errors += _question_problems(question, qi, lines, shown)
    return topic, lines, errors


_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)


def _question_problems(question: Question, index: int, lines: dict[PathKey, int], shown: str) -> list[ContentError]:
    found = []
    for loc, message in question.problems():
        line, where = line_of(lines, ("questions", index, *loc))
        found.append(ContentError(shown, line, f"{where}: {message}"))
    return found


# --- pass 3: what spans files -------------------------------------------------------------


def load_content(folder: str | os.PathLike | None = None, *, demo_ids: Iterable[str] | None = None) -> Content:
    """Load and check every `*.yaml` topic in `folder` (default: see `content_dir`).

    `demo_ids` are the demos that exist; by default the registry in `demos` is asked,
    which does not import torch.
    """
    root = content_dir(folder)
    content = Content(folder=root)
    if not root.is_dir():
        content.errors.append(ContentError(display_path(root), 1, "content folder not found"))
        return content
    if demo_ids is None:
        from demos import demo_ids as registered

        demo_ids = registered()
    known_demos = set(demo_ids)

    parsed: list[tuple[Topic, dict[PathKey, int], str]] = []
    bad_files: set[str] = set()
    for path in sorted([*root.glob("*.yaml"), *root.glob("*.yml")]):
        shown = display_path(path)
        topic, lines, errors = load_topic_file(path, shown)
        content.errors.extend(errors)
        if errors or topic is None:
            bad_files.add(shown)
        if topic is not None:
            parsed.append((topic, lines, shown))

    # Ids are global: progress is keyed by them, so two cards may never share one.
    first_seen: dict[tuple[str, str], str] = {}
    cross: list[ContentError] = []
    for topic, lines, shown in parsed:
        owned = [("topic", topic.id, ("id",))]
        owned += [("card", c.id, ("cards", i, "id")) for i, c in enumerate(topic.cards)]
        owned += [("question", q.id, ("questions", i, "id")) for i, q in enumerate(topic.questions)]
        for kind, ident, loc in owned:
            key = (kind, ident)
            if key in first_seen:
                cross.append(ContentError(shown, lines.get(loc, 1), f"duplicate {kind} id {ident!r} (also in {first_seen[key]})"))
            else:
                first_seen[key] = f"{shown}:{lines.get(loc, 1)}"

    card_ids = {ident for kind, ident in first_seen if kind == "card"}
    for topic, lines, shown in parsed:
        for i, demo in enumerate(topic.demos):
            if demo not in known_demos:
                cross.append(ContentError(shown, lines.get(("demos", i), 1), f"demos[{i}]: unknown demo {demo!r}; known: {', '.join(sorted(known_demos))}"))
        for ci, card in enumerate(topic.cards):
            for k, confusion in enumerate(card.confused_with):
                loc = ("cards", ci, "confused_with", k, "card")
                if confusion.card not in card_ids:
                    cross.append(ContentError(shown, lines.get(loc, 1), f"cards[{ci}].confused_with[{k}].card: unknown card {confusion.card!r}"))
                elif confusion.card == card.id:
                    cross.append(ContentError(shown, lines.get(loc, 1), f"cards[{ci}].confused_with[{k}].card: a card cannot be confused with itself"))
        for qi, question in enumerate(topic.questions):
            for k, ref in enumerate(question.cards):
                if ref not in card_ids:
                    cross.append(ContentError(shown, lines.get(("questions", qi, "cards", k), 1), f"questions[{qi}].cards[{k}]: unknown card {ref!r}"))

    content.errors.extend(cross)
    bad_files |= {e.path for e in cross}
    content.topics = sorted(
        (topic for topic, _, shown in parsed if shown not in bad_files),
        key=lambda t: (t.order, t.id),
    )
    content.errors.sort()
    return content
