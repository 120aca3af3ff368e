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


# Characters some readers take as the end of a line: a line break inside a text must never
# reach the file, or a blank line would end the question and the next line start a new one.
_OTHER_BREAKS = {ord(ch): " " for ch in "\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def escape(text: str) -> str:
    """Escape GIFT's control characters; a newline becomes `\\n` (a blank line would end the question)."""
    out = "".join(_RESERVED.get(ch, ch) for ch in text.strip())
    out = out.replace("\r\n", "\n").replace("\r", "\n").translate(_OTHER_BREAKS)
    return out.replace("\n", "\\n")


def one_line(text: str) -> str:
    """A name for a line of its own (a $CATEGORY): every run of white space, line breaks
    included, becomes one space."""
    return " ".join(text.split())


def weight(percent: float) -> str:
    return f"%{percent:.5g}%"


def feedback(text: Text | None, lang: str) -> str:
    return f"#{escape(text.get(lang))}" if text else ""
