#!/usr/bin/env python3
"""Time loading one very large topic file (default: 55,000 cards, about 7 MB).

    python scripts/big_topic.py [--cards N] [--repeats R] [--keep DIR]

Writes the file into a temporary folder (or DIR), loads it with the app's loader
(`studyapp.content.load_content`, which is also what `studyapp validate` does), and prints the
file's size, the number of cards and the seconds each load took. The file is generated, never
committed; tests/test_hostile_inputs.py uses the same generator at a smaller size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def big_topic_yaml(cards: int = 55_000) -> str:
    """A valid topic file with `cards` cards (about 120 bytes each) and one question per 100."""
    lines = [
        "id: big-topic",
        "order: 999",
        "title: {en: A very large topic, ko: 아주 큰 주제}",
        "summary: {en: Many generated cards., ko: 생성된 카드가 많습니다.}",
        "cards:",
    ]
    for i in range(cards):
        lines += [
            f"  - id: big-card-{i:06d}",
            f"    term: {{en: Term {i}, ko: 용어 {i}}}",
            f"    definition: {{en: Meaning {i}., ko: 뜻 {i}.}}",
        ]
    lines.append("questions:")
    for i in range(0, cards, 100):
        lines += [
            f"  - id: big-q-{i:06d}",
            "    type: true_false",
            f"    prompt: {{en: Term {i} is a term., ko: 용어 {i}는 용어입니다.}}",
            "    answer: true",
            "    misconception: {en: It is., ko: 맞습니다.}",
            f"    cards: [big-card-{i:06d}]",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=55_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--keep", metavar="DIR", help="write the file here and keep it")
    args = parser.parse_args()

    from studyapp.content import load_content

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "big.yaml"
        path.write_text(big_topic_yaml(args.cards), encoding="utf-8")
        size = path.stat().st_size
        for _ in range(args.repeats):
            start = time.perf_counter()
            content = load_content(folder, demo_ids=[])
            seconds = time.perf_counter() - start
            cards = sum(len(t.cards) for t in content.topics)
            print(f"{size / 1e6:.1f} MB, {cards} cards loaded, {len(content.errors)} errors: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
