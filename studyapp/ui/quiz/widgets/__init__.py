"""Each question type's widget, one module per type (beside its model in
studyapp/content/questions/): how it is asked, and how its answer is shown after grading.

Importing this package imports every module in it; defining a `Widget` subclass registers
it for its `kinds`, so `widget_for(item.type)` finds it and no page branches on type names.
"""

from __future__ import annotations

import importlib
import pkgutil

from studyapp.ui.quiz.widgets.base import REGISTRY, Widget

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")


def widget_for(kind: str) -> Widget:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise ValueError(f"no widget for question type {kind!r}") from None


__all__ = ["REGISTRY", "Widget", "widget_for"]
