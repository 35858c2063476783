"""A sentence model run with numpy: all-MiniLM-L6-v2, a question's meaning as a whole, word order included.

The static word vectors (meaning.py) add up words one by one; this runs the six-layer transformer they were distilled
from, so "what does an ML engineer do" can meet "how ML engineers actually work". Its weights are in src/mlbot/minilm/
(made by scripts/make_sentence_model.py, int8 with a scale per output), its vocabulary is the word-vector table's, and
it needs nothing but numpy: tokenise as BERT does (lowercase, accents off, punctuation apart, WordPiece), then
embeddings, six rounds of attention and feed-forward, mean pooling, unit length. A question costs about 10 ms on
two cores; an index embeds each entry once (truncated to 256 pieces, as the model was used) when it is built.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

from .analyze import in_user_words, spelled_out
from .meaning import table

WEIGHTS = Path(__file__).resolve().parent / "minilm"   # a new model or tokenisation needs a new store.FORMAT
VERSION = "all-MiniLM-L6-v2 int8 tanh-GELU 1"   # and a new VERSION: stored vectors of texts are keyed by it
PAD, UNK, CLS, SEP = 0, 100, 101, 102
MAX_WORD = 100     # BERT reads a longer word as [UNK]
CHARS_PER_PIECE = 40   # far more than any real text needs: English runs about 4 characters a piece
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
        def w(name: str) -> np.ndarray:   # (in x out), a scale per output: one pass of about 0.5 ms a layer
            return np.multiply(arrays[name], f[name + ".scale"], dtype=np.float32)

        for i in range(self.layers):
            self.blocks.append((w(f"{i}.qkv"), f[f"{i}.qkv.bias"], w(f"{i}.out"), f[f"{i}.out.bias"],
                                (f[f"{i}.norm1.weight"], f[f"{i}.norm1.bias"]), w(f"{i}.up"), f[f"{i}.up.bias"],
                                w(f"{i}.down"), f[f"{i}.down.bias"], (f[f"{i}.norm2.weight"], f[f"{i}.norm2.bias"])))

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
    x = x - x.mean(axis=-1, keepdims=True)
    x /= np.sqrt((x * x).mean(axis=-1, keepdims=True) + np.float32(eps))
    x *= weight
    x += bias
    return x


_GELU = np.float32(math.sqrt(2 / math.pi))


def _gelu(x: np.ndarray) -> np.ndarray:
    """x * Φ(x) by its tanh form (within 5e-4 of the exact one; ten times faster in numpy, which has no erf)."""
    y = x * x
    y *= np.float32(0.044715)
    y += np.float32(1)
    y *= x
    y *= _GELU
    np.tanh(y, out=y)
    y += np.float32(1)
    y *= x
    y *= np.float32(0.5)
    return y


@lru_cache(maxsize=1)
def model() -> Model | None:
    """Return the shipped model, or None when this installation has lost it (mlbot then answers without it)."""
    try:
        return Model(WEIGHTS)
    except (OSError, ValueError, KeyError):
        return None


def token_ids(text: str, limit: int = 256) -> list[int]:
    """Return [CLS] text's WordPiece ids [SEP], at most limit in all."""
    t = table()
    out = [CLS]
    for w in words(text[:limit * CHARS_PER_PIECE]):   # a 5 MB paragraph is read only as far as the model reads it
        ids = t.split(w) if len(w) <= MAX_WORD else []
        if ids:
            out.extend(int(t.ids[i]) for i in ids)
        else:
            out.append(UNK)
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


# Unit vectors of texts read in this process, by key(): an index's texts (its rebuilds to derive a threshold read
# them again) and the questions it asks itself to measure its score scale.
_known: dict[bytes, np.ndarray] = {}
KNOWN_MAX = 20_000   # 30 MB


def key(text: str) -> bytes:
    """Return the key of text's vector: its hash, with VERSION."""
    return hashlib.sha256(f"{VERSION}\0{text}".encode("utf-8", "surrogatepass")).digest()[:20]


def vectors(texts: list[str], progress=None, db_path: Path | None = None) -> np.ndarray | None:
    """Return the unit vectors of texts (n x hidden); None without the model. Texts read before, in this process or
    kept in db_path (an SQLite file, made if absent), are not read again: an edited document costs only its own."""
    m = model()
    if m is None or table() is None:
        return None
    keys = [key(t) for t in texts]
    found = {k: _known[k] for k in keys if k in _known}
    db = _open_db(db_path)
    try:
        if db is not None:
            found.update(_db_get(db, [k for k in dict.fromkeys(keys) if k not in found], m.hidden, db_path))
        todo = {k: t for k, t in zip(keys, texts) if k not in found}
        if todo:
            fresh = embed_texts(list(todo.values()), progress)
            if fresh is None:
                return None
            new = dict(zip(todo, fresh))
            found.update(new)
            if db is not None:
                _db_put(db, new, set(keys), db_path)
    finally:
        if db is not None:
            db.close()
    if len(_known) + len(found) > KNOWN_MAX:
        _known.clear()
    _known.update(found)
    return np.stack([found[k] for k in keys]) if keys else np.zeros((0, m.hidden), np.float32)


def _open_db(path: Path | None):
    """Return a connection to the vector file at path (made if absent), or None: no path, or it cannot be used (then
    it is removed, and the texts are read again)."""
    import sqlite3

    if path is None:
        return None
    for _ in range(2):   # a file that is not such a database is removed and made anew, once
        db = None
        try:
            db = sqlite3.connect(str(path), timeout=10)
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
            return db
        except (sqlite3.Error, OSError):
            if db is not None:
                db.close()
            _drop_db(path)
    return None


def _drop_db(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _db_get(db, keys: list[bytes], dims: int, path: Path) -> dict[bytes, np.ndarray]:
    """Return the stored vectors of keys: data only, each checked for its size, finite values and unit length."""
    import sqlite3

    out = {}
    try:
        for a in range(0, len(keys), 500):
            chunk = keys[a:a + 500]
            rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            for k, blob in rows:
                if isinstance(blob, bytes) and len(blob) == dims * 4:
                    v = np.frombuffer(blob, "<f4")
                    if np.isfinite(v).all() and abs(float(v @ v) - 1) < 1e-3:
                        out[bytes(k)] = v
    except sqlite3.Error:   # not a database (damaged, or planted): forget it, read the texts again
        _drop_db(path)
        return {}
    return out


def _db_put(db, new: dict[bytes, np.ndarray], keep: set[bytes], path: Path) -> None:
    """Store new vectors; past twice the texts in use (and 1,000), forget those no longer in use."""
    import sqlite3

    try:
        with db:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                           [(k, np.asarray(v, "<f4").tobytes()) for k, v in new.items()])
            if db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] > 2 * len(keep) + 1000:
                stale = [k for (k,) in db.execute("SELECT key FROM vectors") if bytes(k) not in keep]
                db.executemany("DELETE FROM vectors WHERE key = ?", [(k,) for k in stale])
    except sqlite3.Error:
        _drop_db(path)


def prime(texts: list[str]) -> None:
    """Read texts now, in batches, for embed_question to find (an index's own questions, asked of it to measure its
    score scale): several times faster than one by one, and free for those the index has read."""
    vectors(list(dict.fromkeys(texts))[:KNOWN_MAX])


def embed_question(text: str) -> np.ndarray | None:
    """Return a question's unit vector, read with the user's synonyms as the words they stand for and abbreviations
    the model does not know spelled out ("wfh possible?" as "work from home possible?"); None without the model."""
    return _embed_question(spelled_out(in_user_words(text)))


def forget_questions() -> None:
    """Forget the vectors of texts read so far in this process (as a new process would start)."""
    _embed_question.cache_clear()
    _known.clear()


@lru_cache(maxsize=256)
def _embed_question(text: str) -> np.ndarray | None:
    v = _known.get(key(text))
    if v is not None:
        return v
    m = model()
    if m is None or table() is None:
        return None
    return m.embed([token_ids(text, m.max_tokens)])[0]
