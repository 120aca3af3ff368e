"""`studyapp export FORMAT ...`: one command, one sub-command per export format.

Formats plug in through `add_exporter` (the quiz adds `gift`; the flashcards can add theirs
the same way), so no module has to know the others:

    from studyapp.cli.export_cmd import Exporter, add_exporter
    add_exporter(Exporter("gift", "quiz questions for Moodle (GIFT)", add_arguments, run))

Exporters must be added before the parser is built, i.e. when their module is imported
(`studyapp.cli` imports every command module first).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Exporter:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]  # the format's own options
    run: Callable[[argparse.Namespace], int]


EXPORTERS: dict[str, Exporter] = {}


def add_exporter(exporter: Exporter) -> None:
    EXPORTERS[exporter.name] = exporter


def add_option(parser: argparse.ArgumentParser, *flags: str, **kwargs) -> None:
    """Add an option unless the parser already has it (handy when several exporters share
    one function that adds their common options)."""
    if not any(flag in parser._option_string_actions for flag in flags):
        parser.add_argument(*flags, **kwargs)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export questions or cards for other tools (" + ", ".join(EXPORTERS) + ")")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for exporter in EXPORTERS.values():
        fp = formats.add_parser(exporter.name, help=exporter.help, description=exporter.help)
        exporter.add_arguments(fp)
        fp.set_defaults(handler=exporter.run)
