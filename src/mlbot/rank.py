"""Query terms -> scored entries: the question and answer-text fields fused into one score, and a confidence.

score = 0.5 * best question phrasing (words) + 0.2 * best question phrasing (character n-grams)
      + 0.3 * answer text (words)
Confidence (0-100) maps the fused score and the share of the question the documents' vocabulary covers through
a logistic curve fitted on the benchmarks (docs/benchmarks.md); it is the estimated chance the top answer is right.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .store import KnowledgeBase

WEIGHTS = {f"{kind}_{space}": 0.0 for space in ("word", "content", "char")
           for kind in ("question", "joined", "text", "doc", "cover")}
WEIGHTS["doc_word"] = 1.0
# Logistic fit of "top answer right" on (score, coverage); see scripts/bench_quality.py --calibrate.
CALIBRATION = (-6.0, 14.0, 2.0)


@dataclass(frozen=True)
class Ranked:
    """One entry's place in the ranking for a question, with the parts of its score."""

    index: int
    score: float
    signals: dict[str, float]


@dataclass(frozen=True)
class Ranking:
    """The ranked entries for one question, best first, and how much of the question the index knew."""

    items: list[Ranked]
    coverage: float


def rank(kb: KnowledgeBase, question: str, top_k: int = 10) -> Ranking:
    """Return the top_k entries for question, best first."""
    vectors = {name: space.vector(question) for name, space in kb.spaces.items()}
    per_field: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, weight in WEIGHTS.items():
        f = _field(kb, name)
        if f is not None and weight:
            per_field[name] = f.entry_scores(vectors[f.space], cover=name.startswith("cover_"))
    coverage = vectors["content"].coverage if "content" in vectors else 0.0
    if not any(len(e) for e, _ in per_field.values()):
        return Ranking([], coverage)
    cand = np.unique(np.concatenate([e for e, _ in per_field.values()]))
    total = np.zeros(len(cand), np.float64)
    parts = {}
    for name, (ents, vals) in per_field.items():
        col = np.zeros(len(cand), np.float64)
        col[np.searchsorted(cand, ents)] = vals
        parts[name] = col
        total += WEIGHTS[name] * col
    k = min(top_k, len(cand))
    top = np.argpartition(-total, k - 1)[:k] if k < len(cand) else np.arange(len(cand))
    top = top[np.argsort(-total[top], kind="stable")]
    items = [Ranked(int(cand[i]), float(total[i]), {n: float(c[i]) for n, c in parts.items()}) for i in top]
    return Ranking(items, coverage)


def _field(kb: KnowledgeBase, name: str):
    # Fields not stored because they equal another: joined = question rows when no entry has alternate
    # questions; text = doc rows when no entry has a question.
    # "cover" is a reading of the doc rows: the share of the question's weight an entry contains.
    return kb.fields.get(name) or kb.fields.get(
        name.replace("joined_", "question_").replace("text_", "doc_").replace("cover_", "doc_"))


def confidence(score: float, coverage: float) -> float:
    """Return 0-100: the estimated chance that an answer with this score and coverage is the right one."""
    b0, b1, b2 = CALIBRATION
    z = b0 + b1 * score + b2 * coverage
    return 100.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Contribution:
    """One matched term's part in an entry's score: the field it matched in and the points it added."""

    field: str
    term: str
    points: float


def explain_match(kb: KnowledgeBase, question: str, index: int, limit: int = 12) -> list[Contribution]:
    """Return the terms of question that matched entry `index`, with the points each added, largest first."""
    out: list[Contribution] = []
    for name, weight in WEIGHTS.items():
        f = _field(kb, name)
        if f is None or not weight:
            continue
        space = kb.spaces[f.space]
        qv = space.vector(question)
        rows = np.flatnonzero(np.asarray(f.row_entry) == index)
        if not len(rows):
            continue
        per_row = {int(r): [] for r in rows}
        for c, w in zip(qv.cols.tolist(), qv.weights.tolist()):
            a, b = int(f.indptr[c]), int(f.indptr[c + 1])
            posting = np.asarray(f.indices[a:b])
            pos = np.searchsorted(posting, rows)
            for r, p in zip(rows.tolist(), pos.tolist()):
                if p < len(posting) and posting[p] == r:
                    per_row[r].append((bytes(space.vocab[c]).decode("utf-8"), weight * w * float(f.data[a + p])))
        best = max(per_row.values(), key=lambda terms: sum(p for _, p in terms))
        out.extend(Contribution(name, t, p) for t, p in best)
    out.sort(key=lambda c: -c.points)
    return out[:limit]
