"""The layering rules of DESIGN.md, checked by reading imports (imports point down only)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

# package -> top-level modules it must never import
FORBIDDEN = {
    "demos": {"streamlit", "studyapp.ui", "studyapp.runner", "studyapp.content", "studyapp.quiz",
              "studyapp.srs", "studyapp.store", "studyapp.cli"},  # studyapp.text, the bottom, is fine
    "studyapp/content": {"streamlit", "torch", "studyapp.ui", "studyapp.runner"},
    "studyapp/quiz": {"streamlit", "torch", "studyapp.ui"},
    "studyapp/srs": {"streamlit", "torch", "studyapp.ui"},
    "studyapp/classroom": {"streamlit", "torch", "studyapp.ui"},
    "studyapp/store": {"streamlit", "torch", "studyapp.ui"},
    "studyapp/cli": {"streamlit.runtime", "studyapp.ui"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations() -> list[str]:
    found = []
    for package, banned in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in imported_modules(path):
                if any(name == b or name.startswith(b + ".") for b in banned):
                    found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_imports_point_down_only():
    assert violations() == []


def test_sql_lives_only_in_the_store():
    sql_users = []
    for path in sorted((ROOT / "studyapp").rglob("*.py")):
        if "store" in path.relative_to(ROOT).parts:
            continue
        if "sqlite3" in imported_modules(path):
            sql_users.append(str(path.relative_to(ROOT)))
    assert sql_users == []


def test_the_checker_catches_a_violation(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("import streamlit as st\nfrom studyapp.ui import home\n")
    assert imported_modules(bad) == {"streamlit", "studyapp.ui"}
