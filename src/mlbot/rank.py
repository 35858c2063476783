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

WEIGHTS = {"question_word": 0.5, "question_char": 0.2, "text_word": 0.3}
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
    per_field: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    coverage = 0.0
    for name, weight in WEIGHTS.items():
        f = kb.fields.get(name)
        if f is None:
            continue
        ents, vals, cov = f.entry_scores(question)
        per_field[name] = (ents, vals)
        if name == "text_word":
            coverage = cov
        elif name == "question_word":
            coverage = max(coverage, cov)
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


def confidence(score: float, coverage: float) -> float:
    """Return 0-100: the estimated chance that an answer with this score and coverage is the right one."""
    b0, b1, b2 = CALIBRATION
    z = b0 + b1 * score + b2 * coverage
    return 100.0 / (1.0 + math.exp(-z))
