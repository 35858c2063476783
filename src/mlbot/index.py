"""Entries -> TF-IDF arrays. Built with scikit-learn, read back with numpy alone.

A `Space` is one analyzer's vocabulary and idf, fitted on whole entries (questions and text together) so a word
every entry uses weighs little in every field. A `Field` is a TF-IDF matrix over one kind of row (question
phrasings, or answer text) in a space, stored column-wise (a posting list per term) so a question touches only
the postings of its own terms, and as plain arrays so loading it is a memory map, not an unpickle.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .analyze import ANALYZERS, FROM_WORDS, SEPARATOR, char_grams, prime_stems, word_term, word_terms, words_many

SPACE_ARRAYS = ("vocab", "idf")
COUNT_CHUNK = 20_000   # texts whose words are split and numbered in one pass (count_words)
FIELD_ARRAYS = ("indptr", "indices", "data", "row_entry", "maxw")
SEMANTIC_ARRAYS = ("term_ids", "terms", "entries")


@dataclass
class QueryVector:
    """A question in one space: the columns it hits, their l2-normalised weights, and the share of the question's
    idf mass the space knows (1.0 when every term is known, near 0 for a question in another vocabulary)."""

    cols: np.ndarray
    weights: np.ndarray
    coverage: float
    terms: list[str]


@dataclass
class Space:
    """One analyzer's sorted vocabulary (UTF-8 bytes) and the idf of each term."""

    name: str
    analyzer: str
    vocab: np.ndarray       # dtype S, sorted
    idf: np.ndarray         # float32
    n_docs: int

    @property
    def analyze(self) -> Callable[[str], list[str]]:
        return ANALYZERS[self.analyzer]

    def unseen_idf(self) -> float:
        """The idf scikit-learn's smoothing gives a term no document contains."""
        return math.log(1 + self.n_docs) + 1.0

    def lookup(self, terms: list[str]) -> np.ndarray:
        """Return the column of each term, or -1 for a term the index has never seen."""
        return lookup(self.vocab, terms)

    def coverage(self, terms: list[str]) -> float:
        """Return the share of the terms' idf mass (sublinear tf) that the space knows; unknown terms count at
        the unseen idf. 1.0 when every term is known, near 0 for a question in another vocabulary."""
        counts = Counter(terms)
        if not counts:
            return 0.0
        cols = self.lookup(list(counts))
        tf = np.array([1.0 + math.log(c) for c in counts.values()])
        idf = np.full(len(counts), self.unseen_idf())
        known = cols >= 0
        idf[known] = self.idf[cols[known]]
        raw = tf * idf
        return float(raw[known].sum() / raw.sum())

    def vector(self, text: str, ws: list[str] | None = None) -> QueryVector:
        """Return text as scikit-learn's `transform` would weight it: sublinear tf times idf, l2-normalised.
        `ws`, when given, is words(text), already split."""
        counts = Counter(self.analyze(text) if ws is None else FROM_WORDS[self.analyzer](ws))
        terms = list(counts)
        if not terms:
            return QueryVector(np.empty(0, np.int64), np.empty(0, np.float32), 0.0, [])
        cols = self.lookup(terms)
        tf = np.array([1.0 + math.log(counts[t]) for t in terms])
        known = cols >= 0
        idf = np.full(len(terms), self.unseen_idf())
        idf[known] = self.idf[cols[known]]
        raw = tf * idf
        coverage = float(raw[known].sum() / raw.sum())
        w = raw[known]
        norm = math.sqrt(float((w * w).sum()))
        if norm == 0:
            return QueryVector(np.empty(0, np.int64), np.empty(0, np.float32), coverage, terms)
        return QueryVector(cols[known], (w / norm).astype(np.float32), coverage, terms)


@dataclass
class Field:
    """Postings (term -> rows with weights) of one kind of row in a space; rows map to entries via row_entry."""

    name: str
    space: str
    indptr: np.ndarray      # int64, n_terms + 1
    indices: np.ndarray     # int32 row ids, grouped by term
    data: np.ndarray        # float32 tf-idf weights (rows l2-normalised)
    row_entry: np.ndarray   # int32 entry of each row, non-decreasing
    n_rows: int
    maxw: np.ndarray        # float32, the largest weight in each term's postings (0 for none)

    def row_scores(self, qv: QueryVector, cover: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Return (rows, score) for the rows sharing a term with the query; only those terms' postings are read.

        With cover, a row's score is the share of the query's weight whose terms it contains, in [0, 1].
        """
        total = float(qv.weights.sum()) or 1.0
        spans = [(int(self.indptr[c]), int(self.indptr[c + 1]), w)
                 for c, w in zip(qv.cols.tolist(), qv.weights.tolist())]
        spans = [s for s in spans if s[0] < s[1]]
        if not spans:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        if len(spans) == 1:
            a, b, w = spans[0]
            vals = np.full(b - a, w / total, np.float32) if cover else self.data[a:b] * np.float32(w)
            return np.asarray(self.indices[a:b], np.int64), vals
        acc = np.zeros(self.n_rows, np.float32)
        for a, b, w in spans:
            idx = self.indices[a:b]
            acc[idx] += np.float32(w / total) if cover else self.data[a:b] * np.float32(w)
        rows = np.flatnonzero(acc)
        return rows, acc[rows]

    def entry_scores(self, qv: QueryVector, cover: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Return (entries, score of each entry's best row), entries ascending."""
        rows, vals = self.row_scores(qv, cover)
        return best_per_entry(np.asarray(self.row_entry[rows]), vals)


def best_per_entry(ents: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (entries, best value of each) for values of rows whose entries `ents` never decrease: an entry with
    several rows (alternate questions) scores as its best phrasing."""
    if len(ents) > 1 and np.any(ents[1:] == ents[:-1]):
        starts = np.flatnonzero(np.r_[True, ents[1:] != ents[:-1]])
        return ents[starts], np.maximum.reduceat(vals, starts)
    return ents, vals


def make_vectorizer(analyzer: str):
    """Return the scikit-learn vectorizer whose `transform` a query vector equals (tests/test_index.py)."""
    # scikit-learn is imported here only: answering from a cached index must not pay its ~0.7 s import.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=ANALYZERS[analyzer], sublinear_tf=True, norm="l2", smooth_idf=True,
                           dtype=np.float32)


def count_features(lists: list[list[str]], vocab: np.ndarray | None = None):
    """Return (vocab, counts): the sorted UTF-8 vocabulary of feature lists (or the one given) and the rows x terms
    count matrix (scipy CSR), as scikit-learn's CountVectorizer would count them."""
    import itertools

    n = len(lists)
    lengths = np.fromiter(map(len, lists), np.int64, n)
    flat = list(itertools.chain.from_iterable(lists))
    return count_tokens(flat, np.repeat(np.arange(n, dtype=np.int64), lengths), n, vocab)


def count_tokens(flat: list[str], rows: np.ndarray, n: int, vocab: np.ndarray | None = None):
    """Return (vocab, counts): the sorted UTF-8 vocabulary of tokens given flat with the row of each (or the vocab
    given) and the rows x terms count matrix (scipy CSR)."""
    from scipy.sparse import csr_matrix

    if vocab is None:
        number = _numbering(flat)
        return _count_numbered(number, np.fromiter(map(number.__getitem__, flat), np.int64, len(flat)), rows, n)
    if len(vocab) == 0:
        return vocab, None
    cols = lookup(vocab, flat)
    found = cols >= 0
    matrix = csr_matrix((np.ones(int(found.sum()), np.float32), (rows[found], cols[found])), shape=(n, len(vocab)))
    matrix.sum_duplicates()
    return vocab, matrix


def _numbering(flat: list[str]) -> dict[str, int]:
    """Return a number for each distinct token, in order of first appearance (one dict, built in C)."""
    return {t: i for i, t in enumerate(dict.fromkeys(flat))}


def _count_numbered(number: dict[str, int], ids: np.ndarray, rows: np.ndarray, n: int):
    """Return (vocab, counts) for tokens given as their numbers (ids) with the row of each: only the distinct
    tokens are sorted, so ten million tokens take about a second where hashing and sorting every token took twice
    as long, and a dict-per-document loop minutes (docs/benchmarks.md, scale)."""
    from scipy.sparse import csr_matrix

    if not len(ids):
        return np.array([], dtype="S1"), None
    used = np.bincount(ids, minlength=len(number)) > 0   # a token numbered but never counted has no column
    terms = np.array([t.encode("utf-8") for t in number])
    keep = np.flatnonzero(used)
    order = keep[np.argsort(terms[keep], kind="stable")]
    place = np.full(len(terms), -1, np.int64)
    place[order] = np.arange(len(order))
    # COO -> CSR sums repeated (row, term) pairs in linear time, without sorting every token again.
    matrix = csr_matrix((np.ones(len(ids), np.float32), (rows, place[ids])), shape=(n, len(order)))
    matrix.sum_duplicates()
    return terms[order], matrix


def lookup(vocab: np.ndarray, terms: list[str]) -> np.ndarray:
    """Return the column of each term in a sorted UTF-8 vocabulary, or -1 for a term it does not hold."""
    if not terms or len(vocab) == 0:
        return np.full(len(terms), -1, dtype=np.int64)
    keys = np.array([t.encode("utf-8") for t in terms])
    if keys.itemsize > vocab.itemsize:   # longer than any known term: cannot match, keep the comparison exact
        keys = keys.astype(f"S{keys.itemsize}")
    pos = np.minimum(np.searchsorted(vocab, keys), len(vocab) - 1)
    return np.where(vocab[pos] == keys, pos, -1)


def count_words(texts: list[str], term_of) -> tuple[np.ndarray, object]:
    """Return (vocab, counts) for texts under an analyzer whose terms come from each word alone (term_of(word) ->
    terms): the words are found in one pass over all the texts (analyze.words_many), counted, and mapped to terms
    once per distinct word, so no Python code runs per word of text."""
    from scipy.sparse import csr_matrix

    # Texts are read COUNT_CHUNK at a time, so only that many texts' words are alive as Python strings at once (a
    # word costs ~60 bytes as a str, 4 as its number): the peak stays bounded however large the collection.
    number: dict[str, int] = {}
    id_parts, row_parts = [], []
    for start in range(0, len(texts), COUNT_CHUNK):
        flat = words_many(texts[start:start + COUNT_CHUNK])
        for t in dict.fromkeys(flat).keys() - number.keys():   # numbering order does not matter: vocab is sorted
            number[t] = len(number)
        ids = np.fromiter(map(number.__getitem__, flat), np.int32, len(flat))
        del flat
        is_sep = ids == number.get(SEPARATOR, -1)
        row_parts.append((start + np.cumsum(is_sep, dtype=np.int64))[~is_sep])
        id_parts.append(ids[~is_sep])
    ids = np.concatenate(id_parts) if id_parts else np.empty(0, np.int32)
    rows = np.concatenate(row_parts) if row_parts else np.empty(0, np.int64)
    del id_parts, row_parts
    if not len(ids):
        return np.array([], dtype="S1"), None
    per_row = csr_matrix((np.ones(len(ids), np.float32), (rows, ids)), shape=(len(texts), len(number)))
    words = list(number)
    prime_stems(words)
    return _by_terms(per_row, words, term_of)


def count_by_word(word_lists: list[list[str]], term_of: Callable[[str], list[str]], vocab: np.ndarray | None = None):
    """Return (vocab, counts) for rows given as word lists under an analyzer whose terms come from each word alone
    (term_of(word) -> terms, repeats counted), each distinct word analyzed once, not every time it occurs. Equal to
    count_features over the analyzed rows."""
    import itertools

    from scipy.sparse import csr_matrix

    n = len(word_lists)
    lengths = np.fromiter(map(len, word_lists), np.int64, n)
    flat = list(itertools.chain.from_iterable(word_lists))
    if vocab is not None and len(vocab) == 0:
        return vocab, None
    if not flat:
        return (vocab, csr_matrix((n, len(vocab)), dtype=np.float32)) if vocab is not None \
            else (np.array([], dtype="S1"), None)
    number = _numbering(flat)
    ids = np.fromiter(map(number.__getitem__, flat), np.int64, len(flat))
    per_row = csr_matrix((np.ones(len(ids), np.float32), (np.repeat(np.arange(n, dtype=np.int64), lengths), ids)),
                         shape=(n, len(number)))
    return _by_terms(per_row, list(number), term_of, vocab)


def _by_terms(per_row, words: list[str], term_of: Callable[[str], list[str]], vocab: np.ndarray | None = None):
    """Return (vocab, counts) from per_row, the rows x words counts of `words`, and term_of(word) -> its terms:
    per_row times the words x terms counts. Words counted in no row add no term. With vocab, only its terms count,
    in its columns."""
    import itertools

    from scipy.sparse import csr_matrix

    used = np.asarray(per_row.sum(axis=0)).ravel() > 0   # (a separator between texts is numbered, never counted)
    terms = [term_of(w) if u else [] for w, u in zip(words, used.tolist())]
    owner = np.repeat(np.arange(len(terms), dtype=np.int64), np.fromiter(map(len, terms), np.int64, len(terms)))
    flat_terms = list(itertools.chain.from_iterable(terms))
    if vocab is None:
        names = sorted(set(flat_terms))
        if not names:
            return np.array([], dtype="S1"), None
        column = {t: i for i, t in enumerate(names)}
        cols = np.fromiter(map(column.__getitem__, flat_terms), np.int64, len(flat_terms))
        vocab = np.array([t.encode("utf-8") for t in names])
    else:
        cols = lookup(vocab, flat_terms)
        found = cols >= 0
        owner, cols = owner[found], cols[found]
    mapping = csr_matrix((np.ones(len(cols), np.float32), (owner, cols)), shape=(len(terms), len(vocab)))
    counts = (per_row @ mapping).tocsr()
    counts.eliminate_zeros()
    return vocab, counts


# Analyzers whose terms come from each word alone, as count_by_word needs (bigrams join two words: they do not).
PER_WORD = {"word": lambda w: word_terms([w]), "char": lambda w: char_grams([w])}


def build_space(name: str, analyzer: str, word_lists: list[list[str]] | None, texts: list[str] | None = None):
    """Return (Space, term counts of the rows) for rows given as word lists (analyze.words) or, for the word
    analyzer, as texts, or (empty Space, None) when they hold no terms. The idf is scikit-learn's
    TfidfTransformer's (smooth_idf), so a query weighs exactly as make_vectorizer's `transform` weighs it."""
    counts_rows = len(texts) if texts is not None else len(word_lists)
    if analyzer == "word" and texts is not None:
        vocab, counts = count_words(texts, word_term)
    elif analyzer in PER_WORD:
        vocab, counts = count_by_word(word_lists, PER_WORD[analyzer])
    else:
        vocab, counts = count_features([FROM_WORDS[analyzer](ws) for ws in word_lists])
    if counts is None:
        return Space(name, analyzer, vocab, np.empty(0, np.float32), counts_rows), None
    return Space(name, analyzer, vocab, smooth_idf(counts).astype(np.float32), counts_rows), counts


def smooth_idf(counts) -> np.ndarray:
    """Return the idf scikit-learn's TfidfTransformer(smooth_idf=True) fits on a rows x terms CSR count matrix,
    ln((1 + rows) / (1 + rows holding the term)) + 1, computed as it computes it (float64). Done here so that building
    an index need not import scikit-learn (0.4 s of 200,000 paragraphs' 10 s); tests/test_core.py holds it to
    scikit-learn's."""
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64) + 1
    return np.log(float(counts.shape[0] + 1) / df) + 1.0


def count_rows(space: Space, word_lists: list[list[str]]):
    """Return the term counts of rows (word lists) in an existing space's columns."""
    if space.analyzer in PER_WORD:
        return count_by_word(word_lists, PER_WORD[space.analyzer], space.vocab)[1]
    return count_features([FROM_WORDS[space.analyzer](ws) for ws in word_lists], space.vocab)[1]



def bm25_idf(idf: np.ndarray, n_docs: int) -> np.ndarray:
    """Return the BM25 idf, ln(1 + (N - df + 0.5) / (df + 0.5)), of terms given scikit-learn's smoothed idf."""
    df = (1 + n_docs) / np.exp(idf - 1) - 1
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


def build_field(name: str, space: Space, counts, row_entry: list[int], weighting: tuple) -> Field:
    """Return a Field from a (rows x terms) count matrix in space's columns, rows in entry order.

    weighting ("bm25", k1, b): a query scores a row by BM25, sum of idf x saturated, length-normalised tf (the
    query vector carries the idf). ("cosine", slope): sublinear tf-idf with a pivoted length norm, slope 1 being
    plain cosine similarity; below 1 a very short row no longer matches every question sharing one of its words.
    """
    n_terms = len(space.vocab)
    if counts is None or n_terms == 0 or counts.shape[0] == 0:
        return Field(name, space.name, np.zeros(n_terms + 1, np.int64), np.empty(0, np.int32),
                     np.empty(0, np.float32), np.asarray(row_entry, np.int32), len(row_entry),
                     np.zeros(n_terms, np.float32))
    m = counts.tocsr().astype(np.float32)
    lengths = np.asarray(m.sum(axis=1)).ravel()
    row_of = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    idf = np.asarray(space.idf, dtype=np.float64)
    sharp = bm25_idf(idf, space.n_docs)
    # The query carries scikit-learn's idf; rows carry sharp/idf on top, so a term weighs by the BM25 idf, which
    # tells a word in every entry ("engineer" in an article about engineers) from a rare one far more sharply.
    lift = (sharp / idf)[m.indices]
    if weighting[0] == "bm25":
        _, k1, b = weighting
        avg = float(lengths.mean()) or 1.0
        denom = m.data + k1 * (1 - b + b * lengths[row_of] / avg)
        m.data = (m.data * (k1 + 1) / denom * lift).astype(np.float32)
    else:
        _, slope = weighting
        w = (1 + np.log(m.data)) * sharp[m.indices]
        norms = np.sqrt(np.bincount(row_of, weights=w ** 2, minlength=m.shape[0]))
        nonzero = norms > 0
        mean = float(norms[nonzero].mean()) if nonzero.any() else 1.0
        pivot = np.where(nonzero, (1.0 - slope) * mean + slope * norms, 1.0)
        m.data = (w / pivot[row_of] * lift).astype(np.float32)
    csc = m.tocsc()
    csc.sort_indices()
    maxw = np.zeros(n_terms, np.float32)
    nonempty = np.flatnonzero(np.diff(csc.indptr))
    if len(nonempty):
        maxw[nonempty] = np.maximum.reduceat(csc.data, csc.indptr[nonempty])
    return Field(name, space.name, csc.indptr.astype(np.int64), csc.indices.astype(np.int32),
                 csc.data.astype(np.float32), np.asarray(row_entry, np.int32), csc.shape[0], maxw)


@dataclass
class Semantic:
    """Latent semantic analysis over one space: each term and each entry as a k-dimensional unit vector, so a
    question meets an entry that shares its topic without sharing its words. Only the LSA_MAX_TERMS terms found in
    the most entries have a vector (all of them in an ordinary FAQ): a collection of codes or hashes has millions of
    character n-grams."""

    space: str
    term_ids: np.ndarray    # int32, sorted: the space's columns that have a vector
    terms: np.ndarray       # float32, len(term_ids) x k: scikit-learn TruncatedSVD components, transposed
    entries: np.ndarray     # float32, n_entries x k, rows l2-normalised

    def entry_scores(self, qv: QueryVector) -> tuple[np.ndarray, np.ndarray]:
        """Return (entries, cosine in the latent space) for every entry, negatives clipped to 0."""
        none = np.empty(0, np.int64), np.empty(0, np.float32)
        if len(qv.cols) == 0 or len(self.term_ids) == 0:
            return none
        pos = np.minimum(np.searchsorted(self.term_ids, qv.cols), len(self.term_ids) - 1)
        hit = self.term_ids[pos] == qv.cols
        if not hit.any():
            return none
        q = qv.weights[hit] @ np.asarray(self.terms[pos[hit]])
        norm = float(np.linalg.norm(q))
        if norm == 0:
            return none
        sims = np.asarray(self.entries) @ (q / norm)
        keep = np.flatnonzero(sims > 0)
        return keep, sims[keep].astype(np.float32)


LSA_MAX_TERMS = 100_000


def build_semantic(space: Space, counts, k: int = 150) -> Semantic | None:
    """Return the LSA of an entries x terms count matrix (one row per entry), or None when too small for one."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfTransformer

    df = np.diff(counts.tocsc().indptr)
    ids = np.flatnonzero(df)
    if len(ids) > LSA_MAX_TERMS:
        ids = np.sort(ids[np.argsort(-df[ids], kind="stable")[:LSA_MAX_TERMS]])
    n, v = counts.shape[0], len(ids)
    k = min(k, n - 1, v - 1)
    if k < 8:
        return None
    x = TfidfTransformer(sublinear_tf=True, smooth_idf=True).fit(counts).transform(counts)[:, ids]
    svd = TruncatedSVD(k, random_state=0, algorithm="randomized", n_iter=5).fit(x)
    ents = svd.transform(x)
    ents /= np.linalg.norm(ents, axis=1, keepdims=True) + 1e-12
    return Semantic(space.name, ids.astype(np.int32), svd.components_.T.astype(np.float32).copy(),
                    ents.astype(np.float32))
