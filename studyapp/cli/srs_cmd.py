"""Flashcard progress from a terminal: `studyapp stats`, `export anki|csv`, `backup`, `restore`, `profile`.

Every command that touches progress takes `--db PATH` (default: $STUDYAPP_DB, else the
user's data directory) and, where a profile is involved, `--profile NAME`. A profile with a
PIN is neither read nor changed without it: from $STUDYAPP_PIN, else asked for on the
terminal (`--pin PIN` works too, but every user of the machine can read it in `ps`).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import stat
import sys
from pathlib import Path

from studyapp.cli.errors import UsageError
from studyapp.cli.export_cmd import Exporter, add_exporter, add_option
from studyapp.content import load_content
from studyapp.srs import (
    ProfileChoiceError,
    ensure_default_profile,
    load_settings,
    report,
    resolve_profile,
    set_pin,
    utcnow,
)
from studyapp.srs import backup as backups
from studyapp.srs import export as exports
from studyapp.store import Profile, Store, StoreError, default_db_path

ASK = object()  # `--pin` given without a value: ask for it without echo
PIN_ENV = "STUDYAPP_PIN"  # the profile's PIN, kept out of the process list
NEW_PIN_ENV = "STUDYAPP_NEW_PIN"  # `profile pin`: the new PIN


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="progress database (default: $STUDYAPP_DB, else the user data directory)")


def _profile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help="whose progress (default: the only profile, or 'default')")
    parser.add_argument("--pin", nargs="?", const=ASK, metavar="PIN",
                        help=f"the profile's PIN, if it has one (default: ${PIN_ENV}, else asked for on the terminal; "
                             "a PIN given here is visible to other users in the process list)")


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("stats", help="flashcard statistics: streak, due cards, retention, mastery")
    _db_option(s)
    _profile_options(s)
    s.add_argument("--content", metavar="DIR", help="topic folder (default: $STUDYAPP_CONTENT or the bundled topics)")
    s.add_argument("--json", action="store_true", help="print the numbers as JSON")
    s.set_defaults(handler=stats)

    b = sub.add_parser("backup", help="save one profile's progress (cards, review log, quiz answers) as JSON")
    b.add_argument("--out", metavar="FILE", required=True, help="the backup file to write")
    _db_option(b)
    _profile_options(b)
    b.set_defaults(handler=backup)

    r = sub.add_parser("restore", help="replace a profile's progress with a JSON backup (nothing changes if the file is bad)")
    r.add_argument("file", metavar="FILE", help="a file written by `studyapp backup`")
    _db_option(r)
    _profile_options(r)
    r.set_defaults(handler=restore)

    p = sub.add_parser("profile", help="create or list learner profiles")
    profile_sub = p.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    create = profile_sub.add_parser("create", help="create a profile, optionally protected by a PIN")
    create.add_argument("name")
    create.add_argument("--pin", nargs="?", const=ASK, metavar="PIN",
                        help=f"protect it with a PIN (without a value: ${PIN_ENV}, else asked for on the terminal)")
    _db_option(create)
    create.set_defaults(handler=profile_create)
    pin = profile_sub.add_parser("pin", help="set, change or remove a profile's PIN (the current PIN is needed)",
                                 description=f"Set, change or remove a profile's PIN. The current PIN comes from "
                                             f"${PIN_ENV} or a prompt; the new one from ${NEW_PIN_ENV} or a prompt.")
    pin.add_argument("name")
    pin.add_argument("--remove", action="store_true", help="remove the PIN instead of setting one")
    pin.add_argument("--pin", nargs="?", const=ASK, metavar="PIN", help=argparse.SUPPRESS)
    _db_option(pin)
    pin.set_defaults(handler=profile_pin)
    ls = profile_sub.add_parser("list", help="list profiles")
    ls.add_argument("--json", action="store_true")
    _db_option(ls)
    ls.set_defaults(handler=profile_list)


# --- helpers ---------------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> Store:
    try:
        return Store(default_db_path(args.db))
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def _ask_pin(prompt: str, env: str = PIN_ENV) -> str:
    """A PIN from $`env`, else typed on the terminal without echo."""
    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty():
        raise UsageError(f"a PIN is needed: set {env}, or run on a terminal to be asked for it")
    return getpass.getpass(prompt)


def _pin_argument(value: object) -> object:
    if isinstance(value, str):
        print(f"studyapp: note: a PIN on the command line is visible to other users (ps); "
              f"prefer {PIN_ENV} or a prompt", file=sys.stderr)
    return value


def _profile(store: Store, args: argparse.Namespace) -> Profile:
    """The chosen profile, unlocked: a protected one needs its PIN."""
    ensure_default_profile(store)  # as the app does: a fresh database has a 'default' profile
    try:
        profile = resolve_profile(store, args.profile)
    except ProfileChoiceError as exc:
        raise UsageError(str(exc)) from None
    if profile.protected:
        pin = _pin_argument(args.pin)
        if not isinstance(pin, str):
            if not os.environ.get(PIN_ENV) and not sys.stdin.isatty():
                raise UsageError(f"profile {profile.name!r} is protected by a PIN: set {PIN_ENV} "
                                 "(or run on a terminal to be asked for it)")
            pin = _ask_pin(f"PIN for {profile.name}: ")
        if not store.check_pin(profile.id, pin):
            raise UsageError(f"wrong PIN for profile {profile.name!r}")
    return profile


def _write(text: str, out: str | None) -> None:
    if out in (None, "-"):
        sys.stdout.write(text)
        return
    Path(out).write_text(text, encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


def _content(args: argparse.Namespace):
    content = load_content(getattr(args, "content", None))
    if not content.topics:
        raise UsageError(f"no topics could be loaded from {content.folder}: run `studyapp validate`")
    for error in content.errors:
        print(f"warning: {error}", file=sys.stderr)
    return content


# --- commands --------------------------------------------------------------------------------


def stats(args: argparse.Namespace) -> int:
    content = _content(args)
    with _open(args) as store:
        profile = _profile(store, args)
        now = utcnow()
        numbers = report(store, profile.id, content, now).numbers
        numbers = {"profile": profile.name, "db": str(store.path), "at": now.isoformat(), **numbers}
    if args.json:
        print(json.dumps(numbers, indent=2, ensure_ascii=False))
        return 0
    pct = lambda v: "—" if v is None else f"{v:.0%}"  # noqa: E731
    print(f"Profile {numbers['profile']} ({numbers['db']})")
    print(f"Reviews: {numbers['reviews_total']} in all, {numbers['reviews_today']} today; "
          f"streak {numbers['streak_days']} day{'s' if numbers['streak_days'] != 1 else ''}")
    print(f"Due now: {numbers['due_now']}; new cards left today: {numbers['new_today']}; due tomorrow: {numbers['due_tomorrow']}")
    print(f"Cards seen: {numbers['cards_seen']} of {numbers['cards_total']} ({numbers['cards_in_review']} learned)")
    print(f"True retention, last 30 days: {pct(numbers['true_retention_30d'])} of {numbers['recall_tests_30d']} recall tests "
          f"(desired {numbers['desired_retention']:.0%})")
    print(f"Mastery (mean recall probability now): {pct(numbers['mastery'])}")
    titles = {t.id: t.title.en for t in content.topics}
    for topic_id, value in numbers["mastery_by_topic"].items():
        print(f"  {titles.get(topic_id, topic_id):<40} {pct(value):>5}")
    if numbers["removed_cards_with_history"]:
        print(f"Cards no longer in the content (history kept): {', '.join(numbers['removed_cards_with_history'])}")
    return 0


def export_arguments(parser: argparse.ArgumentParser) -> None:
    add_option(parser, "--out", metavar="FILE", help="write to FILE (default: standard output)")
    add_option(parser, "--content", metavar="DIR", help="topic folder (default: $STUDYAPP_CONTENT or the bundled topics)")
    add_option(parser, "--no-reversed", action="store_true", help="leave out the reversed (definition -> term) cards")
    add_option(parser, "--db", metavar="PATH", help="progress database (csv: adds your progress columns)")
    add_option(parser, "--profile", metavar="NAME", help="csv: whose progress to add (default: the only profile, or 'default')")
    add_option(parser, "--pin", nargs="?", const=ASK, metavar="PIN", help="csv: the profile's PIN, if it has one")


def export(args: argparse.Namespace, kind: str) -> int:
    content = _content(args)
    include_reversed = not args.no_reversed
    if kind == "anki":
        _write(exports.anki_tsv(content, include_reversed=include_reversed), args.out)
        return 0
    if args.profile or args.db:  # progress columns only when asked for a profile's progress
        with _open(args) as store:
            profile = _profile(store, args)
            text = exports.cards_csv(content, states=store.card_states(profile.id),
                                     settings=load_settings(store, profile.id), now=utcnow(),
                                     include_reversed=include_reversed)
    else:
        text = exports.cards_csv(content, include_reversed=include_reversed)
    _write(text, args.out)
    return 0


def backup(args: argparse.Namespace) -> int:
    with _open(args) as store:
        profile = _profile(store, args)
        text = backups.backup_json(store, profile.id, utcnow())
        reviews = store.review_count(profile.id)
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"backed up profile {profile.name!r} ({reviews} reviews) to {args.out}", file=sys.stderr)
    return 0


MAX_BACKUP_BYTES = 256 * 2**20


def _read_backup(name: str) -> bytes:
    """The backup file's bytes; a pipe, a device or an oversized file is refused, not read."""
    path = Path(name)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{name}: not a regular file")
        if info.st_size > MAX_BACKUP_BYTES:
            raise UsageError(f"{name}: too large for a backup ({info.st_size / 2**20:.0f} MiB)")
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def restore(args: argparse.Namespace) -> int:
    raw = _read_backup(args.file)
    try:
        parsed = backups.parse_backup(raw)  # the whole file is checked before anything is written
    except backups.BackupError as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    with _open(args) as store:
        target = args.profile or parsed.name
        if store.profile_by_name(target) is not None:
            _profile(store, argparse.Namespace(profile=target, pin=args.pin))  # its PIN, if it has one
        profile = backups.restore_backup(store, parsed, into=target)
    print(f"restored {len(parsed.reviews)} reviews and {len(parsed.states)} card states into profile "
          f"{profile.name!r}", file=sys.stderr)
    return 0


def _new_pin(env: str) -> str:
    """A new PIN from $`env`, else typed twice on the terminal."""
    if os.environ.get(env):
        return os.environ[env]
    pin = _ask_pin("New PIN: ", env)
    if _ask_pin("Same PIN again: ", env) != pin:
        raise UsageError("the two PINs differ")
    return pin


def profile_create(args: argparse.Namespace) -> int:
    pin = _pin_argument(args.pin)
    if pin is ASK:
        pin = _new_pin(PIN_ENV)
    with _open(args) as store:
        try:
            profile = store.create_profile(args.name, pin=pin)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    print(f"created profile {profile.name!r}" + (" (PIN protected)" if profile.protected else ""), file=sys.stderr)
    return 0


def profile_pin(args: argparse.Namespace) -> int:
    """Set, change or remove a PIN: the current one first (if there is one), then the new one."""
    with _open(args) as store:
        if store.profile_by_name(args.name) is None:
            raise UsageError(f"no profile named {args.name!r}")
        profile = _profile(store, argparse.Namespace(profile=args.name, pin=args.pin))
        new = None if args.remove else _new_pin(NEW_PIN_ENV)
        try:
            set_pin(store, profile.id, new)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    print(f"profile {profile.name!r}: " + ("PIN removed" if new is None else "PIN set"), file=sys.stderr)
    return 0


def profile_list(args: argparse.Namespace) -> int:
    with _open(args) as store:
        rows = [{"name": p.name, "protected": p.protected, "created_at": p.created_at.isoformat(),
                 "reviews": store.review_count(p.id)} for p in store.profiles()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no profiles yet; create one with `studyapp profile create NAME`")
    for row in rows:
        print(f"{row['name']:<24} {'PIN' if row['protected'] else '   '}  {row['reviews']} reviews")
    return 0


# `studyapp export anki|csv` are formats of the shared `export` command (studyapp/cli/export_cmd.py).
add_exporter(Exporter("anki", "flashcards as a TSV that Anki imports as is (one deck per topic)", export_arguments,
                      lambda args: export(args, "anki")))
add_exporter(Exporter("csv", "flashcards as CSV (with a profile's progress when --profile or --db is given)",
                      export_arguments, lambda args: export(args, "csv")))
