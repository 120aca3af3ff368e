"""Live PyTorch demos. Each demo is a package (demos/<name>/) whose `DEMO` is a
`demos.framework.Demo`: a lesson students read, its figures, and maybe a hidden engine.

The registry below maps demo ids to packages so that listing ids (content validation, the
CLI) does not import torch; a demo's package is imported only when it is used.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from demos.framework import Demo

# id -> package. Adding a demo: write demos/<name>/ (lesson.py, figures.py, __init__.py with
# DEMO; see demos/overfitting/), add one line here.
REGISTRY: dict[str, str] = {
    "overfitting": "demos.overfitting",
    "optimizers": "demos.optimizers",
    "learning-rate": "demos.learning_rate",
    "batch-size": "demos.batch_size",
    "activations": "demos.activations",
    "playground": "demos.playground",
    "cnn": "demos.cnn",
    "rnn": "demos.rnn",
    "heads": "demos.heads",
    "transfer": "demos.transfer",
}


def demo_ids() -> list[str]:
    return list(REGISTRY)


def get_demo(demo_id: str) -> "Demo":
    """The demo with this id; KeyError names the known ids."""
    try:
        module_name = REGISTRY[demo_id]
    except KeyError:
        raise KeyError(f"unknown demo {demo_id!r}; known demos: {', '.join(REGISTRY)}") from None
    return importlib.import_module(module_name).DEMO


def lesson_source(demo_id: str) -> tuple[str, str]:
    """The file name and source of the demo's lesson: the PyTorch code its page shows."""
    path = get_demo(demo_id).lesson_path()  # read, not imported: showing code needs no PyTorch
    return f"{demo_id.replace('-', '_')}_lesson.py", path.read_text(encoding="utf-8")


def demo_module(demo_id: str):
    """The module that holds a demo, for showing its source to students."""
    get_demo(demo_id)
    return importlib.import_module(REGISTRY[demo_id])


# The plumbing every demo imports (parameters, progress reports): not PyTorch to learn from.
NOT_SHOWN = {"demos.framework"}


def demo_sources(demo_id: str) -> dict[str, str]:
    """File name -> source code of the demo's module and of the demos.* helper modules it
    imports (e.g. the shared stacked network of the optimization demos), in that order: all
    the PyTorch a student needs to read to follow the demo."""
    module = demo_module(demo_id)
    source = inspect.getsource(module)
    helpers = [node.module for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("demos.")
               and node.module not in NOT_SHOWN]
    sources = {f"{module.__name__.split('.')[-1]}.py": source}
    for name in dict.fromkeys(helpers):  # each once, in import order
        sources[f"{name.split('.')[-1]}.py"] = inspect.getsource(importlib.import_module(name))
    return sources
