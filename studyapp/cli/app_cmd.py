"""`studyapp run`: serve the app with Streamlit (extra arguments go to `streamlit run`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from studyapp.cli.errors import UsageError

APP_SCRIPT = Path(__file__).resolve().parents[1] / "app.py"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="serve the app in the browser (default command)",
        description="Serve the app. Unknown options (e.g. --server.port 8502) are passed to `streamlit run`.",
    )
    p.add_argument("--content", metavar="DIR", help="topic folder to use instead of the bundled one")
    p.add_argument("--device", help="device for demos: cpu, cuda, mps (default: best available)")
    p.add_argument("--db", metavar="PATH", help="progress database (default: $STUDYAPP_DB or the user data folder)")
    p.set_defaults(handler=run, accepts_extra=True)


def run(args: argparse.Namespace) -> int:
    if args.content:
        if not Path(args.content).is_dir():
            raise UsageError(f"--content {args.content}: no such folder")
        os.environ["STUDYAPP_CONTENT"] = str(Path(args.content).resolve())
    if args.device:
        os.environ["STUDYAPP_DEVICE"] = args.device
    if args.db:
        os.environ["STUDYAPP_DB"] = str(Path(args.db).resolve())
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", "run", str(APP_SCRIPT), *args.extra]
    return stcli.main()
