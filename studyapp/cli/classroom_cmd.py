"""`studyapp classroom load-test`: a teacher, a projector and N students in headless chromium
against the served app; prints answer-to-projector latency, lost answers and the server's CPU."""

from __future__ import annotations

import argparse

from studyapp.cli.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classroom", help="live class sessions: measure one under load")
    inner = p.add_subparsers(dest="classroom_command", metavar="ACTION", required=True)
    load = inner.add_parser(
        "load-test", help="serve the app, open a teacher, the projector and N students in headless chromium, run Q "
                          "questions with everyone answering; print answer-to-projector latency (p50, p95), lost "
                          "answers and the server's CPU")
    load.add_argument("--students", type=int, default=30, help="students, each a browser of its own (default 30)")
    load.add_argument("--questions", type=int, default=3, help="questions put to the class (default 3)")
    load.add_argument("--seed", type=int, default=0, help="which options the students tap (default 0)")
    load.add_argument("--json", action="store_true")
    load.set_defaults(handler=load_test)


def load_test(args: argparse.Namespace) -> int:
    if args.students < 1:
        raise UsageError("--students must be at least 1")
    if args.questions < 1:
        raise UsageError("--questions must be at least 1")
    from studyapp.classroom_load import load_test as run

    try:
        return run(args.students, args.questions, as_json=args.json, seed=args.seed)
    except FileNotFoundError as exc:  # no chromium
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # not enough class questions in the topics
        raise UsageError(str(exc)) from None
