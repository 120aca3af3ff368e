"""Measure every demo: its default run warm and cold, the time to its first progress report,
and, where a demo keeps a hidden engine, the lesson the engine must beat by 2x.

Warm timings are medians over `repeats` runs after one warm-up run. The cold run is the first
run in a fresh process (what `studyapp demo run` sees), measured in a child process after it
has loaded PyTorch and the demo; the seconds that loading took are reported beside it.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

from demos import demo_ids, get_demo
from demos.device import pick_device, torch_threads
from demos.framework import Progress, Recorder, demo_thread_count, resolve_params

ENGINE_MUST_BEAT = 2.0  # an engine earns its place only with this speedup over the lesson


@dataclass
class DemoBench:
    demo: str
    device: str
    seconds: float  # median wall time of the default run, as the app runs it (engine, else lesson)
    first_report: float  # median seconds until the first progress report
    runs: list[float] = field(default_factory=list)
    engine: bool = False
    lesson_seconds: float | None = None  # median time of the lesson, for demos with an engine
    speedup: float | None = None  # median lesson seconds / median engine seconds
    speedup_range: tuple[float, float] | None = None  # lowest and highest paired ratio
    agrees: bool | None = None
    agreement: str = ""
    cold_seconds: float | None = None  # the first run in a fresh process
    load_seconds: float | None = None  # that process importing PyTorch and the demo
    extra: dict[str, float] = field(default_factory=dict)
    threads: int = 1  # PyTorch CPU threads of every timed run

    def as_json(self) -> dict:
        return asdict(self)


def _timed(train: Callable[[Recorder], Any]) -> tuple[float, float, Any]:
    """Seconds for one run, seconds until its first report, and what it returned."""
    start = time.perf_counter()
    first: list[float] = []

    def watch(_: Progress) -> None:
        if not first:
            first.append(time.perf_counter() - start)

    out = train(Recorder(watch))
    total = time.perf_counter() - start
    return total, (first[0] if first else total), out


def bench_demo(demo_id: str, *, device: str | None = None, repeats: int = 3, seed: int = 0,
               threads: int | None = None, cold: bool = True) -> DemoBench:
    """Time the default run `repeats` times after a warm-up; with an engine, the lesson too.

    Engine and lesson runs alternate, so a slow spell on a shared machine slows both rather
    than one of them; `speedup_range` gives the lowest and highest ratio of one lesson run to
    the engine run just before it, a measure of that noise. Both use `threads` PyTorch CPU
    threads: by default as many as the app gives a demo.
    """
    threads = threads or demo_thread_count()
    demo = get_demo(demo_id)
    dev = pick_device(device)
    settings = resolve_params(demo.params, {})
    has_engine = demo.engine is not None

    def production(report: Recorder):
        return demo.train(settings, device=dev, seed=seed, report=report)

    def lesson(report: Recorder):
        return demo.train(settings, device=dev, seed=seed, report=report, use_engine=False)

    timings, lesson_timings = [], []
    with torch_threads(threads):
        _timed(production)  # warm-ups
        if has_engine:
            _timed(lesson)
        for _ in range(repeats):
            timings.append(_timed(production))
            if has_engine:
                lesson_timings.append(_timed(lesson))
    seconds = [t for t, _, _ in timings]
    bench = DemoBench(demo=demo_id, device=str(dev), seconds=statistics.median(seconds),
                      first_report=statistics.median(f for _, f, _ in timings), runs=seconds,
                      threads=threads, engine=has_engine)
    if has_engine:
        lesson_seconds = [t for t, _, _ in lesson_timings]
        bench.lesson_seconds = statistics.median(lesson_seconds)
        bench.speedup = bench.lesson_seconds / bench.seconds
        ratios = [slow / fast for slow, fast in zip(lesson_seconds, seconds)]
        bench.speedup_range = (min(ratios), max(ratios))
        ok, message = demo.agrees(timings[-1][2], lesson_timings[-1][2])
        bench.agrees, bench.agreement = bool(ok), message
    if demo.bench_extra is not None:
        bench.extra.update({k: float(v) for k, v in demo.bench_extra(dev).items()})
    if cold:
        bench.cold_seconds, bench.load_seconds = cold_run(demo_id, device=str(dev), threads=threads, seed=seed)
    return bench


def cold_run(demo_id: str, *, device: str, threads: int, seed: int = 0) -> tuple[float, float]:
    """(first run, loading) seconds of the default run in a fresh Python process."""
    code = ("import time; started = time.perf_counter(); import json; from studyapp.bench import _cold_child; "
            f"print(json.dumps(_cold_child({demo_id!r}, {device!r}, {threads}, {seed}, started)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    return measured["run"], measured["load"]


def _cold_child(demo_id: str, device: str, threads: int, seed: int, start: float) -> dict[str, float]:
    """In the child process, which began at `start`: load the demo, then time its first run."""
    import torch

    demo = get_demo(demo_id)
    demo.load()
    torch.set_num_threads(threads)
    loaded = time.perf_counter()
    demo.run({}, device=torch.device(device), seed=seed)
    return {"load": loaded - start, "run": time.perf_counter() - loaded}


def heaviest_settings(demo) -> dict[str, Any]:
    """Every numeric setting at its maximum, switches and choices at their defaults, and what
    the demo declares heavier still (`Demo.heaviest`, e.g. its smallest batch)."""
    maxima = {p.name: p.max for p in demo.params if p.kind in (int, float) and p.max is not None}
    return {**maxima, **demo.heaviest}


def bench_max(demo_id: str, *, device: str | None = None, threads: int | None = None) -> dict[str, Any]:
    """One run with every numeric setting at its maximum: seconds, or why it cannot run."""
    from demos.framework import ParamError

    demo = get_demo(demo_id)
    settings = heaviest_settings(demo)
    start = time.perf_counter()
    try:
        with torch_threads(threads or demo_thread_count()):
            demo.run(settings, device=pick_device(device), seed=0)
    except ParamError as exc:
        return {"demo": demo_id, "settings": settings, "seconds": None, "error": str(exc)}
    return {"demo": demo_id, "settings": settings, "seconds": time.perf_counter() - start, "error": None}


def bench_all(ids: Iterable[str] | None = None, **options) -> list[DemoBench]:
    return [bench_demo(demo_id, **options) for demo_id in (ids or demo_ids())]


def format_table(rows: list[DemoBench]) -> str:
    header = (f"{'demo':<14} {'device':<6} {'warm s':>7} {'cold s':>7} {'load s':>7} {'1st rep':>8}"
              f" {'engine':>6} {'lesson s':>9} {'speedup':>8} {'(range)':>11}  agrees")
    lines = [header, "-" * len(header)]
    for r in rows:
        def number(value: float | None, width: int) -> str:
            return f"{value:{width}.3f}" if value is not None else f"{'-':>{width}}"

        speed = f"{r.speedup:7.1f}x" if r.speedup is not None else f"{'-':>8}"
        spread = f"({r.speedup_range[0]:.1f}–{r.speedup_range[1]:.1f})" if r.speedup_range else "-"
        agree = {None: "-", True: "yes", False: "NO"}[r.agrees]
        lines.append(f"{r.demo:<14} {r.device:<6} {r.seconds:7.3f} {number(r.cold_seconds, 7)}"
                     f" {number(r.load_seconds, 7)} {r.first_report:8.3f} {'yes' if r.engine else 'no':>6}"
                     f" {number(r.lesson_seconds, 9)} {speed} {spread:>11}  {agree}"
                     + (f"  ({r.agreement})" if r.agreement else ""))
        for key, value in r.extra.items():
            lines.append(f"{'':<14} {key}: {value:.1f}")
    engines = [r for r in rows if r.engine]
    if engines:
        lines.append("Engines kept (each must be >= "
                     f"{ENGINE_MUST_BEAT:.0f}x the lesson and agree): "
                     + ", ".join(f"{r.demo} {r.speedup:.1f}x" for r in engines))
    gaps = [r.cold_seconds - r.seconds for r in rows if r.cold_seconds is not None]
    if gaps:
        lines.append(f"Cold minus warm: at most {max(gaps):.2f} s")
    threads = sorted({r.threads for r in rows})
    if threads:
        lines.append(f"PyTorch CPU threads per run: {', '.join(map(str, threads))} "
                     f"(the app gives a demo {demo_thread_count()}: half the cores)")
    return "\n".join(lines)
