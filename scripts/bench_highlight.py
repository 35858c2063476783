"""The highlight (the sentence mlbot shows as the short answer), measured: how often it holds the passage a question
expects, beside two references in the same run: the answer's first sentence, and the sentence sharing the most of
the question's terms counted alike (mlbot's highlight before it weighed rare words and numbers).

Reads the labelled documents of tests/data/shapes, tests/data/prose and scripts/fresh/prose* (their questions name
the expected passage by its text). Counted: questions whose top answer is right and whose expected passage is well
short of that answer (under two thirds of it), where picking a sentence matters. A highlight holds the passage when
one contains the other, whitespace run together.

usage: python scripts/bench_highlight.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import mlbot
from mlbot.analyze import SENTENCE_BREAK, content_terms
from mlbot.evaluate import is_expected

ROOT = Path(__file__).resolve().parent.parent
# The sets the highlight's rules were first measured on, and the prose rounds written after them (held out).
FOLDERS = [ROOT / "tests" / "data" / "shapes", ROOT / "tests" / "data" / "prose",
           *(ROOT / "scripts" / "fresh" / name for name in ("prose", "prose4", "prose5", "prose6"))]
HELD_OUT = [ROOT / "scripts" / "fresh" / f"prose{n}" for n in range(7, 11)]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_BREAK.split(text) if s and s.strip()]


def terms_alike(text: str, question: str) -> str:
    """The reference: the sentence sharing the most of the question's terms, each counting one."""
    sentences = _sentences(text) or [text]
    want = set(content_terms(question))
    return max(enumerate(sentences), key=lambda p: len(want.intersection(content_terms(p[1])))
               / (1 + 0.02 * len(content_terms(p[1]))) - 0.01 * p[0])[1]


def first_sentence(text: str, question: str) -> str:
    return (_sentences(text) or [text])[0]


def _holds(highlight: str, passage: str) -> bool:
    h, p = " ".join(highlight.split()).lower(), " ".join(passage.split()).lower()
    return bool(h) and (p in h or h in p)


def main() -> int:
    for name, folders in (("shapes, prose, prose rounds 4-6", FOLDERS), ("prose rounds 7-10 (held out)", HELD_OUT)):
        measure(name, folders)
    return 0


def measure(name: str, folders: list[Path]) -> None:
    counts = {"mlbot": 0, "terms counted alike": 0, "first sentence": 0}
    asked = 0
    for folder in folders:
        for labels in sorted(folder.glob("*.questions.jsonl")):
            stem = labels.name.removesuffix("questions.jsonl")
            [doc] = [d for d in folder.iterdir() if d.name.startswith(stem) and d.suffix != ".jsonl"
                     and d.name != "README.md"]
            bot = mlbot.load([str(doc)])
            for line in labels.read_text(encoding="utf-8").splitlines():
                d = json.loads(line)
                passage = d["expected"]
                if not passage:
                    continue
                reply = bot.ask(d["question"], top_k=1)
                if not reply.results or not is_expected(reply.results[0], passage):
                    continue
                top = reply.results[0]
                if len(" ".join(passage.split())) >= 2 / 3 * len(" ".join(top.entry.text.split())):
                    continue
                # As the bot reads the question: its misspelt words as the documents' (rank.spell).
                said = reply.read_as or reply.question
                asked += 1
                counts["mlbot"] += _holds(top.highlight, passage)
                for kind, pick in (("terms counted alike", terms_alike), ("first sentence", first_sentence)):
                    counts[kind] += _holds(pick(top.entry.text, said), passage)
    print(f"{name}: right top answers whose expected passage is under two thirds of the answer: {asked}\n")
    print("| highlight | holds the expected passage | share |\n|---|---|---|")
    for kind, n in counts.items():
        print(f"| {kind} | {n} | {n / max(asked, 1):.1%} |")
    print(flush=True)


if __name__ == "__main__":
    sys.exit(main())
