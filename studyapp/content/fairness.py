"""How fair a question bank is: measures that catch the cues a test-wise learner exploits.

Every measure is a pure function over loaded questions (or a `Content`), with no streamlit and
no torch, so the tests hold them for every topic added later and `studyapp validate` prints them.

- **Length of the right option.** In single-answer choice questions (single choice, odd one
  out) the right option should be the longest about as often as chance (the mean of
  1/number of options): at most `LENGTH_SLACK` above it, and, so that "never pick the longest"
  is no cue either, at most `LENGTH_SLACK` below it. The same holds for the shortest option.
  Nor may the right option be much longer than every wrong one (`LENGTH_RATIO`).
- **Straw men.** A wrong option carrying an absolute word ("always", "never", "nothing") is
  rejected on sight by anyone who knows that absolute claims are usually false; distractors
  should state the mistake a student really makes, without the giveaway word.
- **True/false balance.** The share of true statements stays between 40% and 60%.
- **Coverage.** Every card is tested by at least one question.
- **Near duplicates.** Two prompts that share most of their content words (token Jaccard at or
  above `DUPLICATE_THRESHOLD`) ask the same thing twice.
- **Predict-then-run outcomes.** The app shows the explanation of the outcome the learner picked
  and of the one the run landed on, whichever they are, so no outcome may be written as if the
  run had (or had not) landed on it: no counterfactual "would" and no verdict ("Yes", "Exactly").
  This is a lexical check of the English text; it catches the usual wording, not every slip.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Iterable

from studyapp.content.base import LANGUAGES
from studyapp.content.questions.choice import MultiChoice, PickOne
from studyapp.content.questions.predict import PredictThenRun
from studyapp.content.questions.true_false import TrueFalse


LENGTH_SLACK = 0.10  # the longest- (and shortest-) correct share stays within chance ± this
TRUE_SHARE = (0.40, 0.60)  # allowed share of true statements among true/false questions
LENGTH_RATIO = 1.5  # a right option this many times the longest wrong one is a cue ...
LENGTH_GAP = 12  # ... when it is also at least this many characters longer
DUPLICATE_THRESHOLD = 0.5  # token Jaccard of two prompts' content words

# Words that give a distractor away. Matched as whole words (English) or substrings (Korean).
ABSOLUTE_WORDS = {
    "en": ("always", "never", "nothing", "none", "cannot", "can't", "impossible", "guaranteed",
           "no effect", "do nothing", "does nothing", "every time", "whatever"),
    "ko": ("항상", "언제나", "절대", "결코", "아무것도", "아무 변화", "아무런", "무조건", "반드시"),
}

# Wording that presumes which outcome a run lands on (English; see the module docstring).
PRESUMING = re.compile(
    r"\bwould(?:n't)?\b|\bwould have\b|^\s*(?:yes|no|exactly|indeed|right|wrong|correct)\b"
    r"|\bas (?:you|we) (?:saw|predicted)\b|\bthe run (?:shows|showed)\b",
    re.IGNORECASE,
)

# Words that carry no topic of their own; what is left of a prompt is what it asks about.
STOPWORDS = frozenset(
    """a an the of to in on and or is are be been being it its this that these those what which
    who whom how why when where does do did doing with for by as at from into onto than then there
    their they them each one any can could will would should shall may might must your you we our
    has have had was were not no if after before while more most much many about only also but so
    such very same other here up down out over under again between both all some just""".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")


def choice_questions(questions: Iterable) -> list:
    """Questions with exactly one right option among several (the length cue applies to them)."""
    return [q for q in questions if isinstance(q, PickOne)]


def _correct_index(question) -> int:
    return next(i for i, choice in enumerate(question.choices) if choice.correct)


@dataclass(frozen=True)
class LengthCue:
    """The lengths of one question's options in one language, right option first."""

    question: str
    correct: int  # characters of the right option
    wrong: tuple[int, ...]  # characters of each wrong option

    @property
    def longest(self) -> bool:
        """The right option is strictly longer than every wrong one (a tie gives nothing away)."""
        return self.correct > max(self.wrong)

    @property
    def shortest(self) -> bool:
        """The right option is strictly shorter than every wrong one."""
        return self.correct < min(self.wrong)

    @property
    def ratio(self) -> float:
        """Right option's length over the longest wrong option's."""
        return self.correct / max(1, max(self.wrong))

    @property
    def outlier(self) -> bool:
        return self.ratio > LENGTH_RATIO and self.correct - max(self.wrong) >= LENGTH_GAP


def length_cues(questions: Iterable, lang: str = "en") -> list[LengthCue]:
    cues = []
    for q in choice_questions(questions):
        right = _correct_index(q)
        lengths = [len(c.text.get(lang).strip()) for c in q.choices]
        cues.append(LengthCue(q.id, lengths[right], tuple(n for i, n in enumerate(lengths) if i != right)))
    return cues


def chance_longest(questions: Iterable) -> float:
    """How often a randomly placed right option is the longest (or the shortest) of n options
    with distinct lengths: the mean of 1/n over the choice questions."""
    qs = choice_questions(questions)
    return sum(1 / len(q.choices) for q in qs) / len(qs) if qs else 0.0


def longest_correct(questions: Iterable, lang: str = "en") -> list[str]:
    """Ids of the questions whose right option is strictly the longest."""
    return [cue.question for cue in length_cues(questions, lang) if cue.longest]


def longest_correct_share(questions: Iterable, lang: str = "en") -> float:
    cues = length_cues(questions, lang)
    return sum(cue.longest for cue in cues) / len(cues) if cues else 0.0


def shortest_correct(questions: Iterable, lang: str = "en") -> list[str]:
    """Ids of the questions whose right option is strictly the shortest."""
    return [cue.question for cue in length_cues(questions, lang) if cue.shortest]


def shortest_correct_share(questions: Iterable, lang: str = "en") -> float:
    cues = length_cues(questions, lang)
    return sum(cue.shortest for cue in cues) / len(cues) if cues else 0.0


def length_outliers(questions: Iterable, lang: str = "en") -> list[LengthCue]:
    """Questions whose right option is far longer than every wrong one."""
    return [cue for cue in length_cues(questions, lang) if cue.outlier]


def absolute_distractors(questions: Iterable) -> list[tuple[str, int, str, str]]:
    """(question id, option index, language, word) for every wrong option with a giveaway word."""
    found = []
    for q in questions:
        if not isinstance(q, (PickOne, MultiChoice)):
            continue
        for i, choice in enumerate(q.choices):
            if choice.correct:
                continue
            for lang in LANGUAGES:
                text = choice.text.get(lang).casefold()
                for word in ABSOLUTE_WORDS[lang]:
                    hit = re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", text) if lang == "en" else word in text
                    if hit:
                        found.append((q.id, i, lang, word))
    return found


def true_false_counts(questions: Iterable) -> tuple[int, int]:
    """(number of true statements, number of true/false questions)."""
    answers = [q.answer for q in questions if isinstance(q, TrueFalse)]
    return sum(answers), len(answers)


def cards_without_question(content) -> list[str]:
    """Ids of the cards that no question tests."""
    tested = {card for q in content.questions() for card in q.cards}
    return [card.id for card in content.cards() if card.id not in tested]


def prompt_tokens(text: str) -> frozenset[str]:
    """A prompt's content words: lower-case letters and digits, stopwords and {placeholders} dropped."""
    text = re.sub(r"\{[A-Za-z_][A-Za-z0-9_]*\}", " ", text)
    return frozenset(t for t in _TOKEN.findall(text.casefold()) if t not in STOPWORDS)


def similarity(a: str, b: str) -> float:
    """Token Jaccard of two prompts' content words: shared words over all words, 0 to 1."""
    ta, tb = prompt_tokens(a), prompt_tokens(b)
    return len(ta & tb) / len(ta | tb) if ta | tb else 1.0


def near_duplicates(questions: Iterable, threshold: float = DUPLICATE_THRESHOLD) -> list[tuple[str, str, float]]:
    """(id, id, similarity) of every pair of questions whose English prompts are this similar."""
    qs = list(questions)
    pairs = []
    for a, b in itertools.combinations(qs, 2):
        score = similarity(a.prompt.en, b.prompt.en)
        if score >= threshold:
            pairs.append((a.id, b.id, round(score, 2)))
    return sorted(pairs, key=lambda p: -p[2])


def presuming_outcomes(questions: Iterable) -> list[tuple[str, int, str]]:
    """(question id, outcome index, matched words) of predict-then-run outcomes whose explanation
    is worded as if the run had, or had not, landed on that outcome."""
    found = []
    for q in questions:
        if not isinstance(q, PredictThenRun):
            continue
        for i, outcome in enumerate(q.choices):
            match = PRESUMING.search(outcome.explanation.en)
            if match:
                found.append((q.id, i, match.group(0).strip()))
    return found


def fairness_summary(content) -> dict:
    """Every measure at once, as plain data (for `studyapp validate` and its --json)."""
    questions = content.questions()
    trues, tfs = true_false_counts(questions)
    chance = chance_longest(questions)
    return {
        "choice_questions": len(choice_questions(questions)),
        "longest_correct": {lang: len(longest_correct(questions, lang)) for lang in LANGUAGES},
        "longest_correct_share": {lang: round(longest_correct_share(questions, lang), 3) for lang in LANGUAGES},
        "shortest_correct": {lang: len(shortest_correct(questions, lang)) for lang in LANGUAGES},
        "shortest_correct_share": {lang: round(shortest_correct_share(questions, lang), 3) for lang in LANGUAGES},
        "length_chance": round(chance, 3),
        "length_band": [round(max(0.0, chance - LENGTH_SLACK), 3), round(chance + LENGTH_SLACK, 3)],
        "length_outliers": sorted({c.question for lang in LANGUAGES for c in length_outliers(questions, lang)}),
        "absolute_distractors": len(absolute_distractors(questions)),
        "true_statements": {"true": trues, "total": tfs, "share": round(trues / tfs, 3) if tfs else None},
        "cards_without_question": cards_without_question(content),
        "near_duplicates": [list(p) for p in near_duplicates(questions)],
        "presuming_outcomes": len(presuming_outcomes(questions)),
    }


def fairness_line(summary: dict) -> str:
    """One line for people: the figures the tests hold, and what each is held against."""
    n = summary["choice_questions"]
    longest, shortest = summary["longest_correct"]["en"], summary["shortest_correct"]["en"]
    low, high = summary["length_band"]
    tf = summary["true_statements"]
    tf_part = f"true/false {tf['true']} true of {tf['total']} ({tf['share']:.0%})" if tf["total"] else "no true/false"
    uncovered = summary["cards_without_question"]
    return (
        f"Fairness: right option longest in {longest} and shortest in {shortest} of {n} choice "
        f"questions ({longest / n if n else 0:.0%}, {shortest / n if n else 0:.0%}; chance "
        f"{summary['length_chance']:.0%}, allowed {low:.0%} to {high:.0%}; in Korean "
        f"{summary['longest_correct']['ko']} and {summary['shortest_correct']['ko']}), {tf_part}, "
        f"{len(uncovered)} card{'' if len(uncovered) == 1 else 's'} without a question, "
        f"{len(summary['near_duplicates'])} near-duplicate pair{'' if len(summary['near_duplicates']) == 1 else 's'}"
    )
