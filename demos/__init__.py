"""Live PyTorch demos. Each demo is a package (demos/<name>/) whose `DEMO` is a
`demos.framework.Demo`: a lesson students read, its figures, and maybe a hidden engine.

The registry below maps demo ids to packages so that listing ids (content validation, the
CLI) does not import torch; a demo's package is imported only when it is used.
"""

from __future__ import annotations

import importlib
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
    "kfold": "demos.kfold",
    "tuning": "demos.tuning",
    "residual": "demos.residual",
    "tensors": "demos.tensors",
    "embeddings": "demos.embeddings",
    "normalization": "demos.normalization",
    "attention": "demos.attention",
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
