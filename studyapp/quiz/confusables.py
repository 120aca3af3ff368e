"""The confusables drill: concepts that learners mix up, served together.

Cards say which other cards they are "often confused with" (`confused_with`). Those links
form a graph; each card with links is the hub of a group (itself and its neighbours), and
groups contained in a larger one are dropped. Overfitting, for instance, gathers
underfitting, overloading, overriding and overflow.

For each group the drill asks, one after the other:

1. a generated "which term is described here?" question per card, whose wrong options are
   the group's other terms, each explained by the card's own "difference" text;
2. the topic files' questions that test two or more of the group's cards (contrasts);
3. the questions that test one of them.
"""

from __future__ import annotations

import random
import re
from typing import Iterable, Sequence

from studyapp.content import Card
from studyapp.content.questions import Choice, Question, SingleChoice
from studyapp.text import Text

MAX_CHOICES = 5
BLANK = "___"


def neighbours(cards: Iterable[Card]) -> dict[str, list[str]]:
    """Undirected "often confused with" links between the cards that exist, in card order."""
    cards = list(cards)
    known = {c.id for c in cards}
    links: dict[str, set[str]] = {c.id: set() for c in cards}
    for card in cards:
        for confusion in card.confused_with:
            if confusion.card in known and confusion.card != card.id:
                links[card.id].add(confusion.card)
                links[confusion.card].add(card.id)
    order = {c.id: i for i, c in enumerate(cards)}
    return {c: sorted(others, key=order.__getitem__) for c, others in links.items()}


def confusable_groups(cards: Iterable[Card]) -> list[tuple[str, ...]]:
    """Groups of card ids, hub first; the best-connected hubs first."""
    graph = neighbours(cards)
    order = {c: i for i, c in enumerate(graph)}
    groups: list[tuple[str, ...]] = []
    for hub in sorted(graph, key=lambda c: (-len(graph[c]), order[c])):
        if not graph[hub]:
            continue
        members = {hub, *graph[hub]}
        if any(members <= set(g) for g in groups):
            continue
        groups.append((hub, *graph[hub]))
    return groups


def _names(term: str) -> list[str]:
    """"Stochastic gradient descent (SGD)" -> ["Stochastic gradient descent", "SGD"]."""
    main, _, rest = term.partition("(")
    names = [main.strip()] + [part.strip() for part in rest.rstrip(")").split(",") if part.strip()]
    return [n for n in names if n]


def mask_term(definition: str, term: Text) -> str:
    """Hide the term (and words built on it, like "overfits") so a definition cannot give
    its own name away."""
    names = _names(term.en) + _names(term.ko)
    text = definition
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 2:
            text = re.sub(re.escape(name), BLANK, text, flags=re.IGNORECASE)
    # One-word terms also hide their inflections ("overfits" for Overfitting). Words of longer
    # terms stay: hiding every "weights" in the definition of weight decay would hide the point.
    stems = [n.casefold() for n in _names(term.en) if re.fullmatch(r"[A-Za-z]{5,}", n)]

    def hide(match: re.Match) -> str:
        word = match.group(0).casefold()
        for stem in stems:
            shared = len(_common_prefix(word, stem))
            if shared >= 5 and shared >= len(stem) - 4:
                return BLANK
        return match.group(0)

    return re.sub(r"[A-Za-z]+", hide, text)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


# Korean readings of the letters and digits that end in a consonant (엘, 엠, 엔, 알; 영, 일,
# 삼, 육, 칠, 팔): a word ending in one takes 은, any other takes 는.
_CLOSED_ENDINGS = set("lmnr013678")


def with_topic_particle(term: str) -> str:
    """The term with the topic particle that fits its last sound: '드롭아웃은', '소프트맥스는'
    ('합성곱 신경망 (CNN)' is read without its parenthesis: '합성곱 신경망 (CNN)은')."""
    spoken = re.sub(r"\s*\([^)]*\)", "", term).strip() or term
    last = spoken[-1].lower()
    if "가" <= last <= "힣":
        closed = (ord(last) - ord("가")) % 28 != 0
    else:
        closed = last in _CLOSED_ENDINGS
    return term + ("은" if closed else "는")


def difference(target: Card, other: Card) -> Text:
    """Why `other` is not `target`: the cards' own words where they have them."""
    for confusion in target.confused_with:
        if confusion.card == other.id:
            return confusion.difference
    for confusion in other.confused_with:
        if confusion.card == target.id:
            return confusion.difference
    return Text(
        en=f"{other.term.en} is something else: {other.definition.en}",
        ko=f"{with_topic_particle(other.term.ko)} 다른 개념입니다: {other.definition.ko}",
    )


def definition_question(target: Card, group: Sequence[Card], rng: random.Random) -> SingleChoice:
    """"Which term is described here?" with the group's other terms as the wrong options."""
    linked = {c.card for c in target.confused_with}
    others = [c for c in group if c.id != target.id]
    others.sort(key=lambda c: (c.id not in linked, rng.random()))  # direct rivals first
    choices = [Choice(text=target.term, correct=True, explanation=target.definition)]
    choices += [Choice(text=c.term, explanation=difference(target, c)) for c in others[: MAX_CHOICES - 1]]
    return SingleChoice(
        id=f"drill-{target.id}"[:64],
        type="single_choice",
        prompt=Text(
            en="Which term is described here?\n\n> " + mask_term(target.definition.en, target.term),
            ko="다음 설명에 해당하는 용어는 무엇입니까?\n\n> " + mask_term(target.definition.ko, target.term),
        ),
        cards=[target.id],
        choices=choices,
    )


def drill_entries(
    cards: Sequence[tuple[str, Card]],
    pool: Sequence[tuple[str, Question]],
    settings,
    rng: random.Random,
) -> list[tuple[str, Question, tuple[str, ...]]]:
    """(topic id, question, group) for a drill of at most `settings.count` questions.

    `cards` holds (topic id, card) for every card: a group may reach into other topics,
    which is the point. A group is used when one of its cards is in the chosen topics.
    """
    topic_of = {card.id: topic for topic, card in cards}
    by_id = {card.id: card for _, card in cards}
    groups = [g for g in confusable_groups([c for _, c in cards])
              if not settings.topics or any(topic_of[c] in settings.topics for c in g)]
    rng.shuffle(groups)
    used: set[str] = set()
    entries: list[tuple[str, Question, tuple[str, ...]]] = []
    for group in groups:
        members = set(group)
        batch: list[tuple[str, Question]] = []
        for card_id in rng.sample(list(group), len(group)):
            batch.append((topic_of[card_id], definition_question(by_id[card_id], [by_id[c] for c in group], rng)))
        related = [
            (topic, q) for topic, q in pool
            if members & set(q.cards) and (not settings.types or q.type in settings.types)
        ]
        rng.shuffle(related)
        related.sort(key=lambda entry: -len(members & set(entry[1].cards)))  # contrasts first (stable sort)
        batch += related
        for topic, question in batch:
            if question.id in used or len(entries) >= settings.count:
                continue
            used.add(question.id)
            entries.append((topic, question, group))
    return entries
