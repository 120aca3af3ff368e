"""Load every topic file in a folder, collecting *all* errors as `path:line: message`.

Loading goes in three passes so that one broken file never hides another's problems:

1. parse each YAML file, remembering the line of every node (for error messages);
2. validate each file against the typed models, plus each question's own rules;
3. check what spans files: unique ids, and references to cards and demos that exist.

A file with any error is left out of the result; every other topic still loads.
"""

from __future__ import annotations

import os
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
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- pass 1: YAML with line numbers -------------------------------------------------------


class YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def parse_yaml(text: str) -> tuple[Any, dict[PathKey, int]]:
    """Safely parse one YAML document; return the data and the 1-based line of each node."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML syntax error: {exc.problem or exc}") from None
    if node is None:
        return None, {(): 1}
    lines: dict[PathKey, int] = {}
    _record_lines(node, (), lines)
    loader = yaml.SafeLoader(text)
    try:
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(mark.line + 1 if mark else 1, f"YAML error: {exc.problem or exc}") from None
    finally:
        loader.dispose()
    return data, lines


def _record_lines(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlProblem(line, f"duplicate key {key!r} (first at line {seen[key]})")
            seen[key] = line
            _record_lines(value_node, path + (key,), lines)
            lines[path + (key,)] = line  # point at the key, where a reader looks
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, path + (index,), lines)


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
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, {}, [ContentError(shown, 1, f"cannot read file: {exc}")]
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
