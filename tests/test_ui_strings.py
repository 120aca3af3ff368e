"""The app's own words: one catalogue per language with the same keys and placeholders, and
every key a page asks for is in it."""

from __future__ import annotations

import ast
import string

from studyapp.ui.strings import CATALOGUES
from tests.conftest import ROOT


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_is_there_in_every_language():
    english = CATALOGUES["en"]
    for lang, catalogue in CATALOGUES.items():
        assert sorted(set(english) - set(catalogue)) == [], f"missing in {lang}"
        assert sorted(set(catalogue) - set(english)) == [], f"only in {lang}"
        assert [key for key, text in catalogue.items() if not text.strip()] == [], f"empty in {lang}"


def test_every_language_fills_in_the_same_values():
    """A page passes the values its English needs; a translation uses those, all of them but
    English's plural ending `{s}`."""
    english = CATALOGUES["en"]
    for lang, catalogue in CATALOGUES.items():
        for key, text in catalogue.items():
            assert fields(text) <= fields(english[key]), f"{lang} {key}: a value no page passes"
            assert fields(english[key]) - fields(text) <= {"s"}, f"{lang} {key}: a value left out"


def keys_asked_for() -> dict[str, str]:
    """Keys passed as a literal to t(...) anywhere in the app: key -> where."""
    asked = {}
    for path in sorted((ROOT / "studyapp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                asked[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return asked


def test_every_key_the_pages_ask_for_exists():
    from studyapp.ui.flashcard import RATING_KEYS, STATE_KEYS
    from studyapp.ui.quiz.widgets import REGISTRY

    asked = keys_asked_for()
    assert len(asked) > 150  # the scan finds the pages' calls
    asked |= {key: "a key held in a table" for key in [*RATING_KEYS.values(), *STATE_KEYS.values()]}
    asked |= {widget.submit: f"{type(widget).__name__}.submit" for widget in REGISTRY.values()}
    missing = {key: where for key, where in asked.items() if key not in CATALOGUES["en"]}
    assert missing == {}


def test_the_demo_pages_keys_keep_working():
    # studyapp/ui/demo_view.py asks for these; renaming one would break its page.
    for key in ("stop", "queued", "code_caption", "trained_on", "training", "from_cache", "stopped_result"):
        assert key in CATALOGUES["en"] and key in CATALOGUES["ko"]
