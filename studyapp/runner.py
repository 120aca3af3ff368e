"""Run demos for the app and the CLI: one queue, a bounded number of runs at once, results
remembered.

The app submits runs to `queue()`: at most half the cores' worth train at once (the browser
and the server need the rest), identical settings share one run, a queued run can be
cancelled and a running one stopped at its next progress report, and a run with a higher
priority (the teacher's) goes first. Finished runs are remembered by (demo, params, seed,
device) for the life of the process, so a teacher re-running the same settings in class gets
the answer at once. The CLI trains in its own thread with `run_demo`.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from demos import get_demo
from demos.framework import Progress, Reporter, Result, demo_thread_count, no_report, resolve_params

CACHE_SIZE = 64
JOBS_KEPT = 256  # finished jobs a page can still look up by id
TEACHER, STUDENT = 0, 1  # priorities: smaller goes first
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Run:
    demo: str
    device: str
    seed: int
    params: dict[str, Any]
    seconds: float  # wall time of the training run that produced the result
    result: Result
    cached: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "demo": self.demo,
            "device": self.device,
            "seed": self.seed,
            "seconds": round(self.seconds, 4),
            "cached": self.cached,
            "stopped": self.result.stopped,
            "params": self.params,
            # NaN or inf (a diverged run) is not valid JSON: it becomes null.
            "metrics": {k: (v if math.isfinite(v) else None) for k, v in self.result.metrics.items()},
            "summary": {"en": self.result.summary.en, "ko": self.result.summary.ko},
        }


_cache: OrderedDict[tuple, Run] = OrderedDict()
_cache_lock = threading.Lock()


def _settings(demo_id: str, params: Mapping[str, Any], seed: int, device: str | None):
    """The demo, its checked params, the device, and the cache key for this run."""
    from demos.device import pick_device  # PyTorch: loaded when a run is asked for, not with a page

    demo = get_demo(demo_id)
    resolved = resolve_params(demo.params, params)
    dev = pick_device(device)
    return demo, resolved, dev, (demo_id, tuple(sorted(resolved.items())), seed, str(dev))


def _remember(key: tuple, run: Run) -> None:
    if run.result.stopped:  # a stopped run is not what these settings produce
        return
    with _cache_lock:
        _cache[key] = run
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def _recall(key: tuple) -> Run | None:
    with _cache_lock:
        hit = _cache.get(key)
        if hit is None:
            return None
        _cache.move_to_end(key)
        return replace(hit, cached=True)


def cached_run(demo_id: str, params: Mapping[str, Any], *, seed: int, device: str | None = None) -> Run | None:
    """The remembered run for these settings, if there is one (never trains)."""
    *_, key = _settings(demo_id, params, seed, device)
    with _cache_lock:
        return _cache.get(key)


def _train(demo, resolved, dev, seed: int, report: Reporter, stop: threading.Event | None) -> Run:
    start = time.perf_counter()
    result = demo.run(resolved, device=dev, seed=seed, report=report, stop=stop)
    return Run(demo.id, str(dev), seed, dict(resolved), time.perf_counter() - start, result)


def run_demo(
    demo_id: str,
    params: Mapping[str, Any] | None = None,
    *,
    seed: int = 0,
    device: str | None = None,
    report: Reporter = no_report,
    use_cache: bool = True,
    stop: threading.Event | None = None,
) -> Run:
    """Validate params, pick the device, train here (or reuse a remembered run) and time it.

    Raises `demos.framework.ParamError` for bad params or an unavailable device.
    """
    demo, resolved, dev, key = _settings(demo_id, params or {}, seed, device)
    if use_cache and (hit := _recall(key)) is not None:
        return hit
    from demos.device import torch_threads

    with torch_threads(demo_thread_count()):  # leave cores for the browser and the server
        run = _train(demo, resolved, dev, seed, report, stop)
    _remember(key, run)
    return run


# --- the app's queue ------------------------------------------------------------------------


@dataclass(eq=False)
class Job:
    """One run in the queue, shared by everyone who asked for the same settings."""

    key: tuple
    demo_id: str
    seed: int
    priority: int
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    status: str = "queued"  # queued, running, done, failed, cancelled
    progress: Progress | None = None  # the newest report while it trains
    run: Run | None = None
    error: str | None = None
    requests: int = 1  # how many asked for it and have not cancelled
    work: tuple = field(default=(), repr=False)  # (demo, checked params, device) for the worker
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the run has finished (done, failed or cancelled)."""
        return self._finished.wait(timeout)

    def stop(self) -> None:
        """End training at the next progress report; the result is what was trained so far."""
        self._stop.set()

    def _finish(self, status: str, run: Run | None = None, error: str | None = None) -> None:
        self.status, self.run, self.error = status, run, error
        self._finished.set()


class RunQueue:
    """Demo runs of a shared server: `workers` at once, the rest wait in line by priority."""

    def __init__(self, workers: int | None = None, threads: int | None = None) -> None:
        self.workers = workers or demo_thread_count()
        self.threads = threads or demo_thread_count()
        self._line: list[tuple[int, int, Job]] = []  # (priority, arrival, job): a heap
        self._arrivals = itertools.count()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._active: dict[tuple, Job] = {}  # key -> queued or running job
        self._lock = threading.Condition()
        self._started = 0

    def submit(self, demo_id: str, params: Mapping[str, Any], *, seed: int = 0, device: str | None = None,
               priority: int = STUDENT) -> Job:
        """A job for these settings: a remembered run (finished at once), the same settings
        already queued or running (shared), or a new job in line. ParamError for bad settings."""
        demo, resolved, dev, key = _settings(demo_id, params, seed, device)
        with self._lock:
            if (shared := self._active.get(key)) is not None:
                shared.requests += 1
                if priority < shared.priority and shared.status == "queued":
                    shared.priority = priority
                    self._line = [(priority if job is shared else p, n, job) for p, n, job in self._line]
                    heapq.heapify(self._line)
                return shared
            job = Job(key=key, demo_id=demo_id, seed=seed, priority=priority, work=(demo, resolved, dev))
            self._keep(job)
            if (hit := _recall(key)) is not None:
                job._finish("done", hit)
                return job
            self._active[key] = job
            heapq.heappush(self._line, (priority, next(self._arrivals), job))
            self._start_workers()
            self._lock.notify()
        return job

    def job(self, job_id: str | None) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id) if job_id else None

    def position(self, job: Job) -> int:
        """0 while it trains or has finished; otherwise its place in line (1 = next)."""
        with self._lock:
            if job.status != "queued":
                return 0
            ahead = sorted((p, n) for p, n, _ in self._line)
            mine = next((p, n) for p, n, j in self._line if j is job)
            return ahead.index(mine) + 1

    def cancel(self, job: Job) -> None:
        """Withdraw one request: a job nobody waits for any more leaves the line, or stops."""
        with self._lock:
            job.requests -= 1
            if job.requests > 0 or job.finished:
                return
            if job.status == "queued":
                self._line = [entry for entry in self._line if entry[2] is not job]
                heapq.heapify(self._line)
                self._active.pop(job.key, None)
                job._finish("cancelled")
                return
        job.stop()

    def _keep(self, job: Job) -> None:
        self._jobs[job.id] = job
        while len(self._jobs) > JOBS_KEPT:
            oldest = next(iter(self._jobs))
            if not self._jobs[oldest].finished:
                break
            self._jobs.popitem(last=False)

    def _start_workers(self) -> None:
        while self._started < self.workers:
            self._started += 1
            threading.Thread(target=self._work, name=f"studyapp-run-{self._started}", daemon=True).start()

    def _work(self) -> None:
        import torch

        torch.set_num_threads(self.threads)  # process-wide, the same value for every worker
        while True:
            with self._lock:
                while not self._line:
                    self._lock.wait()
                _, _, job = heapq.heappop(self._line)
                job.status = "running"
            demo, resolved, dev = job.work

            def report(progress: Progress, job: Job = job) -> None:
                job.progress = progress

            try:
                run = _train(demo, resolved, dev, job.seed, report, job._stop)
                _remember(job.key, run)
                outcome: tuple = ("done", run, None)
            except Exception as exc:  # the page shows the message; the traceback stays in the log
                log.exception("demo %s failed", job.demo_id)
                outcome = ("failed", None, f"{type(exc).__name__}: {exc}")
            with self._lock:
                self._active.pop(job.key, None)
            job._finish(*outcome)


_queue: RunQueue | None = None
_queue_lock = threading.Lock()


def queue() -> RunQueue:
    """The process's one queue (created on first use)."""
    global _queue
    with _queue_lock:
        if _queue is None:
            _queue = RunQueue()
        return _queue


def warm_up() -> None:
    """Pay the one-time costs of a process's first demo run now, so that run trains at once.

    On a 2-core machine they add seconds: importing PyTorch, the compiler torch.optim needs
    (see demos.framework), every demo's package and the digits. A failure here is only logged:
    the first run then pays these costs itself.
    """
    try:
        from demos import demo_ids
        from demos.data import digits

        for demo_id in demo_ids():
            get_demo(demo_id).load()
        digits()
    except Exception:
        log.exception("warming up PyTorch failed")


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


__all__ = ["Job", "Progress", "Run", "RunQueue", "STUDENT", "TEACHER", "cached_run", "clear_cache", "queue",
           "run_demo", "warm_up"]
