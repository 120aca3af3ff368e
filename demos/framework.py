"""The small contract every demo follows.

A demo is a short, honest PyTorch training run. It declares its knobs as `Param`s (which
become both Streamlit widgets and `--set key=value` CLI flags), trains when `run` is called,
reports progress through a callback, and turns its `Result` into plotly figures.

Nothing here knows about Streamlit: the app and the CLI are two thin front ends over this.
"""

from __future__ import annotations

import os
import random
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence

import numpy as np
import torch


@dataclass(frozen=True)
class T:
    """A user-visible string in both languages the app speaks."""

    en: str
    ko: str

    def __call__(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


Value = float | int | str | bool


class ParamError(ValueError):
    """A parameter value a demo cannot run with; the message names the parameter."""


@dataclass(frozen=True)
class Param:
    """One knob of a demo: its type comes from `default`, its range from min/max/choices."""

    name: str
    label: T
    default: Value
    min: float | int | None = None
    max: float | int | None = None
    step: float | int | None = None
    choices: tuple[str, ...] = ()
    help: T | None = None
    log: bool = False  # a slider over orders of magnitude (learning rates, weight decay)
    # What each choice is called on screen, in both languages; a choice without one shows as is.
    choice_labels: Mapping[str, T] = field(default_factory=dict, hash=False, compare=False)

    def choice_label(self, choice: str, lang: str) -> str:
        label = self.choice_labels.get(choice)
        return label(lang) if label else choice

    @property
    def kind(self) -> type:
        return type(self.default)

    def parse(self, raw: str) -> Value:
        """Turn CLI text into a checked value."""
        kind = self.kind
        try:
            if kind is bool:
                lowered = raw.strip().lower()
                if lowered not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
                    raise ValueError
                value: Value = lowered in {"true", "1", "yes", "on"}
            elif kind is int:
                value = int(raw)
            elif kind is float:
                value = float(raw)
            else:
                value = raw
        except ValueError:
            raise ParamError(
                f"{self.name}: expected {kind.__name__}, got {raw!r}"
            ) from None
        return self.check(value)

    def check(self, value: Any) -> Value:
        """Validate a value (already of Python type); return it, or raise ParamError."""
        kind = self.kind
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise ParamError(
                f"{self.name}: expected {kind.__name__}, got {type(value).__name__} {value!r}"
            )
        if isinstance(value, float) and not np.isfinite(value):
            raise ParamError(f"{self.name}: must be a finite number, got {value!r}")
        if self.choices and value not in self.choices:
            raise ParamError(f"{self.name}: must be one of {', '.join(self.choices)}; got {value!r}")
        if self.min is not None and value < self.min:
            raise ParamError(f"{self.name}: {value!r} is below the minimum {self.min!r}")
        if self.max is not None and value > self.max:
            raise ParamError(f"{self.name}: {value!r} is above the maximum {self.max!r}")
        return value


def resolve_params(specs: Sequence[Param], given: Mapping[str, Any]) -> dict[str, Value]:
    """Defaults overlaid with `given`; unknown names and bad values raise ParamError."""
    known = {p.name: p for p in specs}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ParamError(
            f"unknown parameter {unknown[0]!r}; this demo takes: {', '.join(known)}"
        )
    return {p.name: p.check(given.get(p.name, p.default)) for p in specs}


@dataclass(frozen=True)
class Progress:
    """A snapshot sent to the page while training: enough to draw a bar and a live chart.

    `curves` maps a series name to its values so far (one per reported step), and
    `x` holds the step numbers those values belong to.
    """

    done: int
    total: int
    x: tuple[int, ...] = ()
    curves: Mapping[str, Sequence[float]] = field(default_factory=dict)
    message: str = ""

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 1.0


Reporter = Callable[[Progress], None]


def no_report(_: Progress) -> None:
    """The reporter used when nobody is watching (tests, CLI --json)."""


@dataclass
class Result:
    """What a run computed. `metrics` are plain numbers the CLI prints as JSON;
    `data` holds arrays for the figures; `summary` is one sentence for the learner."""

    metrics: dict[str, float]
    data: dict[str, Any]
    summary: T


class Demo(Protocol):
    id: str
    title: T
    description: T
    params: tuple[Param, ...]

    def run(
        self, params: Mapping[str, Value], *, device: torch.device, seed: int, report: Reporter
    ) -> Result: ...

    def figures(self, result: Result, lang: str) -> list[Any]: ...


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


class Throttle:
    """Lets a report through at most every `every` steps, plus the last one.

    Reporting copies numbers from the device to the host, which waits for the GPU to
    finish; doing it every few steps instead of every step keeps the GPU busy.
    """

    def __init__(self, total: int, every: int) -> None:
        self.total, self.every = total, max(1, every)

    def due(self, step: int) -> bool:
        return step % self.every == 0 or step == self.total


def demo_thread_count(cores: int | None = None) -> int:
    """How many CPU threads PyTorch may use for a demo run: half the cores, at least one.

    A demo never has the machine to itself: the browser draws its live charts and the app
    server streams them. PyTorch's threads wait for each other at the end of every op, so
    when one of them loses its core to the browser, the whole op waits: on a 2-core machine
    with a browser open, two threads made some demos three times slower than one.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, cores // 2)


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
