"""Every demo's lesson is a short file of plain PyTorch that a student can read and run alone."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from demos import demo_ids, get_demo, lesson_source
from tests.conftest import ROOT

MAX_LINES = 150
MAX_COLUMNS = 100  # readable at 1280 px without scrolling sideways
# What a lesson may import: PyTorch, NumPy, the standard library, and the small data helpers.
ALLOWED_PROJECT_IMPORTS = {"demos.data"}
SPLIT = demo_ids()


def imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def project_imports(source: str) -> set[str]:
    return {name for name in imports(source)
            if name.startswith(".") or name.split(".")[0] in {"studyapp", "demos", "streamlit", "plotly"}}


@pytest.mark.parametrize("demo_id", SPLIT)
def test_the_lesson_is_short_and_narrow(demo_id):
    _, source = lesson_source(demo_id)
    lines = source.splitlines()
    assert len(lines) <= MAX_LINES, f"{demo_id}: the lesson is {len(lines)} lines"
    wide = [i + 1 for i, line in enumerate(lines) if len(line) > MAX_COLUMNS]
    assert not wide, f"{demo_id}: lines wider than {MAX_COLUMNS} columns: {wide}"


@pytest.mark.parametrize("demo_id", SPLIT)
def test_the_lesson_imports_nothing_of_the_app(demo_id):
    _, source = lesson_source(demo_id)
    assert project_imports(source) <= ALLOWED_PROJECT_IMPORTS
    assert "if __name__ == \"__main__\":" in source  # it runs on its own


def test_the_import_check_catches_what_a_lesson_must_not_import():
    assert project_imports("import streamlit as st\nfrom demos.framework import T\nfrom . import engine\n"
                           "from demos.data import digits\nimport torch\n") == {
        "streamlit", "demos.framework", ".", "demos.data"}


def test_every_lesson_runs_on_its_own_and_prints_its_metrics():
    # One child process runs each lesson file as `python lesson.py` would (as __main__), so
    # PyTorch is imported once for all of them.
    paths = [str(get_demo(d).lesson_path()) for d in SPLIT]
    code = ("import runpy, sys, torch\n"
            "torch.set_num_threads(1)  # as the app runs a demo on a 2-core machine\n"
            "for path in sys.argv[1:]:\n"
            "    print('=== ' + path, flush=True)\n"
            "    runpy.run_path(path, run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", code, *paths], cwd=ROOT / "demos", capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    printed = dict(zip(paths, done.stdout.split("=== ")[1:]))
    for demo_id, path in zip(SPLIT, paths):
        lines = printed[path].strip().splitlines()[1:]  # after the file name
        measured = [line for line in lines if re.search(r"[a-z].*\d", line)]
        assert len(measured) >= 2, f"{demo_id} printed no metrics: {lines}"


def test_demo_code_prints_the_lesson():
    done = subprocess.run([sys.executable, "-m", "studyapp", "demo", "code", "overfitting"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == lesson_source("overfitting")[1]
    bad = subprocess.run([sys.executable, "-m", "studyapp", "demo", "code", "nope"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown demo 'nope'" in bad.stderr
