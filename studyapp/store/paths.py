"""Where the progress database lives: $STUDYAPP_DB, else the user's data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_ENV = "STUDYAPP_DB"
DB_NAME = "progress.sqlite3"


def user_data_dir() -> Path:
    """The per-user data folder of this platform (XDG on Linux, the usual places elsewhere)."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "studyapp"


def default_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db PATH, else $STUDYAPP_DB, else `<user data dir>/studyapp/progress.sqlite3`."""
    chosen = explicit or os.environ.get(DB_ENV)
    return Path(chosen).expanduser() if chosen else user_data_dir() / DB_NAME
