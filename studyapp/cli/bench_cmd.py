"""`studyapp bench`: time every demo warm and cold, each engine against its lesson, and the
heaviest settings; `--app` measures the same runs in the served app in headless chromium."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="time every demo (defaults), warm and cold, and each engine against its lesson")
    p.add_argument("demos", nargs="*", metavar="DEMO", help="only these demos (default: all)")
    p.add_argument("--device", help="cpu, cuda or mps (default: best available)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per demo; the median is reported (default 3)")
    p.add_argument("--threads", type=int, help="PyTorch CPU threads per run (default: as many as the app uses, "
                                                 "half the cores)")
    p.add_argument("--no-cold", action="store_true", help="skip the first run in a fresh process")
    p.add_argument("--max", action="store_true",
                   help="instead: one run per demo with every numeric setting at its maximum")
    p.add_argument("--app", action="store_true",
                   help="instead: serve the app, press Run in headless chromium, and compare the time to the "
                        "final figures with the demo's warm seconds")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=bench)


def bench(args: argparse.Namespace) -> int:
    from demos import demo_ids
    from demos.framework import ParamError

    from studyapp.cli.errors import UsageError

    unknown = sorted(set(args.demos) - set(demo_ids()))
    if unknown:
        raise UsageError(f"unknown demo {unknown[0]!r}; known demos: {', '.join(demo_ids())}")
    if args.repeats < 1:
        raise UsageError("--repeats must be at least 1")
    if args.threads is not None and args.threads < 1:
        raise UsageError("--threads must be at least 1")
    ids = args.demos or demo_ids()
    try:
        if args.app:
            from studyapp.bench_app import bench_app

            return bench_app(ids, repeats=args.repeats, as_json=args.json)
        if args.max:
            return _bench_max(ids, args)
        return _bench_defaults(ids, args)
    except ParamError as exc:
        raise UsageError(str(exc)) from None


def _bench_defaults(ids: list[str], args: argparse.Namespace) -> int:
    from studyapp.bench import bench_demo, format_table

    rows = []
    for demo_id in ids:
        print(f"benchmarking {demo_id}...", file=sys.stderr, flush=True)
        rows.append(bench_demo(demo_id, device=args.device, repeats=args.repeats, threads=args.threads,
                               cold=not args.no_cold))
    print(json.dumps([r.as_json() for r in rows], indent=2) if args.json else format_table(rows))
    return 0 if all(r.agrees is not False for r in rows) else 1


def _bench_max(ids: list[str], args: argparse.Namespace) -> int:
    from studyapp.bench import bench_max

    rows = []
    for demo_id in ids:
        print(f"heaviest settings of {demo_id}...", file=sys.stderr, flush=True)
        rows.append(bench_max(demo_id, device=args.device, threads=args.threads))
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            settings = " ".join(f"{k}={v}" for k, v in row["settings"].items())
            took = f"{row['seconds']:7.1f} s" if row["seconds"] is not None else f"cannot run: {row['error']}"
            print(f"{row['demo']:<14} {took}  ({settings})")
    return 0
