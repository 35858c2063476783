"""Does a threshold derived from a knowledge base's own alternate questions (mlbot.calibrate) beat the fixed default?

For each collection with alternate questions, the threshold `mlbot index` derives is compared with the default (20)
on real questions: the share answered, the share of those answered right, and the share of out-of-scope questions
(the other collections' queries) refused. Collections:
- Banking77: 10 training questions per category as the entry's phrasings, test.csv as the questions;
- StackFAQ with alternates: each thread's first 3 rephrasings as alternate questions, its other rephrasings as the
  questions (a different setting from bench_quality.py's, where threads have no alternates).
Prints a Markdown table. usage: python scripts/bench_threshold.py [--data DIR]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality_data import load_all, out_of_scope

from mlbot.calibrate import DEFAULT_THRESHOLD, derive_threshold, top_answer
from mlbot.model import Entry
from mlbot.store import build


def top_answers(kb, questions):
    """Return (confidence, top entry index) for each question, as the bot computes them."""
    return [top_answer(kb, q) for q in questions]


def row(name, label, t, ins, gold, oos):
    conf = np.array([c for c, _ in ins])
    right = np.array([top == g for (_, top), g in zip(ins, gold)])
    answered = conf >= t
    refused = np.array([c < t for c, _ in oos])
    return (f"| {name} | {label} | {t:g} | {answered.mean():.1%} | {right[answered].mean():.1%} | "
            f"{refused.mean():.1%} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="folder holding stackfaq/ and banking77/ (default: ../shared/data)")
    a = ap.parse_args()
    cols = {c.name: c for c in load_all(a.data)}
    if "banking77" not in cols or "stackfaq" not in cols:
        print("needs StackFAQ and Banking77 (--data DIR)", file=sys.stderr)
        return 2
    oos = out_of_scope(list(cols.values()))
    b = cols["banking77"]
    s = cols["stackfaq"]
    by: dict[str, list[str]] = {}
    for q, g in s.tune + s.test:
        by.setdefault(g, []).append(q)
    with_alts = [Entry(e.id, e.questions + tuple(by.get(e.id, [])[:3]), e.text, e.source) for e in s.entries]
    rest = [(q, g) for g, qs in by.items() for q in qs[3:]]
    sets = [("banking77", b.entries, b.test, oos["banking77"]),
            ("stackfaq, 3 alternates", with_alts, rest, oos["stackfaq"])]
    lines = ["| collection | threshold | value | answered | right of answered | out of scope refused |",
             "|---|---|---|---|---|---|"]
    notes = []
    for name, entries, queries, outside in sets:
        derived = derive_threshold(entries, lambda es: build(es, [], []))
        kb = build(entries, [], [])
        ids = {kb.entry(i).id: i for i in range(kb.n_entries)}
        ins = top_answers(kb, [q for q, _ in queries])
        gold = [ids[g] for _, g in queries]
        out = top_answers(kb, outside)
        lines.append(row(name, "default", DEFAULT_THRESHOLD, ins, gold, out))
        if derived:
            lines.append(row(name, "derived", derived["value"], ins, gold, out))
            notes.append(f"{name}: derived from {derived['probes']} held-out alternates (top-1 {derived['top1']:.1%}; "
                         f"{derived['precision']:.1%} right at or above {derived['value']:g})")
        else:
            notes.append(f"{name}: too few alternates to derive a threshold")
    print("\n".join(lines))
    print()
    print("\n".join(f"- {n}" for n in notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
