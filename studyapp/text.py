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

    # Unknown keys in a topic file (a typo such as `kr:`) are errors, not silently dropped:
    # pydantic reads this when content validates a Text.
    __pydantic_config__ = {"extra": "forbid"}

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en

    def __call__(self, lang: str) -> str:
        return self.get(lang)

    def format(self, **values: object) -> Text:
        """Both languages with `{name}` fields filled in."""
        return Text(self.en.format(**values), self.ko.format(**values))
