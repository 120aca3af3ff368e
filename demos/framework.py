"""The small contract every demo follows.

A demo is three files in its own package (see demos/overfitting/ for the pattern):

* `lesson.py`: the training run written the plain way, the file the page shows. Its
  `train(<settings>, *, device, seed, report)` returns a dict with the `metrics` it measured
  and whatever arrays the figures draw. It imports torch, numpy and `demos.data`, nothing else
  of the project, and runs on its own (`python lesson.py` prints its metrics).
* `figures.py`: plotly figures from the result, the one-sentence summary, the live chart's
  labels: every string a learner reads, in English and Korean.
* `engine.py` (optional, never shown): a faster `train` with the same signature. It stays
  only where `studyapp bench` measures it at least 2x faster than the lesson, with results
  that agree.

`__init__.py` joins them into a `Demo`: its knobs as `Param`s (which become both Streamlit
widgets and `--set key=value` CLI flags; their defaults are the lesson's own keyword
defaults) and the optional parts, declared rather than discovered.

Nothing here knows about Streamlit: the app and the CLI are two thin front ends over this.
Nothing here imports PyTorch either: a page can show a demo's knobs at once, and the lesson
(which imports torch) loads when the demo first runs.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import math
import os
import threading
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from studyapp.text import Text

if TYPE_CHECKING:
    import torch

T = Text  # short, for the many strings of the figure modules

Value = float | int | str | bool
# What the lesson's `train` receives besides the settings.
RUN_ARGUMENTS = ("device", "seed", "report")


class ParamError(ValueError):
    """A parameter value a demo cannot run with; the message names the parameter."""


@dataclass(frozen=True)
class Param:
    """One knob of a demo: its type comes from `default`, its range from min/max/choices.

    Leave `default` out in a demo package: `Demo` fills it in from the lesson's `train`, so
    each default is written once, where a student reads it.
    """

    name: str
    label: Text
    default: Value | None = None
    min: float | int | None = None
    max: float | int | None = None
    step: float | int | None = None
    choices: tuple[str, ...] = ()
    help: Text | None = None
    log: bool = False  # a slider over orders of magnitude (learning rates, weight decay)
    # What each choice is called on screen, in both languages; a choice without one shows as is.
    choice_labels: Mapping[str, Text] = field(default_factory=dict, hash=False, compare=False)

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
            raise ParamError(f"{self.name}: expected {kind.__name__}, got {raw!r}") from None
        return self.check(value)

    def check(self, value: Any) -> Value:
        """Validate a value (already of Python type); return it, or raise ParamError."""
        kind = self.kind
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise ParamError(f"{self.name}: expected {kind.__name__}, got {type(value).__name__} {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
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
        raise ParamError(f"unknown parameter {unknown[0]!r}; this demo takes: {', '.join(known)}")
    return {p.name: p.check(given.get(p.name, p.default)) for p in specs}


def lesson_defaults(module_name: str) -> dict[str, Any]:
    """The keyword defaults of a lesson's `train`, read from its source without importing it
    (importing it would load PyTorch). Raises TypeError when `train` is missing or a setting
    has no literal default."""
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        raise TypeError(f"no lesson module {module_name}")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    train = next((node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "train"), None)
    if train is None:
        raise TypeError(f"{module_name} has no train() function")
    positional = train.args.posonlyargs + train.args.args
    pairs = list(zip(positional[len(positional) - len(train.args.defaults):], train.args.defaults))
    pairs += [(arg, default) for arg, default in zip(train.args.kwonlyargs, train.args.kw_defaults)]
    names = [arg.arg for arg in positional + train.args.kwonlyargs if arg.arg not in RUN_ARGUMENTS]
    defaults = {arg.arg: default for arg, default in pairs if arg.arg not in RUN_ARGUMENTS}
    missing = [name for name in names if name not in defaults or defaults[name] is None]
    if missing:
        raise TypeError(f"{module_name}.train: give {', '.join(missing)} a default")
    try:
        return {name: ast.literal_eval(defaults[name]) for name in names}
    except ValueError:
        raise TypeError(f"{module_name}.train: every setting's default must be a plain number, text or "
                        "True/False") from None


def params_from_lesson(module_name: str, params: Sequence[Param]) -> tuple[Param, ...]:
    """The params with each default read from the lesson's keyword default.

    Raises TypeError when the two disagree on names: every setting of the lesson is a knob on
    the page, and every knob is a setting of the lesson.
    """
    settings = lesson_defaults(module_name)
    named = [p.name for p in params]
    if sorted(named) != sorted(settings) or len(set(named)) != len(named):
        raise TypeError(f"{module_name}.train takes {sorted(settings)}, the params are {sorted(named)}")
    filled = tuple(replace(p, default=settings[p.name]) if p.default is None else p for p in params)
    for p in filled:
        p.check(p.default)  # a default outside its own range is a bug in the demo
    return filled


# --- progress while training ------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """A snapshot sent to the page while training: enough to draw a bar and a live chart.

    `series` maps a series name (as the lesson reported it) to its points so far, as a pair of
    lists (x, y); `live` holds anything else the lesson sent for a live picture (the
    playground's decision boundary).
    """

    done: int
    total: int
    series: Mapping[str, tuple[Sequence[float], Sequence[float]]] = field(default_factory=dict)
    live: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 1.0


Reporter = Callable[[Progress], None]


def no_report(_: Progress) -> None:
    """The reporter used when nobody is watching (tests, CLI --json)."""


class Recorder:
    """The `report` a lesson calls: `report(step, total, {"train loss": 0.52}, **live) -> stop?`.

    It keeps every value the lesson reported as a growing series, passes a `Progress` snapshot
    to whoever watches (the page's live chart, the CLI's progress bar), and answers whether the
    learner pressed Stop, so the lesson can end its loop and evaluate what it has trained.
    """

    def __init__(self, watcher: Reporter = no_report, stop: threading.Event | None = None) -> None:
        self.watcher, self.stop = watcher, stop
        self.series: dict[str, tuple[list[float], list[float]]] = {}
        self.stopped = False

    def __call__(self, step: int, total: int, values: Mapping[str, float] | None = None, **live: Any) -> bool:
        for name, value in (values or {}).items():
            xs, ys = self.series.setdefault(name, ([], []))
            xs.append(step)
            ys.append(float(value))
        if self.watcher is not no_report:
            # Tuples of the lists as they are now: the page reads them from another thread.
            snapshot = {name: (tuple(xs), tuple(ys)) for name, (xs, ys) in self.series.items()}
            self.watcher(Progress(done=step, total=total, series=snapshot, live=live))
        if self.stop is not None and self.stop.is_set():
            self.stopped = True
        return self.stopped


@dataclass
class Result:
    """What a run computed. `metrics` are plain numbers the CLI prints as JSON; `data` is all
    the lesson returned (the figures read it); `summary` is one sentence for the learner;
    `stopped` says the learner pressed Stop, so this is what was trained until then."""

    metrics: dict[str, float]
    data: dict[str, Any]
    summary: Text
    stopped: bool = False


# --- what a measured number is called ----------------------------------------------------------

# How a metric's value is written: "percent" 0.961 -> 96.1%; "points" a difference of two
# accuracies, 0.25 -> 25.0 pp (25.0%p); "count" a whole number; "step" a step or epoch number;
# "flag" 1/0 -> yes/no; "ms" milliseconds; "number" anything else, to 4 significant digits.
UNITS = ("percent", "points", "count", "step", "flag", "ms", "number")
YES, NO = T("yes", "예"), T("no", "아니요")
NEVER = T("never", "없음")


@dataclass(frozen=True)
class Metric:
    """A metric's name on screen, in both languages, and how its value is written.

    `never` is the value a lesson reports when something did not happen (a run that never
    diverged reports step -1): it reads "never".
    """

    name: Text
    unit: str = "number"
    never: float | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"metric {self.name.en!r}: unit {self.unit!r} is not one of {', '.join(UNITS)}")

    def value(self, value: float, lang: str, *, exact: bool = True) -> str:
        """The value as a learner reads it: `exact` keeps a decimal (96.1%), a threshold in a
        condition does not need one (85%)."""
        value = float(value)
        if math.isnan(value):
            return "—"
        if self.never is not None and value == self.never:
            return NEVER(lang)
        if self.unit in ("percent", "points"):
            number = f"{100 * value:.1f}" if exact else f"{100 * value:g}"
            if self.unit == "percent":
                return f"{number}%"
            return f"{number}%p" if lang == "ko" else f"{number} pp"
        if self.unit in ("count", "step"):
            return f"{value:,.0f}" if value.is_integer() or not exact else f"{value:,.1f}"
        if self.unit == "flag":
            return (YES if value >= 0.5 else NO)(lang)
        if self.unit == "ms":
            return f"{value:,.1f} ms"
        return f"{value:.4g}"


def accuracy(name: Text) -> Metric:
    return Metric(name, "percent")


# Quantities many demos measure, named once so that every demo calls them the same.
TEST_ACC = accuracy(T("test accuracy", "테스트 정확도"))
VAL_ACC = accuracy(T("validation accuracy", "검증 정확도"))
TRAIN_ACC = accuracy(T("training accuracy", "훈련 정확도"))
TRAIN_LOSS = Metric(T("training loss", "훈련 손실"))
VAL_LOSS = Metric(T("validation loss", "검증 손실"))
TEST_LOSS = Metric(T("test loss", "테스트 손실"))
FINAL_LOSS = Metric(T("final loss", "최종 손실"))


def diverged_step(never: float) -> Metric:
    """The step at which a run's loss stopped being a number; `never` when it did not."""
    return Metric(T("diverged at step", "발산한 스텝"), "step", never=never)


def metric_table(variants: Mapping[str, Text], quantities: Mapping[str, Metric],
                 key: str = "{variant}_{quantity}") -> dict[str, Metric]:
    """Names for metrics built as variant x quantity (`cnn_test_acc`: the CNN's test accuracy),
    each named "<variant> <quantity>" in both languages (CNN 테스트 정확도)."""
    return {
        key.format(variant=v, quantity=q): replace(m, name=Text(f"{vt.en} {m.name.en}", f"{vt.ko} {m.name.ko}"))
        for v, vt in variants.items() for q, m in quantities.items()
    }


# --- a demo -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveChart:
    """How the page labels the lesson's reported series while it trains."""

    x_title: Text
    y_title: Text
    names: Mapping[str, Text] = field(default_factory=dict)  # series name -> label on screen
    log_y: bool = False

    def name(self, series: str, lang: str) -> str:
        label = self.names.get(series)
        return label(lang) if label else series


@dataclass(frozen=True)
class Engine:
    """A hidden faster path, the module `module`: its `train` has the lesson's signature and
    returns the same keys; its `agrees(engine_out, lesson_out)` says whether both reach the
    same conclusion, and how close they came."""

    module: str


@dataclass(frozen=True)
class Demo:
    id: str
    title: Text
    description: Text
    lesson: str  # module name of the file the page shows and `studyapp demo code ID` prints
    params: tuple[Param, ...]
    live: LiveChart
    figures: Callable[[Result, str], list[Any]]  # plotly figures, in the page's language
    summary: Callable[[Mapping[str, float], Mapping[str, Value]], Text]
    engine: Engine | None = None
    # A picture redrawn while training (the playground's boundary), from Progress.live.
    live_picture: Callable[[Progress, str], Any] | None = None
    # Extra figures `studyapp bench` prints for this demo (the playground's epochs/s).
    bench_extra: Callable[["torch.device"], dict[str, float]] | None = None
    # Where "every number at its maximum" is not the longest run (a smaller batch means more
    # steps), the settings that are: `studyapp bench --max` runs these over the maxima.
    heaviest: Mapping[str, Value] = field(default_factory=dict)
    # What the metrics are called on screen and how their values are written (the predictions'
    # outcomes and the page's table of measured numbers). Optional: a metric without a name
    # shows its key and a plain number.
    metric_names: Mapping[str, Metric] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", params_from_lesson(self.lesson, self.params))

    def metric(self, key: str) -> Metric:
        """The metric's name and unit; an unnamed one is called by its key."""
        return self.metric_names.get(key) or Metric(Text(key, key))

    def measured(self, key: str, value: float) -> Text:
        """"CNN test accuracy: 96.1%" in both languages."""
        metric = self.metric(key)
        return Text(f"{metric.name.en}: {metric.value(value, 'en')}", f"{metric.name.ko}: {metric.value(value, 'ko')}")

    @cached_property
    def lesson_module(self) -> ModuleType:
        import demos.device  # noqa: F401  (PyTorch, with the compiler torch.optim imports)

        return importlib.import_module(self.lesson)

    @cached_property
    def engine_module(self) -> ModuleType | None:
        return importlib.import_module(self.engine.module) if self.engine is not None else None

    def load(self) -> None:
        """Import the lesson and the engine now (PyTorch with them), not at the first run."""
        self.lesson_module, self.engine_module  # noqa: B018  (cached on first access)

    def lesson_path(self) -> Path:
        return Path(importlib.util.find_spec(self.lesson).origin)

    def train(self, settings: Mapping[str, Value], *, device: "torch.device", seed: int, report: Recorder,
              use_engine: bool = True) -> dict[str, Any]:
        """The lesson's (or the engine's) raw output for already checked settings."""
        module = self.engine_module if use_engine and self.engine is not None else self.lesson_module
        return module.train(**settings, device=device, seed=seed, report=report)

    def agrees(self, engine_out: dict[str, Any], lesson_out: dict[str, Any]) -> tuple[bool, str]:
        return self.engine_module.agrees(engine_out, lesson_out)

    def run(self, params: Mapping[str, Any], *, device: "torch.device", seed: int,
            report: Reporter = no_report, stop: threading.Event | None = None,
            use_engine: bool = True) -> Result:
        """Check the settings, train, and package what the run measured for the page."""
        settings = resolve_params(self.params, params)
        recorder = Recorder(report, stop)
        out = self.train(settings, device=device, seed=seed, report=recorder, use_engine=use_engine)
        metrics = {name: float(value) for name, value in out["metrics"].items()}
        return Result(metrics=metrics, data=out, summary=self.summary(metrics, settings), stopped=recorder.stopped)


def demo_thread_count(cores: int | None = None) -> int:
    """How many CPU threads PyTorch may use for a demo run: half the cores, at least one.

    A demo never has the machine to itself: the browser draws its live charts and the app
    server streams them. PyTorch's threads wait for each other at the end of every op, so
    when one of them loses its core to the browser, the whole op waits: on a 2-core machine
    with a browser open, two threads made some demos three times slower than one.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, cores // 2)
