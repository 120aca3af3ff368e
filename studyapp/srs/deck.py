"""Content cards -> flashcards, and the daily queue (due cards first, then new ones).

Progress is keyed by the card id from the content files, so editing a card's text keeps its
history. A card's other sides have keys of their own, the id and a suffix (content ids cannot
contain ':', so they never clash):

    <id>:reverse   a card marked `reversible`: definition -> term
    <id>:ko-en     term cards for Korean learners: the Korean term -> the English term
    <id>:en-ko     ... and the English term -> the Korean term

Every side has its own schedule; switching a kind off hides its cards and keeps their history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable, Mapping

from studyapp.content import Card, Content
from studyapp.srs.clock import as_utc
from studyapp.store import CardState

REVERSE = ":reverse"
# Term cards: the side shown first -> the side asked for.
TRANSLATIONS = {"ko-en": ("ko", "en"), "en-ko": ("en", "ko")}
LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: finish short learning steps early


def card_key(card_id: str, reverse: bool = False) -> str:
    return f"{card_id}{REVERSE}" if reverse else card_id


def split_key(key: str) -> tuple[str, bool]:
    """`'sgd:reverse'` -> `('sgd', True)`."""
    if key.endswith(REVERSE):
        return key[: -len(REVERSE)], True
    return key, False


def card_id(key: str) -> str:
    """The content card a flashcard key belongs to: `'sgd:ko-en'` -> `'sgd'`."""
    return key.partition(":")[0]


@dataclass(frozen=True)
class Flashcard:
    key: str
    card: Card
    topic_id: str
    reverse: bool = False
    translate: str | None = None  # a term card: "ko-en" or "en-ko" (see TRANSLATIONS)

    @property
    def forward(self) -> bool:
        """The card's first side: term -> definition."""
        return not self.reverse and self.translate is None

    def shown_term(self) -> str:
        """A term card's question: the term in its language, without a parenthesis that holds
        the answer ('단어 임베딩 (Word embedding)' asks '단어 임베딩')."""
        shown, asked = TRANSLATIONS[self.translate]
        return without_other_script(self.card.term.get(shown), shown)

    def asked_term(self) -> str:
        return self.card.term.get(TRANSLATIONS[self.translate][1])


_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def without_other_script(term: str, lang: str) -> str:
    """`term` without the parentheses written in the other language: a Korean term loses
    '(Word embedding)', an English one a Hangul gloss; a Korean gloss of a Korean term stays."""
    def other(inside: str) -> bool:
        has_hangul = bool(_HANGUL.search(inside))
        return not has_hangul if lang == "ko" else has_hangul

    kept = re.sub(r"\s*\(([^)]*)\)", lambda m: "" if other(m.group(1)) else m.group(0), term).strip()
    return kept or term


def has_korean_name(card: Card) -> bool:
    """Whether the Korean term is a Korean name at all: 'Adam (아담)' and 'MNIST' are the English
    names, and asking for their translation would ask nothing."""
    return bool(_HANGUL.search(re.sub(r"\([^)]*\)", "", card.term.ko)))


def flashcards(content: Content, *, include_reversed: bool = True, term_cards: bool = False) -> list[Flashcard]:
    """Every flashcard of the content, in content order (topic order, then card order); with
    `term_cards`, the Korean -> English and English -> Korean term cards of each card whose
    Korean term is a Korean name."""
    found = []
    for topic in content.topics:
        for card in topic.cards:
            found.append(Flashcard(card.id, card, topic.id))
            if include_reversed and card.reversible:
                found.append(Flashcard(card_key(card.id, True), card, topic.id, reverse=True))
            if term_cards and has_korean_name(card):
                found += [Flashcard(f"{card.id}:{kind}", card, topic.id, translate=kind) for kind in TRANSLATIONS]
    return found


def orphaned_keys(cards: Iterable[Flashcard], keys_with_history: Iterable[str]) -> list[str]:
    """Keys with progress whose card is gone from the content: kept and listed, never deleted.
    A side switched off in the settings (reversed, term cards) is not gone: its card is there."""
    present = {card_id(c.key) for c in cards}
    return sorted(key for key in set(keys_with_history) if card_id(key) not in present)


@dataclass
class Queue:
    due: list[Flashcard] = field(default_factory=list)  # reviewed before and due now (oldest first)
    new: list[Flashcard] = field(default_factory=list)  # never reviewed, within today's new limit
    ahead: list[Flashcard] = field(default_factory=list)  # learning steps due within LEARN_AHEAD
    next_due: datetime | None = None  # when the next card not in the queue comes due
    new_left_today: int = 0  # how many more new cards today's limit allows
    new_waiting: int = 0  # new cards in the selection not yet seen (beyond today's limit too)

    @property
    def cards(self) -> list[Flashcard]:
        return [*self.due, *self.new, *self.ahead]

    def __len__(self) -> int:
        return len(self.due) + len(self.new) + len(self.ahead)

    def __bool__(self) -> bool:
        return len(self) > 0


def build_queue(
    cards: Iterable[Flashcard],
    states: Mapping[str, CardState],
    now: datetime,
    *,
    new_limit: int,
    new_seen_today: int = 0,
    topics: Iterable[str] | None = None,
    learn_ahead: timedelta = LEARN_AHEAD,
) -> Queue:
    """Today's study queue for the chosen topics (all when `topics` is None/empty).

    Due cards come first, oldest due first. Then new cards in content order, up to what is
    left of the daily limit. A card's other sides (reversed, term cards) are introduced only
    once its forward card has graduated to review, so they are not learned in the same sitting. When nothing
    else is left, learning steps due within `learn_ahead` are offered early.
    """
    now = as_utc(now)
    chosen = set(topics or ())
    selected = [c for c in cards if not chosen or c.topic_id in chosen]
    queue = Queue(new_left_today=max(0, new_limit - new_seen_today))
    later: list[tuple[datetime, Flashcard]] = []
    due: list[tuple[datetime, Flashcard]] = []
    for flashcard in selected:
        state = states.get(flashcard.key)
        if state is None:
            forward = None if flashcard.forward else states.get(card_id(flashcard.key))
            if not flashcard.forward and (forward is None or forward.state != 2):
                continue  # waits for its forward card to be learned
            queue.new_waiting += 1
            if len(queue.new) < queue.new_left_today:
                queue.new.append(flashcard)
        elif state.due <= now:
            due.append((state.due, flashcard))
        else:
            later.append((state.due, flashcard))
    queue.due = [f for _, f in sorted(due, key=lambda pair: pair[0])]
    later.sort(key=lambda pair: pair[0])
    if not queue.due and not queue.new:
        queue.ahead = [f for d, f in later if d <= now + learn_ahead and states[f.key].state != 2]
    ahead = {f.key for f in queue.ahead}
    remaining = [d for d, f in later if f.key not in ahead]
    queue.next_due = remaining[0] if remaining else None
    return queue
