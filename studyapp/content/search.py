"""Glossary search: the cards a query names, best first, in either language.

A query and the texts it is matched against are compared without case, spaces, hyphens or
other joiners, so "drop out", "Drop-out" and "dropout" are one query, and so are "드롭 아웃"
and "드롭아웃". The hits are ranked:

    0  the query is one of the card's names (its term in either language, a part of it such as
       "Glorot" in "Xavier (Glorot) initialization", an alias, or its id)
    1  a name starts with the query
    2  a name contains the query
    3  the card's text (definition, example, pitfalls, formula) contains it

and within a rank by the term in the learner's language. An empty query lists every card.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from studyapp.content.loader import Content
from studyapp.content.models import Card

EXACT, PREFIX, IN_NAME, IN_TEXT = range(4)
# Spaces, hyphens and dashes, underscores, dots, middle dots and slashes: how people join or
# split the words of a term ("drop-out", "k fold", "t-SNE", "1×1") must not decide a match.
JOINERS = re.compile(r"[\s\-‐‑‒–—―_.·・/]+")


def normalize(text: str) -> str:
    """The form both sides of a comparison take: NFKC (full-width letters, compatibility
    jamo), case-folded, joiners removed."""
    # Again until nothing changes: removing a joiner can leave a combining mark beside a letter
    # ("E¯" -> "e" + U+0304), which NFKC then composes ("ē").
    for _ in range(4):
        again = JOINERS.sub("", unicodedata.normalize("NFKC", text).casefold())
        if again == text:
            break
        text = again
    return text


@dataclass(frozen=True)
class Hit:
    topic_id: str
    card: Card
    rank: int  # EXACT, PREFIX, IN_NAME or IN_TEXT


def card_text(card: Card) -> list[str]:
    """What rank 3 searches: every text of the card in both languages."""
    texts = [card.definition.en, card.definition.ko]
    if card.example is not None:
        texts += [card.example.en, card.example.ko]
    for pitfall in card.pitfalls:
        texts += [pitfall.en, pitfall.ko]
    if card.formula is not None:
        texts += list(dict.fromkeys([card.formula_in("en"), card.formula_in("ko")]))
    return texts


def rank(card: Card, needle: str) -> int | None:
    """How well a normalized, non-empty query matches the card; None when it does not."""
    names = [normalize(name) for name in (*card.names(), card.id)]
    names = [name for name in names if name]
    if needle in names:
        return EXACT
    if any(name.startswith(needle) for name in names):
        return PREFIX
    if any(needle in name for name in names):
        return IN_NAME
    if any(needle in normalize(text) for text in card_text(card)):
        return IN_TEXT
    return None


def search(content: Content, query: str, lang: str) -> list[Hit]:
    """The cards `query` finds, best first (see the module's doc); each card once."""
    needle = normalize(query)
    hits = []
    for topic in content.topics:
        for card in topic.cards:
            found = rank(card, needle) if needle else EXACT
            if found is not None:
                hits.append(Hit(topic.id, card, found))
    return sorted(hits, key=lambda hit: (hit.rank, normalize(hit.card.term.get(lang)), hit.card.id))
