"""Typed models of a topic file. Every user-visible string is a `Text` with `en` and `ko`.

Ids are stable keys: progress is stored against card and question ids, so editing any text
keeps a learner's history.
"""

from __future__ import annotations

import re

from pydantic import Field

from studyapp.content.base import Id, NonEmpty, Strict
from studyapp.content.questions import Question
from studyapp.text import Text


class Confusion(Strict):
    """A term learners mix up with this one, and what tells them apart."""

    card: Id
    difference: Text


class Card(Strict):
    id: Id
    term: Text
    definition: Text
    formula: str | Text | None = Field(
        None, description="LaTeX, without surrounding $ signs; {en, ko} when it holds words (\\text{...})")
    example: Text | None = None
    field: Text | None = Field(None, description="Where the term belongs, e.g. machine learning")
    pitfalls: list[Text] = []
    confused_with: list[Confusion] = []
    reversible: bool = Field(False, description="Also quiz definition -> term as a flashcard")
    tags: list[Id] = []
    aliases: list[NonEmpty | Text] = Field(
        [], description="Other names learners meet (their notes' spellings, older translations): the glossary "
        "finds the card by each. A plain string is one name in either language; {en, ko} names a pair")

    def names(self) -> list[str]:
        """Every name the card goes by: its term in both languages (and each part of a term such
        as 'Xavier (Glorot) initialization'), then its aliases."""
        names = []
        for text in (self.term.en, self.term.ko, *self.alias_texts()):
            names += [text, re.sub(r"\s*\([^)]*\)", "", text), *re.findall(r"\(([^)]*)\)", text)]
        return list(dict.fromkeys(name.strip() for name in names if name.strip()))

    def alias_texts(self) -> list[str]:
        return [s for alias in self.aliases for s in ((alias.en, alias.ko) if isinstance(alias, Text) else (alias,))]

    def formula_in(self, lang: str) -> str | None:
        """The formula as a learner of `lang` reads it (its words translated)."""
        return self.formula.get(lang) if isinstance(self.formula, Text) else self.formula


class Topic(Strict):
    id: Id
    order: int = Field(100, description="Position on the home page; smaller comes first")
    title: Text
    summary: Text
    demos: list[Id] = Field([], description="Ids of live demos shown on the topic page")
    cards: list[Card] = Field(min_length=1)
    questions: list[Question] = []
