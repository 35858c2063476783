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

from .index import Semantic
from .store import KnowledgeBase

WEIGHTS = {f"{kind}_{space}": 0.0 for space in ("word", "content", "bigram", "char")
           for kind in ("question", "joined", "text", "doc", "cover", "semantic")}
# Fitted by scripts/tune_quality.py --learn on the tuning halves of StackFAQ, Banking77 and the article's set.
WEIGHTS.update({
    "question_word": 0.139, "text_word": 0.005, "doc_word": 0.122, "question_content": 0.122,
    "text_content": 0.054, "doc_content": 0.024, "cover_content": 0.013, "question_bigram": 0.042,
    "doc_bigram": 0.065, "cover_bigram": 0.006, "semantic_content": 0.045, "question_char": 0.197,
    "text_char": 0.009, "doc_char": 0.013, "semantic_char": 0.144,
})
# Logistic fit of "the top answer is right" on (score, margin over the runner-up, coverage, log entries), shifted
# so that a confidence of 70 or more is right at least 95% of the time: scripts/tune_quality.py --fit.
CALIBRATION = (-4.990, 6.974, 5.094, 1.796, -0.425)


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
            if isinstance(f, Semantic):
                per_field[name] = f.entry_scores(vectors[f.space])
                continue
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
    if name.startswith("semantic_"):
        return kb.semantic.get(name[len("semantic_"):])
    # Fields not stored because they equal another: joined = question rows when no entry has alternate
    # questions; text = doc rows when no entry has a question.
    # "cover" is a reading of the doc rows: the share of the question's weight an entry contains.
    return kb.fields.get(name) or kb.fields.get(
        name.replace("joined_", "question_").replace("text_", "doc_").replace("cover_", "doc_"))


def score_scale(kb: KnowledgeBase, probes: int = 200) -> float:
    """Return the median score of the knowledge base's own questions (or first sentences) asked of it.

    Scores grow with a collection's size and wording; dividing by this makes a score mean the same in a 7-entry
    article as in a 100,000-entry handbook, with no labelled questions needed.
    """
    n = kb.n_entries
    picks = sorted({int(i) for i in np.linspace(0, n - 1, min(n, probes))}) if n else []
    scores = []
    for i in picks:
        e = kb.entry(i)
        probe = e.questions[0] if e.questions else e.text.split(". ")[0][:300]
        r = rank(kb, probe, 1)
        if r.items:
            scores.append(r.items[0].score)
    return float(np.median(scores)) if scores else 1.0


def confidence(score: float, margin: float, coverage: float, scale: float = 1.0, n_entries: int = 100) -> float:
    """Return 0-100: how likely an answer is the right one, from its score and its lead over the best other answer
    (negative for an answer that is not first), both relative to the collection's score scale, how much of the
    question the documents' vocabulary covers, and how many entries there were to choose from."""
    b0, b1, b2, b3, b4 = CALIBRATION
    scale = scale if scale > 0 else 1.0
    z = b0 + b1 * score / scale + b2 * margin / scale + b3 * coverage + b4 * math.log(max(n_entries, 1))
    return 100.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


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
        if f is None or not weight or isinstance(f, Semantic) or name.startswith("cover_"):
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
