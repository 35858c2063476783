"""Follow-up questions in a conversation, measured: how often a question that starts "and …" (or "what about …")
is answered from the previous question's context when it should not be, at each share of bot.CONNECTIVE_SHARE
(which serves such questions of up to bot.CONNECTIVE_WORDS content words; --words 99 for any length).

False follow-ups: every labelled question B of the documents of tests/data/shapes, tests/data/prose and
scripts/fresh/prose* is asked as "and b…" right after another question A of its document (one A for each B, drawn
with a fixed seed), in one Session. Asked so, B is a new question that merely starts with "and": an answer from
context is right only when it is still B's expected entry. Counted at each share: answers given from context, right
and wrong, and B's answers at the default threshold, right and wrong, against B asked on its own.

usage: python scripts/bench_follow_ups.py [--shares 0.8,0.6,0.5] [--words N]
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import mlbot
from mlbot import bot as bot_module
from mlbot.evaluate import is_expected

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "tests" / "data" / "shapes", ROOT / "tests" / "data" / "prose",
           *sorted((ROOT / "scripts" / "fresh").glob("prose*"))]


def labelled_documents():
    """Yield (document, labelled questions) for each labelled document of FOLDERS."""
    for folder in FOLDERS:
        for labels in sorted(folder.glob("*.questions.jsonl")):
            stem = labels.name.removesuffix("questions.jsonl")
            docs = [d for d in folder.iterdir() if d.name.startswith(stem) and d.suffix != ".jsonl"
                    and d.name != "README.md"]
            if len(docs) == 1:
                yield docs[0], [json.loads(x) for x in labels.read_text(encoding="utf-8").splitlines() if x.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shares", default="0.8,0.6,0.5")
    parser.add_argument("--words", type=int, default=bot_module.CONNECTIVE_WORDS,
                        help="the most content words a question may have for the share to serve it")
    args = parser.parse_args()
    bot_module.CONNECTIVE_WORDS = args.words
    shares = [float(x) for x in args.shares.split(",")]
    rng = random.Random(7)
    counts = {s: {"context right": 0, "context wrong": 0, "right": 0, "wrong": 0} for s in shares}
    alone = {"right": 0, "wrong": 0}
    n = 0
    for doc, questions in labelled_documents():
        bot = mlbot.load([str(doc)])
        for b in questions:
            others = [a for a in questions if a is not b]
            if not others:
                continue
            a = rng.choice(others)["question"]
            q = "and " + b["question"][:1].lower() + b["question"][1:]
            n += 1
            single = bot.ask(b["question"])
            _tally(alone, single, b["expected"])
            for share in shares:
                bot_module.CONNECTIVE_SHARE = share
                session = bot.session()
                session.ask(a)
                reply = session.ask(q)
                _tally(counts[share], reply, b["expected"])
                if reply.context_used is not None:
                    ok = b["expected"] is not None and is_expected(reply.results[0], b["expected"])
                    counts[share]["context right" if ok else "context wrong"] += 1
    print(f"{n} questions asked as \"and …\" after another question of their document; the share serves those of "
          f"up to {args.words} content words\n")
    print("| share | answered from context: right / wrong | answered at the threshold: right / wrong |")
    print("|---|---|---|")
    print(f"| (asked alone, without \"and\") | — | {alone['right']} / {alone['wrong']} |")
    for share in shares:
        c = counts[share]
        print(f"| {share:g} | {c['context right']} / {c['context wrong']} | {c['right']} / {c['wrong']} |")
    return 0


def _tally(counts: dict, reply, expected) -> None:
    if reply.status != "answered":
        return
    ok = expected is not None and is_expected(reply.results[0], expected)
    counts["right" if ok else "wrong"] += 1


if __name__ == "__main__":
    raise SystemExit(main())
