"""The strings a card or question shows, for tests that check what the content says."""

from __future__ import annotations


def strings_of(item, lang: str = "en") -> list[str]:
    """Every string of a card or question in `lang` (plain strings, such as ids, included),
    in the order its fields are declared."""
    found: list[str] = []

    def walk(value) -> None:
        if hasattr(value, "en") and hasattr(value, "ko"):
            found.append(getattr(value, lang))
        elif hasattr(type(value), "model_fields"):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            found.append(value)

    walk(item)
    return found
