"""Quiz sessions: which questions, in which order, with which shuffles, and how it went.

Everything random is drawn from the session's seed, and each question gets its own
generator seeded by (session seed, question id). So rebuilding a session from the same
seed gives the same questions, the same shuffled options and the same generated numbers:
a Streamlit rerun can never show one order and grade another. Time is passed in
(`now`, seconds), never read here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from studyapp.content.questions import Generators, Grade, Question, fill, question_rng
from studyapp.quiz.confusables import drill_entries
from studyapp.text import Text

MODES = ("practice", "exam")


@dataclass(frozen=True)
class QuizSettings:
    topics: tuple[str, ...] = ()  # empty: every topic
    types: tuple[str, ...] = ()  # empty: every type
    count: int = 10
    mode: str = "practice"  # practice: feedback after each answer; exam: at the end
    drill: bool = False  # confusables drill: groups of easily confused cards together
    time_limit_s: float | None = None  # exam mode only

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        if self.count < 1:
            raise ValueError("a quiz needs at least one question")


@dataclass(frozen=True)
class Item:
    """One question as this session asks it."""

    question: Question
    topic_id: str
    order: tuple[int, ...] = ()  # display order: choices, ordering items, or matching's right options
    values: Mapping[str, Any] = field(default_factory=dict)  # numeric: the drawn parameters
    expected: float | None = None  # numeric: the generator's answer for `values`
    traps: tuple[float | None, ...] = ()  # numeric: each misconception's number for `values`
    group: tuple[str, ...] = ()  # confusables drill: the card ids served together

    @property
    def type(self) -> str:
        return self.question.type

    def text(self, text: Text | None) -> Text | None:
        """A question text with the drawn values filled in for its {placeholders}."""
        if text is None or not self.values:
            return text
        return Text(en=fill(text.en, self.values), ko=fill(text.ko, self.values))

    def right_answer(self) -> Any:
        """The answer that scores full marks, in the graders' format (None: decided by a demo run)."""
        return self.question.right_answer(self)


def grade(item: Item, answer: Any, *, metrics: Mapping[str, float] | None = None) -> Grade:
    """Grade `answer` to `item` (its type's grader); `metrics` come from a demo run (predictions)."""
    return item.question.grade(answer, item, metrics)


def make_item(topic_id: str, question: Question, *, seed: int, generators: Generators, group: tuple[str, ...] = ()) -> Item:
    """The question as this session asks it: its options shuffled, its numbers drawn, by its own seed."""
    drawn = question.draw(question_rng(seed, question.id), generators)
    return Item(question, topic_id, drawn.order, drawn.values, drawn.expected, drawn.traps, group)


def pick_questions(
    pool: Sequence[tuple[str, Question]], settings: QuizSettings, rng: random.Random
) -> list[tuple[str, Question]]:
    """Filter by topic and type, then deal round-robin over types so a short quiz is still varied."""
    chosen = [
        (topic, q) for topic, q in pool
        if (not settings.topics or topic in settings.topics) and (not settings.types or q.type in settings.types)
    ]
    rng.shuffle(chosen)
    by_type: dict[str, list[tuple[str, Question]]] = {}
    for entry in chosen:
        by_type.setdefault(entry[1].type, []).append(entry)
    kinds = list(by_type)
    rng.shuffle(kinds)
    dealt: list[tuple[str, Question]] = []
    while len(dealt) < settings.count and any(by_type.values()):
        for kind in kinds:
            if by_type[kind] and len(dealt) < settings.count:
                dealt.append(by_type[kind].pop())
    rng.shuffle(dealt)
    return dealt


@dataclass
class Response:
    answer: Any  # JSON value in the shape its question type takes (see studyapp/content/questions/)
    grade: Grade
    seconds: float  # from first showing the question to submitting the answer
    at: float  # when it was submitted (seconds since the epoch)
    metrics: Mapping[str, float] | None = None  # predict_then_run: what the demo measured


@dataclass
class QuizSession:
    id: str
    settings: QuizSettings
    seed: int
    items: list[Item]
    started_at: float
    position: int = 0
    responses: dict[int, Response] = field(default_factory=dict)
    shown_at: dict[int, float] = field(default_factory=dict)
    finished_at: float | None = None
    skipped: list[str] = field(default_factory=list)  # question ids that could not be built

    # --- flow -------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def current(self) -> Item | None:
        return None if self.finished or self.position >= len(self.items) else self.items[self.position]

    def show(self, now: float) -> None:
        """Note when the current question first appeared (reruns keep the first time)."""
        self.shown_at.setdefault(self.position, now)

    def submit(self, answer: Any, grade: Grade, now: float, metrics: Mapping[str, float] | None = None) -> Response:
        if self.current() is None:
            raise RuntimeError("the quiz is over")
        if self.position in self.responses:
            return self.responses[self.position]  # a double click must not answer twice
        seconds = max(0.0, now - self.shown_at.get(self.position, now))
        response = Response(answer, grade, seconds, now, metrics)
        self.responses[self.position] = response
        return response

    def advance(self, now: float) -> None:
        self.position += 1
        if self.position >= len(self.items):
            self.finish(now)

    def finish(self, now: float) -> None:
        if self.finished_at is None:
            self.finished_at = now

    # --- exam timer -------------------------------------------------------------------
    def time_left(self, now: float) -> float | None:
        if self.settings.mode != "exam" or not self.settings.time_limit_s:
            return None
        return max(0.0, self.started_at + self.settings.time_limit_s - now)

    def out_of_time(self, now: float) -> bool:
        left = self.time_left(now)
        return left is not None and left <= 0

    # --- results ----------------------------------------------------------------------
    def summary(self) -> "Summary":
        return summarize(self.items, self.responses)


@dataclass(frozen=True)
class Tally:
    asked: int = 0
    answered: int = 0
    correct: int = 0
    points: float = 0.0

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.asked if self.asked else 0.0

    def add(self, response: Response | None) -> "Tally":
        if response is None:
            return Tally(self.asked + 1, self.answered, self.correct, self.points)
        return Tally(self.asked + 1, self.answered + 1, self.correct + response.grade.correct,
                     self.points + response.grade.score)


@dataclass(frozen=True)
class Summary:
    total: Tally
    by_topic: dict[str, Tally]
    by_type: dict[str, Tally]
    missed: list[int]  # item indexes answered wrongly or not at all, in quiz order


def summarize(items: Sequence[Item], responses: Mapping[int, Response]) -> Summary:
    total, by_topic, by_type, missed = Tally(), {}, {}, []
    for i, item in enumerate(items):
        response = responses.get(i)
        total = total.add(response)
        by_topic[item.topic_id] = by_topic.get(item.topic_id, Tally()).add(response)
        by_type[item.type] = by_type.get(item.type, Tally()).add(response)
        if response is None or not response.grade.correct:
            missed.append(i)
    return Summary(total, by_topic, by_type, missed)


def build_session(
    pool: Sequence[tuple[str, Question]],
    settings: QuizSettings,
    *,
    seed: int,
    now: float,
    generators: Generators,
    session_id: str | None = None,
    cards: Iterable = (),
) -> QuizSession:
    """A new session. `pool` holds (topic id, question) pairs; `cards` (every card, for the
    confusables drill) and `generators` (name -> function, for numeric questions) are passed
    in so this module never imports PyTorch."""
    rng = random.Random(seed)
    if settings.drill:
        entries = drill_entries(list(cards), pool, settings, rng)
    else:
        entries = [(topic, q, ()) for topic, q in pick_questions(pool, settings, rng)]
    items, skipped = [], []
    for topic, question, group in entries:
        try:
            items.append(make_item(topic, question, seed=seed, generators=generators, group=group))
        except (KeyError, ValueError):
            # A generator that cannot run: the page says which question was left out, and
            # `studyapp quiz check` reports it to the author.
            skipped.append(question.id)
    return QuizSession(session_id or f"{seed:x}-{int(now)}", settings, seed, items, now, skipped=skipped)
