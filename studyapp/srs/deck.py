"""Content cards -> flashcards, and the daily queue (due cards first, then new ones).

Progress is keyed by the card id from the content files, so editing a card's text keeps its
history. A card marked `reversible` also has a reversed flashcard (definition -> term) with
its own key, `<id>:reverse` (content ids cannot contain ':', so the two never clash).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable, Mapping

from studyapp.content import Card, Content
from studyapp.srs.clock import as_utc
from studyapp.store import CardState

REVERSE = ":reverse"
LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: finish short learning steps early


def card_key(card_id: str, reverse: bool = False) -> str:
    return f"{card_id}{REVERSE}" if reverse else card_id


def split_key(key: str) -> tuple[str, bool]:
    """`'sgd:reverse'` -> `('sgd', True)`."""
    if key.endswith(REVERSE):
        return key[: -len(REVERSE)], True
    return key, False


@dataclass(frozen=True)
class Flashcard:
    key: str
    card: Card
    topic_id: str
    reverse: bool = False


def flashcards(content: Content, *, include_reversed: bool = True) -> list[Flashcard]:
    """Every flashcard of the content, in content order (topic order, then card order)."""
    found = []
    for topic in content.topics:
        for card in topic.cards:
            found.append(Flashcard(card.id, card, topic.id))
            if include_reversed and card.reversible:
                found.append(Flashcard(card_key(card.id, True), card, topic.id, reverse=True))
    return found


def orphaned_keys(cards: Iterable[Flashcard], keys_with_history: Iterable[str]) -> list[str]:
    """Keys with progress whose card is gone from the content: kept and listed, never deleted."""
    present = {c.key for c in cards}
    return sorted(set(keys_with_history) - present)


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
    left of the daily limit. A reversed card is introduced only once its forward card has
    graduated to review, so the two sides are not learned in the same sitting. When nothing
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
            forward = states.get(split_key(flashcard.key)[0]) if flashcard.reverse else None
            if flashcard.reverse and (forward is None or forward.state != 2):
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
