"""The app's own words, one catalogue per language: en.py and ko.py hold the same keys with
the same {placeholders} (tests/test_ui_strings.py fails on a missing or mismatched one).
Pages read them with `studyapp.ui.i18n.t(key, **values)`."""

from studyapp.ui.strings import en, ko

CATALOGUES: dict[str, dict[str, str]] = {"en": en.STRINGS, "ko": ko.STRINGS}
# Plotly's own words (toolbar tips, month names) per language; English is Plotly's own.
PLOTLY_LOCALES: dict[str, dict] = {"ko": ko.PLOTLY}
