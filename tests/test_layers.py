"""The app's layers (DESIGN.md: imports point down only), checked by reading every import (ast),
including the ones inside functions and under `if TYPE_CHECKING`.

    views   studyapp/app.py, studyapp/__main__.py, studyapp/ui, studyapp/cli
    tools   studyapp/bench.py, studyapp/bench_app.py, studyapp/headless.py, studyapp/classroom_load.py
            (the CLI's benchmarks and load test)
    logic   studyapp/quiz, studyapp/srs, studyapp/runner.py, studyapp/classroom
    data    studyapp/store, studyapp/content
    demos   demos
    bottom  studyapp/text.py, studyapp/__init__.py  (everyone may import them)

Rules: every module is placed in one layer, and every place named here exists (a new package
in studyapp/ fails until it is placed); a module imports
its own unit, the layers below it and the sideways imports listed; the pages never import
the store; streamlit, torch and sqlite3 are imported only where they belong; and no modules
of studyapp/ import each other in a cycle. The last test plants a violation of each rule in
a throwaway tree and checks that the rule reports it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

# Top to bottom. A unit is a package (a folder) or a single module (a file).
LAYERS: dict[str, tuple[str, ...]] = {
    "views": ("studyapp/app.py", "studyapp/__main__.py", "studyapp/ui", "studyapp/cli"),
    "tools": ("studyapp/bench.py", "studyapp/bench_app.py", "studyapp/headless.py", "studyapp/classroom_load.py"),
    "logic": ("studyapp/quiz", "studyapp/srs", "studyapp/runner.py", "studyapp/classroom"),
    "data": ("studyapp/store", "studyapp/content"),
    "demos": ("demos",),
    "bottom": ("studyapp/text.py", "studyapp/__init__.py"),
}
# Imports between different units of one layer, allowed one way only.
SIDEWAYS = {
    ("studyapp/app.py", "studyapp/ui"): "the app script draws the pages",
    ("studyapp/__main__.py", "studyapp/cli"): "`python -m studyapp` is the command",
    ("studyapp/bench_app.py", "studyapp/bench.py"): "the app benchmark reuses the demo benchmark",
    ("studyapp/bench_app.py", "studyapp/headless.py"): "the app benchmark drives a browser",
    ("studyapp/quiz", "studyapp/srs"): "a quiz answer rates the flashcards it tests",
    ("studyapp/classroom", "studyapp/quiz"): "a class answer is graded, and kept, as a quiz answer",
    ("studyapp/classroom_load.py", "studyapp/headless.py"): "the class load test drives a browser",
}
# Downward imports that are still forbidden.
NEVER = {
    ("studyapp/ui", "studyapp/store"): "pages call the logic layer (quiz, srs), which owns the store",
    ("studyapp/ui", "studyapp/bench.py"): "benchmarks are the command line's",
    ("studyapp/ui", "studyapp/bench_app.py"): "benchmarks are the command line's",
    ("studyapp/ui", "studyapp/headless.py"): "benchmarks are the command line's",
    ("studyapp/ui", "studyapp/classroom_load.py"): "the load test is the command line's",
}
# Third-party modules and the only units that may import them (the longest matching name wins).
ONLY_IN = {
    "streamlit": ("studyapp/ui", "studyapp/app.py"),
    "streamlit.web": ("studyapp/cli",),  # `studyapp run` starts the server
    "torch": ("demos", "studyapp/runner.py", "studyapp/bench.py"),
    "sqlite3": ("studyapp/store",),
}
TOPS = ("studyapp", "demos")  # the trees read


@dataclass(frozen=True)
class Module:
    name: str  # dotted: studyapp.ui.quiz for studyapp/ui/quiz/__init__.py
    path: str  # relative to the root, with forward slashes
    imports: tuple[tuple[str, int], ...]  # (absolute dotted name, line), relative imports resolved


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_tree(root: Path) -> dict[str, Module]:
    modules = {}
    for top in TOPS:
        for path in sorted((root / top).rglob("*.py")):
            relative = path.relative_to(root)
            name = module_name(relative)
            package = name if path.name == "__init__.py" else name.rpartition(".")[0]
            found = []
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found += [(alias.name, node.lineno) for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                        base = ".".join(anchor + ([base] if base else []))
                    # `from a import b` imports module a.b when there is one, else a name from a
                    found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
            modules[name] = Module(name, relative.as_posix(), tuple(found))
    return modules


def resolve(name: str, modules: dict[str, Module]) -> str | None:
    """The module of the tree that `name` names (its longest known prefix), or None."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def internal_edges(modules: dict[str, Module]) -> dict[str, dict[str, int]]:
    """module -> {module of the tree it imports: first line}. A package's own modules do not
    count as importing its __init__ (Python runs it first, but that is not a dependency)."""
    edges: dict[str, dict[str, int]] = {}
    for module in modules.values():
        targets: dict[str, int] = {}
        for name, line in module.imports:
            target = resolve(name, modules) if name.split(".")[0] in TOPS else None
            if target is not None and target != module.name:
                targets.setdefault(target, line)
        edges[module.name] = targets
    return edges


def unit_of(path: str, layers: dict[str, tuple[str, ...]]) -> tuple[str, str] | None:
    """(layer, unit) of a module's file, by the most specific unit that holds it."""
    best = None
    for layer, units in layers.items():
        for unit in units:
            if path == unit or path.startswith(unit + "/"):
                if best is None or len(unit) > len(best[1]):
                    best = (layer, unit)
    return best


# --- the rules ---------------------------------------------------------------------------------


def placement_problems(root: Path, layers=LAYERS) -> list[str]:
    found = [f"{unit} is named in LAYERS but does not exist"
             for units in layers.values() for unit in units if not (root / unit).exists()]
    for module in read_tree(root).values():
        if unit_of(module.path, layers) is None:
            found.append(f"{module.path} is in no layer: add it to LAYERS")
    return found


def direction_problems(root: Path, layers=LAYERS, sideways=SIDEWAYS, never=NEVER) -> list[str]:
    modules = read_tree(root)
    order = list(layers)
    found = []
    for name, targets in internal_edges(modules).items():
        source = unit_of(modules[name].path, layers)
        for target, line in targets.items():
            goal = unit_of(modules[target].path, layers)
            if source is None or goal is None or source[1] == goal[1]:
                continue
            where = f"{modules[name].path}:{line} imports {target}"
            if (source[1], goal[1]) in never:
                found.append(f"{where}: {never[source[1], goal[1]]}")
            elif order.index(goal[0]) < order.index(source[0]):
                found.append(f"{where}: {source[0]} ({source[1]}) must not import {goal[0]} ({goal[1]}) above it")
            elif order.index(goal[0]) == order.index(source[0]) and (source[1], goal[1]) not in sideways:
                found.append(f"{where}: {source[1]} and {goal[1]} are both {source[0]}; not a listed sideways import")
    return found


def third_party_problems(root: Path, layers=LAYERS, only_in=ONLY_IN) -> list[str]:
    found = []
    for module in read_tree(root).values():
        unit = unit_of(module.path, layers)
        for name, line in module.imports:
            rules = [p for p in only_in if name == p or name.startswith(p + ".")]
            if not rules:
                continue
            allowed = only_in[max(rules, key=len)]
            if unit is None or unit[1] not in allowed:
                found.append(f"{module.path}:{line} imports {name}: only {', '.join(allowed)} may")
    return found


def cycle_problems(root: Path) -> list[str]:
    """Every group of studyapp/ modules that import each other in a circle (Tarjan's SCCs)."""
    modules = read_tree(root)
    edges = {name: [t for t in targets if t.startswith("studyapp")]
             for name, targets in internal_edges(modules).items() if name.startswith("studyapp")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return [f"import cycle: {' <-> '.join(group)}" for group in sorted(groups)]


# --- the real tree ----------------------------------------------------------------------------


def test_every_module_has_a_layer_and_every_named_place_exists():
    assert placement_problems(ROOT) == []
    for unit in [*SIDEWAYS, *NEVER]:
        assert (ROOT / unit[0]).exists() and (ROOT / unit[1]).exists(), unit
    for units in ONLY_IN.values():
        assert all((ROOT / unit).exists() for unit in units), units


def test_imports_point_down_only():
    assert direction_problems(ROOT) == []


def test_third_party_libraries_stay_in_their_layer():
    assert third_party_problems(ROOT) == []


def test_no_import_cycles_in_studyapp():
    assert cycle_problems(ROOT) == []


# --- the rules catch what they are for ---------------------------------------------------------


PLANTED = {
    **{unit: "" for unit in ("studyapp/__init__.py", "studyapp/__main__.py", "studyapp/text.py", "studyapp/runner.py",
                             "studyapp/bench.py", "studyapp/bench_app.py", "studyapp/headless.py",
                             "studyapp/classroom_load.py", "studyapp/classroom/__init__.py")},
    "studyapp/app.py": "from studyapp.ui import page\n",  # a listed sideways import: fine
    "studyapp/ui/__init__.py": "",
    "studyapp/ui/page.py": "import streamlit as st\nfrom studyapp import srs\nfrom studyapp.store import db\n",
    "studyapp/cli/__init__.py": "def main():\n    from studyapp.ui import page\n",  # sideways, not listed
    "studyapp/srs/__init__.py": "from studyapp.store import db\nimport streamlit\n",  # down: fine; streamlit: not here
    "studyapp/quiz/__init__.py": "",
    "studyapp/quiz/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from studyapp.quiz import b\n",
    "studyapp/quiz/b.py": "from . import a\n",  # a cycle, through a relative import
    "studyapp/store/__init__.py": "",
    "studyapp/store/db.py": "import sqlite3\n",
    "studyapp/content/__init__.py": "def load():\n    from ..quiz import a\n",  # up, deferred and relative
    "studyapp/stray.py": "",  # in no layer
    "demos/__init__.py": "import torch\nfrom studyapp.text import Text\n",
    "demos/lesson.py": "import sqlite3\nfrom studyapp.ui.page import st\n",  # both wrong
}


def plant(root: Path) -> Path:
    for relative, text in PLANTED.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_each_rule_catches_a_planted_violation(tmp_path):
    root = plant(tmp_path)
    layers = {**LAYERS, "logic": (*LAYERS["logic"], "studyapp/lecture")}  # a place that does not exist
    assert sorted(placement_problems(root, layers)) == [
        "studyapp/lecture is named in LAYERS but does not exist",
        "studyapp/stray.py is in no layer: add it to LAYERS",
    ]
    assert sorted(direction_problems(root)) == [
        "demos/lesson.py:2 imports studyapp.ui.page: demos (demos) must not import views (studyapp/ui) above it",
        "studyapp/cli/__init__.py:2 imports studyapp.ui.page: studyapp/cli and studyapp/ui are both views; "
        "not a listed sideways import",
        "studyapp/content/__init__.py:2 imports studyapp.quiz.a: data (studyapp/content) must not import "
        "logic (studyapp/quiz) above it",
        "studyapp/ui/page.py:3 imports studyapp.store.db: pages call the logic layer (quiz, srs), which owns the store",
    ]
    assert sorted(third_party_problems(root)) == [
        "demos/lesson.py:1 imports sqlite3: only studyapp/store may",
        "studyapp/srs/__init__.py:2 imports streamlit: only studyapp/ui, studyapp/app.py may",
    ]
    assert cycle_problems(root) == ["import cycle: studyapp.quiz.a <-> studyapp.quiz.b"]
