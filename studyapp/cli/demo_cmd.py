"""`studyapp demo list`, `studyapp demo run NAME --set key=value ...` and `studyapp demo code NAME`."""

from __future__ import annotations

import argparse
import json
import sys

from demos import demo_ids, get_demo


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="list or run the live PyTorch demos in a terminal")
    demo_sub = p.add_subparsers(dest="demo_command", metavar="ACTION", required=True)

    ls = demo_sub.add_parser("list", help="list demos and their parameters")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=list_demos)

    run = demo_sub.add_parser("run", help="run one demo and print its metrics")
    run.add_argument("name", help="demo id (see `studyapp demo list`)")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter; repeatable")
    run.add_argument("--device", help="cpu, cuda or mps (default: $STUDYAPP_DEVICE, else the best available)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--json", action="store_true", help="print demo, device, seconds, params and metrics as JSON")
    run.set_defaults(handler=run_one)

    code = demo_sub.add_parser("code", help="print the demo's lesson: the PyTorch code its page shows")
    code.add_argument("name", help="demo id (see `studyapp demo list`)")
    code.set_defaults(handler=print_code)


def _param_info(param) -> dict:
    info = {"name": param.name, "type": param.kind.__name__, "default": param.default, "label": param.label.en}
    for attr in ("min", "max"):
        if getattr(param, attr) is not None:
            info[attr] = getattr(param, attr)
    if param.choices:
        info["choices"] = list(param.choices)
    return info


def list_demos(args: argparse.Namespace) -> int:
    demos = [get_demo(i) for i in demo_ids()]
    if args.json:
        print(json.dumps([{"id": d.id, "title": d.title.en, "params": [_param_info(p) for p in d.params]} for d in demos],
                         indent=2, ensure_ascii=False))
        return 0
    for demo in demos:
        print(f"{demo.id:<14} {demo.title.en}")
        for p in demo.params:
            limits = f" [{p.min}..{p.max}]" if p.min is not None or p.max is not None else ""
            choices = f" {{{', '.join(p.choices)}}}" if p.choices else ""
            print(f"    --set {p.name}={p.default}{limits}{choices}  {p.label.en}")
    return 0


def parse_sets(demo, sets: list[str]) -> dict:
    """`["lr=0.1", "epochs=50"]` -> checked values; raises UsageError naming the bad pair."""
    from demos.framework import ParamError

    from studyapp.cli.errors import UsageError

    known = {p.name: p for p in demo.params}
    values = {}
    for pair in sets:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set {pair!r}: expected KEY=VALUE")
        if key not in known:
            raise UsageError(f"--set {pair}: unknown parameter {key!r} for demo {demo.id!r}; it takes: {', '.join(known)}")
        try:
            values[key] = known[key].parse(raw)
        except ParamError as exc:
            raise UsageError(f"--set {pair}: {exc}") from None
    return values


def _stderr_progress(progress) -> None:
    width = 30
    filled = int(width * progress.fraction)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total}")
    if progress.done >= progress.total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def print_code(args: argparse.Namespace) -> int:
    from demos import lesson_source

    from studyapp.cli.errors import UsageError

    try:
        _, source = lesson_source(args.name)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    sys.stdout.write(source)
    return 0


def run_one(args: argparse.Namespace) -> int:
    from demos.framework import ParamError

    from studyapp.cli.errors import UsageError
    from studyapp.runner import run_demo

    try:
        demo = get_demo(args.name)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    params = parse_sets(demo, args.sets)
    try:
        run = run_demo(args.name, params, seed=args.seed, device=args.device,
                       report=_stderr_progress if not args.json and sys.stderr.isatty() else (lambda _: None),
                       use_cache=False)
    except ParamError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(run.as_json(), indent=2, ensure_ascii=False))
        return 0
    stopped = " (stopped early)" if run.result.stopped else ""
    print(f"{demo.title.en} on {run.device} in {run.seconds:.2f} s (seed {run.seed}){stopped}")
    print(run.result.summary.en)
    width = max(len(k) for k in run.result.metrics)
    for key, value in run.result.metrics.items():
        print(f"  {key:<{width}}  {value:.4g}")
    return 0
