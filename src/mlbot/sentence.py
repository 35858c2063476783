"""A sentence model run with numpy: all-MiniLM-L6-v2, a question's meaning as a whole, word order included.

The static word vectors (meaning.py) add up words one by one; this runs the six-layer transformer they were distilled
from, so "what does an ML engineer do" can meet "how ML engineers actually work". Its weights are in src/mlbot/minilm/
(made by scripts/make_sentence_model.py, int8 with a scale per row), its vocabulary is the word-vector table's, and
it needs nothing but numpy: tokenise as BERT does (lowercase, accents off, punctuation apart, WordPiece), then
embeddings, six rounds of attention and feed-forward, mean pooling, unit length. A question of 15 pieces costs a few
milliseconds; an index embeds each entry once (truncated to 256 pieces, as the model was used) when it is built.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .index import best_per_entry

WEIGHTS = Path(__file__).resolve().parent / "minilm"   # a new model or tokenisation needs a new store.FORMAT
ARRAYS = ("entries", "rows", "row_entry")
PAD, UNK, CLS, SEP = 0, 100, 101, 102
MAX_WORD = 100     # BERT reads a longer word as [UNK]
BATCH = 32
# Punctuation apart (BERT splits every punctuation character off), CJK ideographs one by one, other words whole.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECE = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+|[^\w\s]|_")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def words(text: str) -> list[str]:
    """Return text's words and punctuation as BERT's basic tokeniser splits them: lowercased, accents removed."""
    low = _CONTROL.sub("", text).lower()
    if not low.isascii():
        low = "".join(c for c in unicodedata.normalize("NFD", low) if unicodedata.category(c) != "Mn")
    return _PIECE.findall(low)


class Model:
    """all-MiniLM-L6-v2's weights, dequantised to float32 once per process."""

    def __init__(self, folder: Path = WEIGHTS):
        meta = json.loads((folder / "layout.json").read_text())
        ints = np.load(folder / "int8.npy", mmap_mode="r", allow_pickle=False)
        floats = np.load(folder / "float32.npy", mmap_mode="r", allow_pickle=False)
        arrays = {}
        for a in meta["arrays"]:
            src = ints if a["kind"] == "int8" else floats
            size = math.prod(a["shape"])
            if a["offset"] + size > len(src):
                raise ValueError("the sentence model's weights are cut short")
            arrays[a["name"]] = src[a["offset"]:a["offset"] + size].reshape(a["shape"])
        self.layers, self.heads, self.hidden = int(meta["layers"]), int(meta["heads"]), int(meta["hidden"])
        self.eps, self.max_tokens = float(meta["eps"]), int(meta["max_tokens"])
        self._word, self._word_scale = arrays["word"], arrays["word.scale"]
        f = {k: np.asarray(v, np.float32) for k, v in arrays.items() if v.dtype == np.float32 and k != "word.scale"}
        self.position, self.type, self.norm = f["position"], f["type"], (f["norm.weight"], f["norm.bias"])
        self.blocks = []
        for i in range(self.layers):
            def w(name: str) -> np.ndarray:   # (in x out), a scale per output: one pass of about 0.5 ms a layer
                return np.multiply(arrays[f"{i}.{name}"], f[f"{i}.{name}.scale"], dtype=np.float32)
            self.blocks.append((w("qkv"), f[f"{i}.qkv.bias"], w("out"), f[f"{i}.out.bias"],
                                (f[f"{i}.norm1.weight"], f[f"{i}.norm1.bias"]), w("up"), f[f"{i}.up.bias"],
                                w("down"), f[f"{i}.down.bias"], (f[f"{i}.norm2.weight"], f[f"{i}.norm2.bias"])))

    def embed(self, ids: list[list[int]]) -> np.ndarray:
        """Return the unit sentence vectors (n x hidden) of token-id sequences ([CLS] ... [SEP] each)."""
        n, longest = len(ids), max(map(len, ids))
        tok = np.full((n, longest), PAD, np.int64)
        mask = np.zeros((n, longest), np.float32)
        for r, seq in enumerate(ids):
            tok[r, :len(seq)] = seq
            mask[r, :len(seq)] = 1
        used, inverse = np.unique(tok, return_inverse=True)
        table = np.asarray(self._word[used], np.float32) * np.asarray(self._word_scale[used], np.float32)[:, None]
        x = table[inverse.reshape(tok.shape)] + self.position[:longest] + self.type
        x = _layer_norm(x, *self.norm, self.eps)
        heads, size = self.heads, self.hidden // self.heads
        bias = ((mask - 1) * 1e9)[:, None, None, :]
        for qkv_w, qkv_b, out_w, out_b, norm1, up_w, up_b, down_w, down_b, norm2 in self.blocks:
            qkv = x @ qkv_w + qkv_b
            q, k, v = (qkv[..., j * self.hidden:(j + 1) * self.hidden].reshape(n, longest, heads, size)
                       .transpose(0, 2, 1, 3) for j in range(3))
            att = q @ k.transpose(0, 1, 3, 2) * np.float32(1 / math.sqrt(size)) + bias
            att = np.exp(att - att.max(axis=-1, keepdims=True))
            att /= att.sum(axis=-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, longest, self.hidden)
            x = _layer_norm(x + ctx @ out_w + out_b, *norm1, self.eps)
            x = _layer_norm(x + _gelu(x @ up_w + up_b) @ down_w + down_b, *norm2, self.eps)
        pooled = (x * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return (pooled / (np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-12)).astype(np.float32)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + np.float32(eps)) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """x * Φ(x), with erf by Abramowitz & Stegun 7.1.26 (error under 1.5e-7): numpy has no erf."""
    z = np.abs(x) * np.float32(1 / math.sqrt(2))
    t = 1 / (1 + np.float32(0.3275911) * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = np.sign(x) * (1 - poly.astype(np.float32) * np.exp(-z * z))
    return np.float32(0.5) * x * (1 + erf)


@lru_cache(maxsize=1)
def model() -> Model | None:
    """Return the shipped model, or None when this installation has lost it (mlbot then answers without it)."""
    try:
        return Model(WEIGHTS)
    except (OSError, ValueError, KeyError):
        return None


def token_ids(text: str, limit: int = 256) -> list[int]:
    """Return [CLS] text's WordPiece ids [SEP], at most limit in all."""
    from .meaning import table
    t = table()
    out = [CLS]
    for w in words(text):
        ids = t.split(w) if len(w) <= MAX_WORD else []
        out.extend(int(t.ids[i]) for i in ids) if ids else out.append(UNK)
        if len(out) >= limit - 1:
            break
    return out[:limit - 1] + [SEP]


def count_pieces(texts: list[str], stop: int) -> int:
    """Return how many word pieces the model reads of texts (each up to its 256), or a number past stop once the
    count passes it. Counted by characters, 1 piece per 4, which errs high on English text."""
    total = 0
    for t in texts:
        total += min(len(t) // 4 + 3, 256)
        if total > stop:
            break
    return total


def embed_texts(texts: list[str], progress=None) -> np.ndarray | None:
    """Return the unit vectors of texts (n x hidden), shortest first in batches; None without the model."""
    m = model()
    from .meaning import table
    if m is None or table() is None:
        return None
    table().index_all()
    ids = [token_ids(t, m.max_tokens) for t in texts]
    out = np.zeros((len(texts), m.hidden), np.float32)
    order = np.argsort([len(x) for x in ids], kind="stable")
    for a in range(0, len(order), BATCH):
        rows = order[a:a + BATCH]
        out[rows] = m.embed([ids[r] for r in rows])
        if progress:
            progress(a + len(rows), len(order))
    return out


@lru_cache(maxsize=256)
def embed_question(text: str) -> np.ndarray | None:
    """Return a question's unit vector; None without the model."""
    m = model()
    from .meaning import table
    if m is None or table() is None:
        return None
    return m.embed([token_ids(text, m.max_tokens)])[0]


@dataclass
class Sense:
    """A knowledge base's entries and question phrasings as the sentence model reads them."""

    entries: np.ndarray     # float32 n_entries x hidden, unit rows
    rows: np.ndarray        # float32 n_rows x hidden: each question phrasing
    row_entry: np.ndarray   # int32 entry of each row, non-decreasing

    def scores(self, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Return (cosine with each whole entry, cosine with each entry's best phrasing), negatives as 0; None
        without the model."""
        q = embed_question(text)
        if q is None:
            return None
        whole = np.maximum(np.asarray(self.entries) @ q, 0)
        best = np.zeros(len(whole), np.float32)
        if len(self.rows):
            ents, sims = best_per_entry(np.asarray(self.row_entry), np.asarray(self.rows) @ q)
            best[ents] = np.maximum(sims, 0)
        return whole, best


def build_sense(docs: list[str], phrasings: list[str], row_entry: list[int], progress=None) -> Sense | None:
    """Return the Sense of entries whose whole texts are docs, with their question phrasings; None without the
    model."""
    vecs = embed_texts(list(docs) + list(phrasings), progress)
    if vecs is None:
        return None
    return Sense(vecs[:len(docs)], vecs[len(docs):], np.asarray(row_entry, np.int32))
