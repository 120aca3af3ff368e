"""The `studyapp` command: serve the app, check content, run demos from a terminal.

Each sub-command lives in its own module with a `register(subparsers)` function;
`COMMANDS` lists them in the order `studyapp --help` shows them.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from studyapp import __version__
from studyapp.cli import app_cmd, bench_cmd, classroom_cmd, content_cmd, demo_cmd, export_cmd, quiz_cmd, srs_cmd
from studyapp.cli.errors import UsageError

# srs_cmd (anki, csv) and quiz_cmd (gift) add their formats to `export` on import;
# export_cmd comes last so it registers the group with every format present.
COMMANDS = [app_cmd, content_cmd, demo_cmd, bench_cmd, classroom_cmd, srs_cmd, quiz_cmd, export_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description="Learn deep learning: topic pages with live PyTorch demos, flashcards and quizzes.",
    )
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `studyapp` alone, or followed by streamlit flags, serves the app.
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list = ["run", *args_list]
    parser = build_parser()
    args, extra = parser.parse_known_args(args_list)
    if extra and not getattr(args, "accepts_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, while we can still handle it
        return code
    except UsageError as exc:
        print(f"studyapp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_left()


def _reader_left() -> int:
    """`studyapp stats | head`: the reader stopped reading. That is not an error worth a
    traceback; point stdout at /dev/null so that Python's own flush at exit stays quiet, and
    exit like a tool killed by SIGPIPE would."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 141
