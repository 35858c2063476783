"""Alternate questions -> a knowledge base's own threshold, with no labelled questions.

An entry's alternate phrasings stand in for what people will ask. Each round holds one phrasing out of every entry
that has two or more, builds the index without them and asks them: the threshold is the lowest confidence, from the
default up, at or above which the held-out phrasings found their own entry at least TARGET of the time.

It only ever raises the bar above the default: held-out phrasings tell how often a confident answer is wrong, not
how often a question about something else scores high (docs/benchmarks.md, threshold).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from .model import Entry

DEFAULT_THRESHOLD = 20.0   # confidence below this is "no_answer" (the threshold sweep in docs/benchmarks.md)
TARGET = 0.90              # the share of held-out phrasings at or above the threshold that must be right
MIN_PROBES = 30            # fewer held-out phrasings than this say too little: the default stays
STEPS = tuple(range(int(DEFAULT_THRESHOLD), 75, 5))
MAX_ENTRIES = 20_000       # past this, one more build costs more than a threshold is worth
MAX_PROBES_PER_ROUND = 500  # held-out phrasings asked per round: enough to place a threshold in steps of 5


def derive_threshold(entries: list[Entry], build: Callable[[list[Entry]], object],
                     progress: Callable[[str, int, int], None] | None = None) -> dict | None:
    """Return {"value", "probes", "precision", "answered", "top1"} for entries with alternate questions, or None
    when too few entries have them (or there are too many entries). `build(entries)` returns a KnowledgeBase."""
    multi = [i for i, e in enumerate(entries) if len(_phrasings(e)) >= 2]
    # Each round is one more build of the whole index: three on a small collection, where a build takes a moment
    # and each round adds few questions; one past that, holding out at most MAX_PROBES_PER_ROUND phrasings.
    rounds = 3 if len(entries) <= 1_000 else 1
    if len(multi) > MAX_PROBES_PER_ROUND:
        multi = [multi[int(k)] for k in np.linspace(0, len(multi) - 1, MAX_PROBES_PER_ROUND)]
    if len(entries) > MAX_ENTRIES or sum(min(rounds, len(_phrasings(entries[i])) - 1) for i in multi) < MIN_PROBES:
        return None
    outcomes: list[tuple[float, bool]] = []
    for r in range(rounds):
        if progress:
            progress("deriving the threshold", r, rounds)
        held: list[tuple[int, str]] = []
        trimmed = list(entries)
        for i in multi:
            e = entries[i]
            n_alt = len(_phrasings(e)) - 1
            if r >= n_alt:
                continue   # every alternate of this entry has had its turn
            j = 1 + r
            held.append((i, _phrasings(e)[j]))
            n = len(e.questions)
            trimmed[i] = replace(e, questions=e.questions[:j] + e.questions[j + 1:]) if j < n \
                else replace(e, alternates=e.alternates[:j - n] + e.alternates[j - n + 1:])
        kb = build(trimmed)
        for i, q in held:
            sure, top = top_answer(kb, q)
            outcomes.append((sure, top == i))
    if progress:
        progress("deriving the threshold", rounds, rounds)
    value = STEPS[-1]
    for t in STEPS:
        above = [right for sure, right in outcomes if sure >= t]
        if above and sum(above) / len(above) >= TARGET:
            value = t
            break
    above = [right for sure, right in outcomes if sure >= value]
    return {
        "value": float(value),
        "probes": len(outcomes),
        "precision": round(sum(above) / len(above), 4) if above else None,
        "answered": round(len(above) / len(outcomes), 4),
        "top1": round(sum(right for _, right in outcomes) / len(outcomes), 4),
    }


def _phrasings(e: Entry) -> tuple[str, ...]:
    """An entry's questions, then the phrasings a user attached to it."""
    return e.questions + e.alternates


def top_answer(kb, question: str) -> tuple[float, int]:
    """Return (confidence, entry index) of the top answer to question as the bot scores it, or (0.0, -1)."""
    # Imported here: store calls this module while building, and rank sits on store (as store.build's score_scale).
    from .rank import answer_confidence, rank

    ranking = rank(kb, question, 2)
    items = ranking.items
    if not items:
        return 0.0, -1
    runner = items[1].score if len(items) > 1 else 0.0
    return answer_confidence(kb, items[0].score, items[0].score - runner, ranking.coverage, ranking.by_sense), \
        items[0].index


def threshold_of(meta: dict) -> float:
    """Return the threshold an index answers at when none is given: its derived one, else the default."""
    derived = meta.get("threshold")
    if isinstance(derived, dict) and isinstance(derived.get("value"), (int, float)):
        return float(derived["value"])
    return DEFAULT_THRESHOLD
