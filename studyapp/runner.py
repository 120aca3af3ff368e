"""Run demos for the app and the CLI, remembering results.

A teacher re-running the same settings in class gets the answer instantly: results are
cached in memory by (demo, params, seed, device) for the life of the process.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Mapping

from demos import get_demo
from demos.framework import (
    Progress, Reporter, Result, demo_thread_count, no_report, pick_device, resolve_params, torch_threads,
)

CACHE_SIZE = 64
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
            "params": self.params,
            # NaN or inf (a diverged run) is not valid JSON: it becomes null.
            "metrics": {k: (v if math.isfinite(v) else None) for k, v in self.result.metrics.items()},
            "summary": {"en": self.result.summary.en, "ko": self.result.summary.ko},
        }


_cache: OrderedDict[tuple, Run] = OrderedDict()
_lock = threading.Lock()


def _settings(demo_id: str, params: Mapping[str, Any], seed: int, device: str | None):
    """The demo, its checked params, the device, and the cache key for this run."""
    demo = get_demo(demo_id)
    resolved = resolve_params(demo.params, params)
    dev = pick_device(device)
    return demo, resolved, dev, (demo_id, tuple(sorted(resolved.items())), seed, str(dev))


def cached_run(demo_id: str, params: Mapping[str, Any], *, seed: int, device: str | None = None) -> Run | None:
    """The remembered run for these settings, if there is one (never trains)."""
    *_, key = _settings(demo_id, params, seed, device)
    with _lock:
        return _cache.get(key)


def run_demo(
    demo_id: str,
    params: Mapping[str, Any] | None = None,
    *,
    seed: int = 0,
    device: str | None = None,
    report: Reporter = no_report,
    use_cache: bool = True,
) -> Run:
    """Validate params, pick the device, train (or reuse a cached run) and time it.

    Raises `demos.framework.ParamError` for bad params or an unavailable device.
    """
    demo, resolved, dev, key = _settings(demo_id, params or {}, seed, device)
    if use_cache:
        with _lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return replace(hit, cached=True)
    start = time.perf_counter()
    with torch_threads(demo_thread_count()):  # leave cores for the browser and the server
        result = demo.run(resolved, device=dev, seed=seed, report=report)
    seconds = time.perf_counter() - start
    run = Run(demo_id, str(dev), seed, dict(resolved), seconds, result)
    with _lock:
        _cache[key] = run
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return run


def warm_up() -> None:
    """Pay the one-time costs of a process's first demo run now, so that run trains at once.

    On a 2-core machine they add about 3 s: importing PyTorch, the compiler hooks torch.optim
    loads on its first optimizer step, and scikit-learn (for the bundled digits). A failure
    here is only logged: the first run then pays these costs itself.
    """
    try:
        import torch

        from demos.data import digits

        layer = torch.nn.Linear(2, 2)
        optimizer = torch.optim.Adam(layer.parameters())
        layer(torch.zeros(1, 2)).sum().backward()
        optimizer.step()
        digits()
    except Exception:
        log.exception("warming up PyTorch failed")


def clear_cache() -> None:
    with _lock:
        _cache.clear()


__all__ = ["Progress", "Run", "cached_run", "clear_cache", "run_demo", "warm_up"]
