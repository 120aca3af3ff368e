"""`studyapp run`: serve the app with Streamlit (extra arguments go to `streamlit run`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from studyapp.cli.errors import UsageError

APP_SCRIPT = Path(__file__).resolve().parents[1] / "app.py"

# Defaults for a server a class shares (each one can be overridden on the command line,
# e.g. `studyapp run --client.showErrorDetails full` while developing):
SERVER_DEFAULTS = {
    "client.showErrorDetails": "none",  # no tracebacks in browsers; they go to the server's log
    "browser.gatherUsageStats": "false",  # no usage statistics sent to Streamlit
    "client.toolbarMode": "viewer",  # no Deploy, Rerun or Clear-cache in the menu
    # A served app does not watch its own source files: the watcher's polling threads cost
    # the server CPU and disk reads that a class's sessions need.
    "server.fileWatcherType": "none",
    # Streamlit collects all garbage after every script run. With PyTorch, plotly and pandas
    # loaded a full collection takes a large share of a core, and a class's pages rerun every
    # second or two (their polling fragments): measured, 7 open class pages kept the server
    # at 100% of a core. Python's own collector still runs as usual.
    "runner.postScriptGC": "false",
}


def streamlit_args(extra: list[str]) -> list[str]:
    """The user's Streamlit options, after our defaults for the ones they did not set."""
    given = {arg.split("=", 1)[0].removeprefix("--") for arg in extra if arg.startswith("--")}
    defaults = [f"--{key}={value}" for key, value in SERVER_DEFAULTS.items() if key not in given]
    return [*defaults, *extra]


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

    sys.argv = ["streamlit", "run", str(APP_SCRIPT), *streamlit_args(args.extra)]
    return stcli.main()
