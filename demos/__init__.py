"""Live PyTorch demos. Each module defines one `DEMO` object following `demos.framework.Demo`.

The registry below maps demo ids to modules so that listing ids (content validation, the
CLI) does not import torch; a demo's module is imported only when it is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from demos.framework import Demo

# id -> module. Adding a demo: write demos/<name>.py with a DEMO object, add one line here.
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


def demo_module(demo_id: str):
    """The module that holds a demo, for showing its source to students."""
    get_demo(demo_id)
    return importlib.import_module(REGISTRY[demo_id])
