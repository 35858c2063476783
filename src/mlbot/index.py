"""Entries -> TF-IDF arrays. Built with scikit-learn, read back with numpy alone.

A `Field` is one TF-IDF matrix over one kind of text (questions, or answer text) with one analyzer. It is stored
column-wise (a posting list per term) so a question touches only the postings of its own terms, and as plain
arrays so loading it is a memory map, not an unpickle.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .analyze import ANALYZERS

# The arrays a Field is made of, in the order they are saved.
ARRAYS = ("vocab", "idf", "indptr", "indices", "data", "row_entry")


@dataclass
class Field:
    """A term -> (row, weight) posting index with the idf of each term; rows map to entries through row_entry."""

    name: str
    analyzer: str
    vocab: np.ndarray       # sorted UTF-8 terms (dtype S)
    idf: np.ndarray         # float32, one per term
    indptr: np.ndarray      # int64, n_terms + 1
    indices: np.ndarray     # int32 row ids, grouped by term
    data: np.ndarray        # float32 tf-idf weights (rows are l2-normalised)
    row_entry: np.ndarray   # int32, entry index of each row
    n_rows: int

    @property
    def analyze(self) -> Callable[[str], list[str]]:
        return ANALYZERS[self.analyzer]

    def unseen_idf(self) -> float:
        """The idf scikit-learn's smoothing gives a term no row contains."""
        return math.log((1 + self.n_rows) / 1) + 1.0

    def lookup(self, terms: list[str]) -> np.ndarray:
        """Return the column of each term, or -1 for a term the index has never seen."""
        if not terms or len(self.vocab) == 0:
            return np.full(len(terms), -1, dtype=np.int64)
        keys = np.array([t.encode("utf-8") for t in terms], dtype=f"S{max(self.vocab.itemsize, 1)}")
        pos = np.searchsorted(self.vocab, keys)
        pos = np.minimum(pos, len(self.vocab) - 1)
        hit = self.vocab[pos] == keys
        return np.where(hit, pos, -1)

    def query_vector(self, text: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Return (columns, weights, coverage) for text, as scikit-learn's `transform` would weight it.

        Weights are sublinear tf times idf, l2-normalised over the terms the index knows. Coverage is the share
        of the question's idf mass (unknown terms at the unseen idf) that the index knows: 1.0 when every term
        is known, near 0 for a question in another vocabulary.
        """
        counts = Counter(self.analyze(text))
        if not counts:
            return np.empty(0, np.int64), np.empty(0, np.float32), 0.0
        terms = list(counts)
        cols = self.lookup(terms)
        tf = np.array([1.0 + math.log(counts[t]) for t in terms])
        known = cols >= 0
        idf = np.full(len(terms), self.unseen_idf())
        idf[known] = self.idf[cols[known]]
        raw = tf * idf
        total = raw.sum()
        coverage = float(raw[known].sum() / total) if total else 0.0
        w = raw[known]
        norm = math.sqrt(float((w * w).sum()))
        if norm == 0:
            return np.empty(0, np.int64), np.empty(0, np.float32), 0.0
        return cols[known], (w / norm).astype(np.float32), coverage

    def row_scores(self, cols: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (rows, cosine) for the rows sharing a term with the query: only these terms' postings are read."""
        if len(cols) == 0:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        parts_i, parts_v = [], []
        for c, w in zip(cols.tolist(), weights.tolist()):
            a, b = int(self.indptr[c]), int(self.indptr[c + 1])
            parts_i.append(self.indices[a:b])
            parts_v.append(self.data[a:b] * np.float32(w))
        if len(parts_i) == 1:
            return np.asarray(parts_i[0]), parts_v[0]
        idx = np.concatenate(parts_i)
        val = np.concatenate(parts_v)
        rows, inv = np.unique(idx, return_inverse=True)
        return rows, np.bincount(inv, weights=val).astype(np.float32)

    def entry_scores(self, text: str) -> tuple[np.ndarray, np.ndarray, float]:
        """Return (entries, best row score per entry, coverage) for a question."""
        cols, w, coverage = self.query_vector(text)
        rows, vals = self.row_scores(cols, w)
        if len(rows) == 0:
            return rows, vals, coverage
        ents = self.row_entry[rows]
        if len(ents) > 1 and np.any(ents[1:] == ents[:-1]):
            # Several rows (alternate questions) of one entry: the entry scores as its best phrasing. Rows are
            # stored in entry order, so equal entries are adjacent.
            starts = np.flatnonzero(np.r_[True, ents[1:] != ents[:-1]])
            ents, vals = ents[starts], np.maximum.reduceat(vals, starts)
        return ents, vals, coverage

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in ARRAYS}


def build_field(name: str, analyzer: str, texts: list[str], row_entry: list[int]) -> Field:
    """Return a Field fitted on texts (one row each, rows in entry order) with scikit-learn's TfidfVectorizer."""
    vec = make_vectorizer(analyzer)
    try:
        m = vec.fit_transform(texts)
    except ValueError:  # empty vocabulary: every row was stop words or blank
        return _empty_field(name, analyzer, len(texts), row_entry)
    names = vec.get_feature_names_out()
    csc = m.tocsc()
    csc.sort_indices()
    vocab = np.array([t.encode("utf-8") for t in names.tolist()])
    return Field(
        name=name, analyzer=analyzer, vocab=vocab, idf=vec.idf_.astype(np.float32),
        indptr=csc.indptr.astype(np.int64), indices=csc.indices.astype(np.int32),
        data=csc.data.astype(np.float32), row_entry=np.asarray(row_entry, dtype=np.int32), n_rows=len(texts),
    )


def make_vectorizer(analyzer: str):
    """Return the scikit-learn vectorizer a field is fitted with (the tests compare query vectors against it)."""
    # scikit-learn is imported here only: answering from a cached index must not pay its ~0.7 s import.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=ANALYZERS[analyzer], sublinear_tf=True, norm="l2", smooth_idf=True,
                           dtype=np.float32)


def _empty_field(name: str, analyzer: str, n_rows: int, row_entry: list[int]) -> Field:
    return Field(name, analyzer, np.array([], dtype="S1"), np.empty(0, np.float32), np.zeros(1, np.int64),
                 np.empty(0, np.int32), np.empty(0, np.float32), np.asarray(row_entry, dtype=np.int32), n_rows)
