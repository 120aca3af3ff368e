"""Measure every demo: its default run, time to first progress report, and, for demos that
compare variants, the plain reference implementation it must beat.

Timings are medians over `repeats` runs after one warm-up run (the first run pays for
imports, data loading and kernel selection, which a class only pays once).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable

from demos import demo_ids, demo_module, get_demo
from demos.framework import Progress, demo_thread_count, pick_device, resolve_params, torch_threads


@dataclass
class DemoBench:
    demo: str
    device: str
    seconds: float  # median wall time of the default run
    first_report: float  # median seconds until the first progress report
    runs: list[float] = field(default_factory=list)
    reference_seconds: float | None = None
    speedup: float | None = None  # median reference seconds / median seconds
    speedup_range: tuple[float, float] | None = None  # lowest and highest paired ratio
    agrees: bool | None = None
    agreement: str = ""
    extra: dict[str, float] = field(default_factory=dict)
    threads: int = 1  # PyTorch CPU threads of every timed run, fast path and reference alike

    def as_json(self) -> dict:
        return asdict(self)


def _timed(run: Callable[[Callable[[Progress], None]], object]) -> tuple[float, float, object]:
    start = time.perf_counter()
    first: list[float] = []

    def report(_: Progress) -> None:
        if not first:
            first.append(time.perf_counter() - start)

    result = run(report)
    total = time.perf_counter() - start
    return total, (first[0] if first else total), result


def bench_demo(demo_id: str, *, device: str | None = None, repeats: int = 3, seed: int = 0,
               with_reference: bool = True, threads: int | None = None) -> DemoBench:
    """Time the default run (and the reference), `repeats` times each after a warm-up.

    Fast path and reference runs alternate, so a slow spell on a shared machine slows both
    rather than one of them; `speedup_range` gives the lowest and highest ratio of one
    reference run to the fast run just before it, a measure of that noise. Both use
    `threads` PyTorch CPU threads: by default as many as the app gives a demo.
    """
    threads = threads or demo_thread_count()
    demo = get_demo(demo_id)
    dev = pick_device(device)
    params = resolve_params(demo.params, {})
    has_reference = with_reference and hasattr(demo, "reference")

    def fast(report):
        return demo.run(params, device=dev, seed=seed, report=report)

    def reference() -> tuple[float, object]:
        start = time.perf_counter()
        result = demo.reference(params, device=dev, seed=seed)
        return time.perf_counter() - start, result

    timings, reference_times, reference_result = [], [], None
    with torch_threads(threads):
        _timed(fast)  # warm-ups
        if has_reference:
            reference()
        for _ in range(repeats):
            timings.append(_timed(fast))
            if has_reference:
                seconds, reference_result = reference()
                reference_times.append(seconds)
    seconds = [t for t, _, _ in timings]
    bench = DemoBench(
        demo=demo_id,
        device=str(dev),
        seconds=statistics.median(seconds),
        first_report=statistics.median(f for _, f, _ in timings),
        runs=seconds,
        threads=threads,
    )
    if has_reference:
        bench.reference_seconds = statistics.median(reference_times)
        bench.speedup = bench.reference_seconds / bench.seconds
        ratios = [r / f for r, f in zip(reference_times, seconds)]
        bench.speedup_range = (min(ratios), max(ratios))
        ok, message = demo.agrees_with_reference(timings[-1][2], reference_result)
        bench.agrees, bench.agreement = bool(ok), message
    hook = getattr(demo_module(demo_id), "benchmark_tf_playground", None)
    if hook is not None:
        bench.extra.update({k: float(v) for k, v in hook(device=str(dev)).items() if isinstance(v, (int, float))})
    return bench


def bench_all(ids: Iterable[str] | None = None, **options) -> list[DemoBench]:
    return [bench_demo(demo_id, **options) for demo_id in (ids or demo_ids())]


def format_table(rows: list[DemoBench]) -> str:
    header = (f"{'demo':<14} {'device':<7} {'seconds':>8} {'1st report':>10} {'reference':>10} {'speedup':>8}"
              f" {'(range)':>12}  agrees")
    lines = [header, "-" * len(header)]
    for r in rows:
        ref = f"{r.reference_seconds:10.3f}" if r.reference_seconds is not None else f"{'-':>10}"
        speed = f"{r.speedup:7.1f}x" if r.speedup is not None else f"{'-':>8}"
        spread = f"({r.speedup_range[0]:.1f}–{r.speedup_range[1]:.1f})" if r.speedup_range else "-"
        agree = {None: "-", True: "yes", False: "NO"}[r.agrees]
        lines.append(f"{r.demo:<14} {r.device:<7} {r.seconds:8.3f} {r.first_report:10.3f} {ref} {speed}"
                     f" {spread:>12}  {agree}" + (f"  ({r.agreement})" if r.agreement else ""))
        for key, value in r.extra.items():
            lines.append(f"{'':<14} {key}: {value:.1f}")
    threads = sorted({r.threads for r in rows})
    if threads:
        lines.append(f"PyTorch CPU threads per run: {', '.join(map(str, threads))} "
                     f"(the app gives a demo {demo_thread_count()}: half the cores)")
    return "\n".join(lines)
