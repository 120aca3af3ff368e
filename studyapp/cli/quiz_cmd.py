"""`studyapp quiz check` and `studyapp export gift`.

`studyapp validate` checks what the topic files say. `studyapp quiz check` goes further,
with PyTorch: every numeric generator runs for many drawn settings, every prediction's
settings are valid for its demo, and with `--run` each prediction's demo actually runs and
must report the metric its outcomes are about.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from studyapp.cli.errors import UsageError
from studyapp.cli.export_cmd import Exporter, add_exporter, add_option
from studyapp.content import Content, load_content

DRAWS = 25  # generated settings tried per numeric question


# --- studyapp quiz check ------------------------------------------------------------------


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("quiz", help="check the quiz questions with PyTorch (generators, demo predictions)")
    quiz_sub = p.add_subparsers(dest="quiz_command", metavar="ACTION", required=True)
    check = quiz_sub.add_parser(
        "check", help="run every numeric generator and check every predict-then-run question against its demo")
    check.add_argument("folder", nargs="?", metavar="DIR", help="topic folder (default: $STUDYAPP_CONTENT or the bundled topics)")
    check.add_argument("--run", action="store_true", help="also run each prediction's demo and check its metric")
    check.add_argument("--device", help="device for --run (default: best available)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=check_command)


def question_lines(content: Content) -> dict[str, tuple[str, int]]:
    """question id -> (file, line of its `id:`), for path:line messages."""
    from studyapp.content.loader import YamlProblem, display_path, parse_yaml, read_topic_text

    found: dict[str, tuple[str, int]] = {}
    folder = Path(content.folder) if content.folder else None
    if folder is None or not folder.is_dir():
        return found
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            data, lines = parse_yaml(read_topic_text(path))
        except (OSError, UnicodeDecodeError, YamlProblem):
            continue
        questions = data.get("questions") if isinstance(data, dict) else None
        for i, raw in enumerate(questions if isinstance(questions, list) else []):
            if isinstance(raw, dict) and "id" in raw:
                found[str(raw["id"])] = (display_path(path), lines.get(("questions", i, "id"), 1))
    return found


def torch_checks(*, run: bool, device: str | None):
    """The PyTorch-backed tools the question types check themselves with."""
    from demos import get_demo
    from demos.framework import ParamError, resolve_params
    from demos.generators import GENERATORS

    from studyapp.content.questions import TorchChecks

    def param_problem(demo_id: str, params) -> str | None:
        try:
            resolve_params(get_demo(demo_id).params, params)
        except (KeyError, ParamError) as exc:
            return str(exc)
        return None

    def metrics(demo_id: str, params, seed: int):
        from studyapp.runner import run_demo

        return run_demo(demo_id, params, seed=seed, device=device).result.metrics

    return TorchChecks(GENERATORS, param_problem, metrics if run else None, draws=DRAWS)


def deep_problems(content: Content, *, run: bool = False, device: str | None = None) -> list[str]:
    """`path:line: message` for every question PyTorch finds fault with."""
    return checked_questions(content, run=run, device=device)[1]


def checked_questions(content: Content, *, run: bool = False, device: str | None = None) -> tuple[int, list[str]]:
    """How many questions had something for PyTorch to check, and what it found."""
    where = question_lines(content)
    checks = torch_checks(run=run, device=device)
    checked, found = 0, []
    for question in content.questions():
        problems = question.torch_problems(checks)
        if problems is None:
            continue
        checked += 1
        path, line = where.get(question.id, ("?", 1))
        found += [f"{path}:{line}: {question.id}: {message}" for message in problems]
    return checked, found


def check_command(args: argparse.Namespace) -> int:
    content = load_content(args.folder)
    checked, deep = checked_questions(content, run=args.run, device=args.device)
    problems = [str(e) for e in content.errors] + deep
    if args.json:
        print(json.dumps({"valid": not problems, "checked": checked, "errors": problems}, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            print(problem)
        status = f"{checked} generated or predicted questions checked" + (" (demos run)" if args.run else "")
        print(f"{len(problems)} problems; {status}" if problems else f"OK: {status}", file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


# --- studyapp export gift -----------------------------------------------------------------


def gift_arguments(parser: argparse.ArgumentParser) -> None:
    add_option(parser, "--out", metavar="FILE", help="write to FILE (default: standard output)")
    add_option(parser, "--content", metavar="DIR", help="topic folder (default: $STUDYAPP_CONTENT or the bundled topics)")
    add_option(parser, "--lang", choices=["en", "ko"], default="en", help="language of the questions (default en)")
    add_option(parser, "--topic", dest="topics", action="append", metavar="ID", help="only this topic (repeatable)")
    add_option(parser, "--seed", type=int, default=0, help="seed for the one drawn instance of each generated numeric question (default 0)")


def gift(args: argparse.Namespace) -> int:
    from demos.generators import GENERATORS

    from studyapp.quiz.gift import export_gift

    content = load_content(args.content)
    for error in content.errors:
        print(f"warning: {error}", file=sys.stderr)
    topics = content.topics
    if args.topics:
        unknown = sorted(set(args.topics) - {t.id for t in topics})
        if unknown:
            raise UsageError(f"--topic {unknown[0]}: no such topic; topics: {', '.join(t.id for t in topics)}")
        topics = [t for t in topics if t.id in args.topics]
    text, skipped = export_gift(topics, lang=args.lang, seed=args.seed, generators=GENERATORS)
    written = sum(len(t.questions) for t in topics) - len(skipped)
    if args.out in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
    note = f" (left out {len(skipped)} ordering and predict-then-run questions: GIFT has no such type)" if skipped else ""
    print(f"wrote {written} questions in GIFT format{' to ' + args.out if args.out not in (None, '-') else ''}{note}",
          file=sys.stderr)
    return 0


add_exporter(Exporter("gift", "quiz questions in Moodle's GIFT format (choice, true/false, typed, numeric, matching)",
                      gift_arguments, gift))
