"""The app's one bilingual string: what a learner reads, in English and in Korean.

This module is the bottom of the project: it imports nothing of it, so content, demos and
pages can all use the same type.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "ko")


@dataclass(frozen=True)
class Text:
    """A user-visible string in both languages the app speaks."""

    en: str
    ko: str

    # How content's pydantic models validate a Text from a topic file (pydantic reads this
    # attribute; this module never imports pydantic): both strings are stripped and must not
    # be empty, and an unknown key (a typo such as `kr:`) is an error, not silently dropped.
    __pydantic_config__ = {"extra": "forbid", "str_strip_whitespace": True, "str_min_length": 1}

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en

    def __call__(self, lang: str) -> str:
        return self.get(lang)

    def other(self, lang: str) -> str:
        """The string in the language that is not `lang` (a term's translation beside it)."""
        return self.en if lang == "ko" else self.ko

    def format(self, **values: object) -> Text:
        """Both languages with `{name}` fields filled in."""
        return Text(self.en.format(**values), self.ko.format(**values))
