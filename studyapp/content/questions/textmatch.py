"""Tolerant matching of typed answers: case, spacing, hyphens, synonyms and small typos.

`normalize` drops case, spaces and punctuation (the typed question's validator and its
grader both use it, so they agree on what counts as the same answer). Typos are counted as edits (insert, delete, replace, or swap two
neighbours) on the decomposed text, where a Korean syllable becomes its letters (jamo):
과적함 is one letter away from 과적합, just as "overfiting" is from "overfitting".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal, Sequence

MatchKind = Literal["exact", "typo", "misconception", "wrong", "empty"]


def normalize(answer: str) -> str:
    """A typed answer reduced to what matters: case, spaces and punctuation (hyphens,
    apostrophes, dots) are dropped, and full-width forms folded (NFKC)."""
    text = unicodedata.normalize("NFKC", answer).casefold()
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def letters(text: str) -> str:
    """Normalized, then decomposed (NFD): Hangul syllables become jamo, accents split off."""
    return unicodedata.normalize("NFD", normalize(text))


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and
    transpositions of two adjacent characters each cost 1."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def allowed_typos(answer: str) -> int:
    """How many edits a correct answer of this length tolerates: none for short words
    (where one letter changes the word: ReLU / GeLU), one up to 9 letters, then two."""
    n = len(letters(answer))
    return 0 if n <= 4 else 1 if n <= 9 else 2


@dataclass(frozen=True)
class TypedMatch:
    kind: MatchKind
    target: str | None = None  # the accepted or misconceived answer it matched
    misconception: int | None = None  # index of the matched misconception
    distance: int = 0


def match_typed(
    response: str,
    accepted: Sequence[str],
    misconceptions: Sequence[Sequence[str]] = (),
    *,
    typos: bool = True,
) -> TypedMatch:
    """Decide what a typed response is. A known wrong answer wins over a typo-tolerant
    match when it is at least as close, so tolerance never turns a misconception right."""
    typed = letters(response)
    if not typed:
        return TypedMatch("empty")
    for answer in accepted:
        if letters(answer) == typed:
            return TypedMatch("exact", answer)
    wrong = [(i, answer) for i, answers in enumerate(misconceptions) for answer in answers]
    for i, answer in wrong:
        if letters(answer) == typed:
            return TypedMatch("misconception", answer, i)
    if not typos:
        return TypedMatch("wrong")
    best_right = min(((edit_distance(typed, letters(a)), a) for a in accepted), default=None)
    best_wrong = min(((edit_distance(typed, letters(a)), i, a) for i, a in wrong), default=None)
    if best_wrong is not None and best_wrong[0] <= allowed_typos(best_wrong[2]) and (
        best_right is None or best_wrong[0] <= best_right[0]
    ):
        return TypedMatch("misconception", best_wrong[2], best_wrong[1], best_wrong[0])
    if best_right is not None and best_right[0] <= allowed_typos(best_right[1]):
        return TypedMatch("typo", best_right[1], None, best_right[0])
    return TypedMatch("wrong")
