"""`studyapp bench`: time every demo's defaults against its plain reference implementation."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="time every demo (defaults) and its plain reference; print the speedups")
    p.add_argument("demos", nargs="*", metavar="DEMO", help="only these demos (default: all)")
    p.add_argument("--device", help="cpu, cuda or mps (default: best available)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per demo; the median is reported (default 3)")
    p.add_argument("--threads", type=int, help="PyTorch CPU threads per run (default: as many as the app uses, "
                                                 "half the cores)")
    p.add_argument("--no-reference", action="store_true", help="skip the reference implementations")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=bench)


def bench(args: argparse.Namespace) -> int:
    from demos import demo_ids
    from demos.framework import ParamError

    from studyapp.bench import bench_demo, format_table
    from studyapp.cli import UsageError

    unknown = sorted(set(args.demos) - set(demo_ids()))
    if unknown:
        raise UsageError(f"unknown demo {unknown[0]!r}; known demos: {', '.join(demo_ids())}")
    if args.repeats < 1:
        raise UsageError("--repeats must be at least 1")
    if args.threads is not None and args.threads < 1:
        raise UsageError("--threads must be at least 1")
    rows = []
    for demo_id in args.demos or demo_ids():
        print(f"benchmarking {demo_id}...", file=sys.stderr, flush=True)
        try:
            rows.append(bench_demo(demo_id, device=args.device, repeats=args.repeats,
                                   with_reference=not args.no_reference, threads=args.threads))
        except ParamError as exc:
            raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2))
    else:
        print(format_table(rows))
    return 0 if all(r.agrees is not False for r in rows) else 1
