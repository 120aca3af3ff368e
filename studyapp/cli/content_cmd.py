"""`studyapp validate` and `studyapp schema`: check topic files, export their JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from studyapp.content import load_content
from studyapp.content.fairness import fairness_line, fairness_summary
from studyapp.content.questions import QUESTION_TYPES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check every topic file; errors are printed as path:line: message")
    p.add_argument("folder", nargs="?", metavar="DIR", help="topic folder (default: --content, $STUDYAPP_CONTENT, or the bundled topics)")
    p.add_argument("--content", metavar="DIR", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="print counts and errors as JSON")
    p.set_defaults(handler=validate)

    s = sub.add_parser("schema", help="write the JSON Schema of a topic file (for editor autocompletion)")
    s.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    s.set_defaults(handler=schema)


def summarize(content) -> dict:
    questions = Counter(q.type for q in content.questions())
    return {
        "valid": not content.errors,
        "folder": str(content.folder),
        "topics": len(content.topics),
        "cards": len(content.cards()),
        "questions": sum(questions.values()),
        "questions_by_type": {kind: questions.get(kind, 0) for kind in QUESTION_TYPES},
        "demos_linked": sorted({d for t in content.topics for d in t.demos}),
        "errors": [str(e) for e in content.errors],
        "fairness": fairness_summary(content),
    }


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def validate(args: argparse.Namespace) -> int:
    content = load_content(args.folder or args.content)
    summary = summarize(content)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        for error in content.errors:
            print(error)
        by_type = ", ".join(f"{k} {v}" for k, v in summary["questions_by_type"].items() if v)
        line = (
            f"{plural(summary['topics'], 'topic')}, {plural(summary['cards'], 'card')}, "
            f"{plural(summary['questions'], 'question')} ({by_type or 'none'}), "
            f"{plural(len(summary['demos_linked']), 'demo')} linked"
        )
        if content.errors:
            print(f"{plural(len(content.errors), 'error')}; {line} loaded cleanly", file=sys.stderr)
        else:
            print(f"OK: {line}")
            print(fairness_line(summary["fairness"]))
    return 1 if content.errors else 0


def topic_schema() -> dict:
    from studyapp.content.models import Topic

    schema = Topic.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Study app topic file"
    return schema


def schema(args: argparse.Namespace) -> int:
    text = json.dumps(topic_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
