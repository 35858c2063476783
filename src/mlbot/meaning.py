"""Static word vectors: a question meets an entry that says the same thing in other words.

Each word piece of all-MiniLM-L6-v2's vocabulary has a fixed 256-dimensional vector (src/mlbot/vectors/, made by
scripts/make_word_vectors.py), so "obstacles" lies near "challenges" and "salary" near "pay" with no model to run:
a word is the mean of its pieces, weighted by how rare it is in English (SIF below), and a text is the sum of its
words, normalised. An entry is scored by the cosine of its whole text and of its best question phrasing with the
question's vector. Unlike the index's other fields this reaches words the documents never use, which is what a
paraphrase needs; it needs no statistics of the collection, so a question's vector is the same in any index.

The table is read from a memory map, and a question looks its pieces up by binary search, so asking touches only
the rows it needs.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .index import best_per_entry, lookup

VECTORS = Path(__file__).resolve().parent / "vectors"   # a new table or weighting needs a new store.FORMAT
ARRAYS = ("entries", "rows", "row_entry")
SENSE_ARRAYS = ARRAYS + ("pieces", "piece_entry")   # the sentence model's also: the sentences of each text
_WORD = re.compile(r"[^\W_]+")
MAX_WORD = 40
WORD_BLOCK = 50_000
MAX_WORDS = 200_000   # distinct words of a collection that get a vector: the most frequent
# A word's vector is scaled by a / (a + p(word)), p its share of general English (Arora, Liang & Ma 2017's smooth
# inverse frequency), so "do" and "get" weigh little even where a small collection never uses them, and a
# collection's own idf could not say how common they are. (Weighting by the collection's idf as well did no
# better on the tuning halves: docs/benchmarks.md.) p comes from the piece's place in the model's vocabulary,
# which lists words roughly from most to least frequent after the single characters (id FIRST_WORD_ID + 1 is
# "the"), read as Zipf's law: p = 1 / (rank * ln RARE). A word spelled with several pieces counts as rare.
SIF = 1e-4
FIRST_WORD_ID = 1995
RARE = 30_000
HARMONIC = math.log(RARE)


def tokens(text: str) -> list[str]:
    """Return the words of text as the vectors' vocabulary spells them: lowercased, accents removed. (Not
    analyze.words: the vectors want the words as written, without its phrases, abbreviations and synonyms, and
    "don't" as "don" and "t", as the model split it when the table was made.)"""
    low = text.lower()
    if not low.isascii():
        low = "".join(c for c in unicodedata.normalize("NFD", low) if unicodedata.category(c) != "Mn")
    return [w for w in _WORD.findall(low) if len(w) <= MAX_WORD]


class Table:
    """The word-piece vectors: sorted pieces (UTF-8), int8 vectors and a scale per piece."""

    def __init__(self, folder: Path = VECTORS):
        self.pieces = np.load(folder / "pieces.npy", mmap_mode="r", allow_pickle=False)
        self.vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        self.scales = np.load(folder / "scales.npy", mmap_mode="r", allow_pickle=False)
        self.ids = np.load(folder / "ids.npy", mmap_mode="r", allow_pickle=False)
        if not (len(self.pieces) == len(self.vectors) == len(self.scales) == len(self.ids)) or self.vectors.ndim != 2:
            raise ValueError("the word vectors do not fit together")
        self.dims = int(self.vectors.shape[1])
        self._ids: dict[str, int] | None = None

    def index_all(self) -> None:
        """Look pieces up in a dict from now on: 6 ms to make, worth it for a whole collection's words."""
        if self._ids is None:
            self._ids = {p.decode("utf-8"): i for i, p in enumerate(self.pieces.tolist())}

    def _first(self, candidates: list[str]) -> tuple[int, int]:
        """Return (piece id, place in candidates) of the first candidate that is a piece, or (-1, -1)."""
        if self._ids is not None:
            return next(((self._ids[c], j) for j, c in enumerate(candidates) if c in self._ids), (-1, -1))
        hits = lookup(self.pieces, candidates)
        found = np.flatnonzero(hits >= 0)
        return (int(hits[found[0]]), int(found[0])) if len(found) else (-1, -1)

    def split(self, word: str) -> list[int]:
        """Return word's pieces, longest first match (WordPiece); none when a part has no piece."""
        out: list[int] = []
        start = 0
        while start < len(word):
            prefix = "##" if start else ""
            candidates = [prefix + word[start:end] for end in range(len(word), start, -1)]
            i, j = self._first(candidates)
            if i < 0:
                return []
            out.append(i)
            start = len(word) - j
        return out

    def weight(self, ids: list[int]) -> float:
        """Return the weight of a word spelled with these pieces: a / (a + p(word)) (SIF above)."""
        rank = max(int(self.ids[ids[0]]) - FIRST_WORD_ID, 1) if len(ids) == 1 else RARE
        return SIF / (SIF + 1.0 / (rank * HARMONIC))

    def vector(self, word: str) -> np.ndarray | None:
        """Return the mean of word's piece vectors times its weight, or None for a word the pieces cannot spell."""
        ids = self.split(word)
        if not ids:
            return None
        rows = np.asarray(self.vectors[ids], np.float32) * np.asarray(self.scales[ids], np.float32)[:, None]
        return rows.mean(axis=0) * np.float32(self.weight(ids))

    def vectors_of(self, words: list[str]) -> np.ndarray:
        """Return vector(w) for every word as the rows of one matrix (zeros for a word with no vector), with one
        sparse product instead of numpy calls word by word."""
        from scipy.sparse import csr_matrix

        split = [self.split(w) for w in words]
        lengths = np.array([len(ids) for ids in split])
        cols = np.fromiter((i for ids in split for i in ids), np.int64, int(lengths.sum()))
        used, cols = np.unique(cols, return_inverse=True)
        per_word = np.array([self.weight(ids) / len(ids) if ids else 0.0 for ids in split], np.float32)
        m = csr_matrix((np.repeat(per_word, lengths), (np.repeat(np.arange(len(words)), lengths), cols)),
                       shape=(len(words), len(used)))
        table = np.asarray(self.vectors[used], np.float32) * np.asarray(self.scales[used], np.float32)[:, None]
        return np.asarray(m @ table, np.float32).reshape(len(words), self.dims)


@lru_cache(maxsize=1)
def table() -> Table | None:
    """Return the shipped table, or None when this installation has lost it (mlbot then answers without it)."""
    try:
        return Table(VECTORS)
    except (OSError, ValueError):
        return None


@dataclass
class Meaning:
    """A knowledge base's texts as unit vectors: in the word-vector space, or as the sentence model reads them."""

    entries: np.ndarray     # float32 n_entries x dims: each whole entry, l2-normalised
    rows: np.ndarray        # float32 n_rows x dims: each question phrasing, l2-normalised
    row_entry: np.ndarray   # int32 entry of each row, non-decreasing
    model: str = "words"    # "words": the word vectors (embed); "sentence": the sentence model (sentence.py)
    pieces: np.ndarray | None = None       # the sentence model's only: each sentence of an entry's text, l2-normalised
    piece_entry: np.ndarray | None = None  # int32 entry of each sentence, non-decreasing

    def scores(self, text: str) -> tuple[np.ndarray, ...] | None:
        """Return (cosine with each whole entry, cosine with each entry's best phrasing), negatives as 0, and for
        the sentence model a third: with each entry's best piece, the whole entry, a phrasing or one sentence of its
        text (rows.sentences); None when no word of text has a vector, or the sentence model cannot be read."""
        if self.model == "sentence":
            from .sentence import embed_question  # only when asked: the module and its weights cost time to load
            q = embed_question(text)
        else:
            q = embed(text)
        if q is None:
            return None
        whole = np.maximum(np.asarray(self.entries) @ q, 0)
        best = np.zeros(len(whole), np.float32)
        if len(self.rows):
            ents, sims = best_per_entry(np.asarray(self.row_entry), np.asarray(self.rows) @ q)
            best[ents] = np.maximum(sims, 0)
        if self.model != "sentence":
            return whole, best
        piece = np.maximum(best, whole)
        if self.pieces is not None and len(self.pieces):
            ents, sims = best_per_entry(np.asarray(self.piece_entry), np.asarray(self.pieces) @ q)
            piece[ents] = np.maximum(piece[ents], sims)
        return whole, best, piece


def embed(text: str) -> np.ndarray | None:
    """Return text's unit vector, or None when none of its words has one."""
    q = None
    for w in tokens(text):
        v = _word_vector(w)
        if v is not None:
            q = v.copy() if q is None else q + v
    norm = float(np.linalg.norm(q)) if q is not None else 0.0
    return q / norm if norm > 0 else None


@lru_cache(maxsize=4096)
def _word_vector(word: str) -> np.ndarray | None:
    t = table()
    return t.vector(word) if t is not None else None


def build_meaning(docs: list[str], phrasings: list[str], row_entry: list[int]) -> Meaning | None:
    """Return the Meaning of entries whose whole texts are docs, with their question phrasings (row_entry: the
    entry of each); None when the table is missing."""
    from scipy.sparse import csr_matrix

    t = table()
    if t is None:
        return None
    t.index_all()
    doc_words = [tokens(d) for d in docs]
    row_words = [tokens(p) for p in phrasings]
    number: dict[str, int] = {}
    for ws in doc_words + row_words:
        for w in ws:
            number.setdefault(w, len(number))
    # The most frequent words only, in case of a collection of codes or hashes with a million distinct ones.
    freq = np.bincount([number[w] for ws in doc_words for w in ws], minlength=len(number))
    keys = list(number)
    words = [keys[i] for i in np.argsort(-freq, kind="stable")[:MAX_WORDS]]
    place = {w: i for i, w in enumerate(words)}

    def counts(lists: list[list[str]]):
        ids = [[place[w] for w in ws if w in place] for ws in lists]
        flat = [i for x in ids for i in x]
        rows = np.repeat(np.arange(len(lists)), [len(x) for x in ids])
        return csr_matrix((np.ones(len(flat), np.float32), (rows, flat)), shape=(len(lists), len(words))).tocsc()

    mats = [counts(doc_words), counts(row_words)]
    outs = [np.zeros((m.shape[0], t.dims), np.float32) for m in mats]
    for a in range(0, len(words), WORD_BLOCK):   # a block of words' vectors at a time bounds the memory
        block = t.vectors_of(words[a:a + WORD_BLOCK])
        for m, out in zip(mats, outs):
            out += m[:, a:a + len(block)] @ block
    for out in outs:
        out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-12
    return Meaning(outs[0], outs[1], np.asarray(row_entry, np.int32))
