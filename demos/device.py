"""PyTorch's side of running a demo: which device, seeds, and how many CPU threads.

Loading this module loads PyTorch, and with it the compiler that torch.optim imports at its
first optimizer (torch._dynamo): about 2 s on a small CPU. A demo's lesson is loaded after this
module, so that one-time cost falls on loading the demo (the app does it in its warm-up thread
while the learner reads; `studyapp bench` reports it as the fresh process's load time), not on
the first run and its live chart.
"""

from __future__ import annotations

import os
import random
from contextlib import AbstractContextManager, contextmanager
from typing import Iterator

import numpy as np
import torch
import torch._dynamo  # noqa: F401  (see above)

from demos.framework import ParamError

DEVICE_ENV = "STUDYAPP_DEVICE"


def pick_device(requested: str | None = None) -> torch.device:
    """CUDA when present, then Apple's MPS, else CPU. `requested` (or $STUDYAPP_DEVICE) overrides."""
    name = requested or os.environ.get(DEVICE_ENV) or ""
    if name and name != "auto":
        try:
            device = torch.device(name)
        except RuntimeError:
            raise ParamError(f"device: unknown device {name!r} (try cpu, cuda or mps)") from None
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ParamError("device: cuda was asked for but no CUDA GPU is available")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise ParamError("device: mps was asked for but Apple MPS is not available")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch, and return a generator for explicit use."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run PyTorch's CPU ops on `count` threads inside this block, then restore the old setting.

    The setting is process-wide: it applies to every thread of the process while it lasts.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def single_threaded() -> AbstractContextManager[None]:
    """Every PyTorch CPU op on one thread inside this block.

    For tiny ops (a 10-point batch, a 32-unit recurrent step) splitting one op across threads
    costs more than the op itself, because the threads must be woken and waited for; on a
    busy machine, where a helper thread may not get a core at once, it can cost a thousand
    times more. Demos with tiny ops use the cores for whole independent runs instead.
    """
    return torch_threads(1)
