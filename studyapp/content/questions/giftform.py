"""How a question type writes itself in Moodle's GIFT format (the file: studyapp/quiz/gift.py).

    ::id::[markdown]Prompt{
        =right answer#why it is right
        ~wrong answer#the misconception behind it
        ####general explanation
    }
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from studyapp.text import Text

_RESERVED = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:"}


@dataclass(frozen=True)
class GiftForm:
    """A question's answers in GIFT: `{` + one line per answer + `}`, or an inline body."""

    lines: tuple[str, ...] = ()
    numeric: bool = False  # `{#`: a numeric question
    inline: str | None = None  # the whole body on one line (true/false: `TRUE#wrong#right`)
    comment: str = ""  # `// ...` lines before the question
    prompt_suffix: str = ""  # e.g. the unit
    values: Mapping[str, Any] = field(default_factory=dict)  # drawn values for the texts' {placeholders}


def escape(text: str) -> str:
    """Escape GIFT's control characters; a newline becomes `\\n` (a blank line would end the question)."""
    out = "".join(_RESERVED.get(ch, ch) for ch in text.strip())
    return out.replace("\r", "").replace("\n", "\\n")


def weight(percent: float) -> str:
    return f"%{percent:.5g}%"


def feedback(text: Text | None, lang: str) -> str:
    return f"#{escape(text.get(lang))}" if text else ""
