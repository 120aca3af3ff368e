"""Export flashcards: a TSV that Anki imports as is, and a plain CSV (with progress, if asked).

The Anki file uses Anki's own header lines (Anki 2.1.55+ reads them), so the import dialog
needs no settings: tab separator, HTML fields, the column names, a deck column (one deck per
topic, created on import), a tags column, and a GUID column so exporting again and
re-importing updates the same notes instead of duplicating them.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime
from typing import Mapping

from studyapp.content import Content
from studyapp.srs.deck import Flashcard, flashcards
from studyapp.srs.scheduler import recall_probability
from studyapp.srs.settings import Settings
from studyapp.store import CardState
from studyapp.text import Text

DECK_ROOT = "Deep Learning Study"
ANKI_COLUMNS = ("Front", "Back", "Deck", "Tags", "GUID")


def _esc(text: str) -> str:
    """HTML-escape <, > and &; double quotes become &quot; in `_cell`, apostrophes stay readable."""
    return html.escape(text, quote=False)


def _both(text: Text) -> str:
    """English, then Korean on its own line, HTML-escaped."""
    return f"{_esc(text.en)}<br>{_esc(text.ko)}"


def _cell(value: str) -> str:
    """Anki reads fields like CSV: no raw tabs or newlines, and quotes only as entities."""
    return value.replace("\t", " ").replace("\r", "").replace("\n", "<br>").replace('"', "&quot;")


def deck_name(title: str) -> str:
    """The topic's Anki deck under DECK_ROOT: one line, and no `::` of its own (Anki reads
    `::` as "sub-deck", so a title "A::B" would scatter its cards over nested decks)."""
    return f"{DECK_ROOT}::{re.sub(r':{2,}', ':', ' '.join(title.split()))}"


def _front(flashcard: Flashcard) -> str:
    card = flashcard.card
    if flashcard.reverse:
        return f"{_both(card.definition)}<br><br><i>Which term? · 어떤 용어입니까?</i>"
    return f"<b>{_esc(card.term.en)}</b><br>{_esc(card.term.ko)}"


def _back(flashcard: Flashcard, names: Mapping[str, Text]) -> str:
    card = flashcard.card
    parts = []
    if flashcard.reverse:
        parts.append(f"<b>{_esc(card.term.en)}</b><br>{_esc(card.term.ko)}")
    else:
        parts.append(_both(card.definition))
    for formula in dict.fromkeys(card.formula_in(lang) for lang in ("en", "ko") if card.formula):
        parts.append(f"\\({_esc(formula)}\\)")  # Anki renders \( \) with MathJax; words in both languages
    if card.example:
        parts.append(f"<i>Example · 예시</i><br>{_both(card.example)}")
    for confusion in card.confused_with:
        other = names.get(confusion.card)
        title = f"{_esc(other.en)} · {_esc(other.ko)}" if other else _esc(confusion.card)
        parts.append(f"<i>Often confused with · 자주 헷갈리는 용어</i>: <b>{title}</b><br>{_both(confusion.difference)}")
    return "<hr>".join(parts)


def anki_tsv(content: Content, *, include_reversed: bool = True) -> str:
    """Every card as an Anki note: one deck per topic under 'Deep Learning Study::'."""
    names = {card.id: card.term for card in content.cards()}
    titles = {topic.id: topic.title.en for topic in content.topics}
    lines = [
        "#separator:tab",
        "#html:true",
        "#notetype:Basic",
        "#columns:" + "\t".join(ANKI_COLUMNS),
        "#deck column:3",
        "#tags column:4",
        "#guid column:5",
        "#tags:studyapp",
        "#if matches:update current",
    ]
    for flashcard in flashcards(content, include_reversed=include_reversed):
        deck = deck_name(titles[flashcard.topic_id])
        tags = " ".join([flashcard.topic_id, *flashcard.card.tags, *(["reversed"] if flashcard.reverse else [])])
        row = (_front(flashcard), _back(flashcard, names), deck, tags, f"studyapp:{flashcard.key}")
        lines.append("\t".join(_cell(field) for field in row))
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ["card_key", "topic", "reversed", "term_en", "term_ko", "definition_en", "definition_ko",
               "formula", "formula_ko", "example_en", "example_ko", "confused_with"]
PROGRESS_COLUMNS = ["state", "due", "last_review", "reps", "lapses", "stability", "difficulty", "recall_now"]
STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula


def spreadsheet_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1+1`,
    `@SUM(...)`) gets a leading apostrophe, so Excel and LibreOffice show it as text.
    Numbers the export writes itself pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cards_csv(
    content: Content,
    *,
    states: Mapping[str, CardState] | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
    include_reversed: bool = True,
) -> str:
    """One row per flashcard; with `states`, also the learner's progress on it (UTC times)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + (PROGRESS_COLUMNS if states is not None else []))
    for flashcard in flashcards(content, include_reversed=include_reversed):
        card = flashcard.card
        row = [flashcard.key, flashcard.topic_id, int(flashcard.reverse), card.term.en, card.term.ko,
               card.definition.en, card.definition.ko, card.formula_in("en") or "", card.formula_in("ko") or "",
               card.example.en if card.example else "", card.example.ko if card.example else "",
               " ".join(c.card for c in card.confused_with)]
        if states is not None:
            state = states.get(flashcard.key)
            if state is None:
                row += ["new", "", "", 0, 0, "", "", ""]
            else:
                recall = recall_probability(state, settings or Settings(), now) if now else None
                row += [STATE_NAMES.get(state.state, state.state), state.due.isoformat(),
                        state.last_review.isoformat() if state.last_review else "", state.reps, state.lapses,
                        f"{state.stability:.4f}" if state.stability is not None else "",
                        f"{state.difficulty:.4f}" if state.difficulty is not None else "",
                        f"{recall:.4f}" if recall is not None else ""]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
