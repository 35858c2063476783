"""Documents -> a cached index on disk, kept fresh by file stats and content hash, written atomically.

Layout under $XDG_CACHE_HOME/mlbot/<key>/ (key: a hash of the document paths given):
  current.json          which build is current, with the files it was built from (path, size, mtime, ctime, sha256)
  build-<hash>/         one build: meta.json, the fields' .npy arrays, entries.jsonl + entries.offsets.npy
  parsed/<sha256>.json  entries parsed from one file's content, so an edit re-parses only that file
Everything is JSON or .npy read with allow_pickle=False: a cache is data a stranger could have planted.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path

import numpy as np

from . import ingest
from .alternates import alternates_path, placed, read_alternates
from .analyze import ANALYZERS, use_synonyms, words
from .calibrate import derive_threshold, threshold_of
from .errors import CacheError, DocumentsError, UsageError
from .index import FIELD_ARRAYS, SEMANTIC_ARRAYS, SPACE_ARRAYS, Field, Semantic, Space
from .meaning import ARRAYS as MEANING_ARRAYS
from .meaning import SENSE_ARRAYS, Meaning
from .model import Entry
from .paths import xdg_home
from .rows import document_title, entry_rows, home_page, in_context, meaning_texts, paragraph_topics, sense_docs, sentences
from .spelling import ARRAYS as SPELLING_ARRAYS
from .spelling import Speller, build_speller
from .synonyms import read_user as read_user_synonyms

FORMAT = 54          # bump when the layout, analyzers, readers, word vectors or score scale change: old caches are rebuilt
SPACES = ("word", "bigram", "char")   # analyzers; a space's vocabulary and idf are fitted on whole entries
# Kinds of row: a row per question phrasing; all phrasings of an entry joined; the answer text; the whole entry
# (questions and text), which is also what each space is fitted on.
ROWS = ("question", "joined", "text", "doc")
WEIGHTING = {"question": ("cosine", 1.0), "joined": ("bm25", 1.2, 0.75), "text": ("bm25", 1.2, 0.75),
             "doc": ("bm25", 1.2, 0.75)}
# Character n-grams and word bigrams over answer text help with typos, word forms and phrases, but multiply the
# features of every text: past this many characters of text those two spaces cover questions only, which keeps a
# 200,000-paragraph index within bm25s's build time (docs/benchmarks.md, scale).
TEXT_BUDGET = 5_000_000
# The same past this many distinct words, whatever the size: 4.5 MB of random codes has 500,000 of them and
# 4 million distinct character n-grams, where English text of that size has well under 100,000.
TEXT_BUDGET_TERMS = 200_000
# Latent semantic analysis (a dense k-vector per entry and per term) pays off on FAQ-sized collections; past this
# many entries its build time and memory grow too large for what it adds (docs/benchmarks.md). The word vectors
# (meaning.py) are built for the same collections.
SEMANTIC_SPACES = ("char",)
SEMANTIC_MAX_ENTRIES = 20_000
# The sentence model (sentence.py) reads each entry (up to 256 word pieces) and each question phrasing once, at
# 2,000-3,500 pieces a second on two cores: past this many pieces in all (about 40 s) an index does without it.
SENSE_MAX_PIECES = 100_000
SENSE_MAX_ENTRIES = 5_000

Progress = Callable[[str, int, int], None]


def cache_root() -> Path:
    return xdg_home("XDG_CACHE_HOME") / "mlbot"


def bundled_docs() -> Path:
    """Return the path of the article mlbot ships with (inside the wheel, or data/ in a source checkout)."""
    here = Path(__file__).resolve().parent
    for p in (here / "_bundled" / "ml-engineer.txt", here.parent.parent / "data" / "ml-engineer.txt"):
        if p.is_file():
            return p
    raise DocumentsError("the bundled article is missing from this installation; reinstall mlbot or pass --docs")


@dataclass
class KnowledgeBase:
    """An index ready to answer: the fields, the entries (read on demand) and what it was built from."""

    spaces: dict[str, Space]
    fields: dict[str, Field]
    n_entries: int
    blob: bytes | np.ndarray
    offsets: np.ndarray
    meta: dict
    location: Path | None = None
    warnings: list[str] = field(default_factory=list)
    semantic: dict[str, Semantic] = field(default_factory=dict)
    meaning: Meaning | None = None   # the word-vector space, on collections small enough for LSA
    sense: Meaning | None = None     # the sentence model's vectors, on collections it can read in about a minute
    spelling: Speller | None = None  # the documents' words, for reading a question's misspelt ones (spelling.py)
    derived: dict = field(default_factory=dict)   # what rank works out once per index (its reading plan)
    from_cache: bool = False   # loaded from a build on disk (load_build), not built in this process
    _entries: dict[int, Entry] = field(default_factory=dict)

    def entry(self, i: int) -> Entry:
        e = self._entries.get(i)
        if e is None:
            e = self._entries[i] = self._decode(i)
        return e

    def _decode(self, i: int) -> Entry:
        try:
            return _entry_at(self.blob, self.offsets, i)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            # Damaged in place (its size kept, so load_build's checks passed): removed, so the next run builds
            # the index again rather than meeting the same damage.
            if self.location is None:
                raise
            shutil.rmtree(self.location, ignore_errors=True)
            damage = f"the index cache in {self.location} is damaged (entry {i + 1}: {e.__class__.__name__})"
            error = CacheError(f"{damage}; it has been removed: run the command again to rebuild it")
            error.damage = damage
            raise error from None

    def check(self) -> None:
        """Raise CacheError unless every entry can be read (`mlbot index` checks a cache it reuses)."""
        for i in range(self.n_entries):
            self._decode(i)

    def entries(self) -> Iterator[Entry]:
        return (self.entry(i) for i in range(self.n_entries))

    def skipped(self) -> list[str]:
        """Return the documents the build could not read (unreadable, binary, no text), as their warnings name them."""
        return [m[1] for m in map(SKIPPED.fullmatch, self.warnings) if m]

    def read_paths(self) -> list[str]:
        """Return the paths of the documents the entries come from: those watched but skipped (empty, unreadable,
        binary) left out."""
        skipped = set(self.skipped())
        return [f["path"] for f in self.meta.get("files") or [] if f["path"] not in skipped]

    @property
    def n_files(self) -> int:
        """How many documents the entries come from (files skipped as unreadable are not counted)."""
        n = self.meta.get("documents")
        return n if isinstance(n, int) else len(self.meta.get("files") or [])

    @property
    def title(self) -> str | None:
        """What the documents are called: the first heading of a single document (at most 80 characters); for
        several, the title of their home page (index.md or README.md at the top: a docs site's "Formwell
        documentation"), else "N documents in FOLDER", where the first heading of the first file would mislead."""
        files = self.meta.get("files") or []
        t = self.meta.get("home_title" if self.n_files > 1 else "title")
        if self.n_files > 1 and not (isinstance(t, str) and t):
            try:
                where = os.path.commonpath([f["abs"] for f in files])
            except (ValueError, KeyError, TypeError):
                where = ""
            return f"{self.n_files} documents in {where}" if where else f"{self.n_files} documents"
        return t[:79] + "…" if isinstance(t, str) and len(t) > 80 else t

    def faq(self) -> list[tuple[int, str]]:
        """Return (entry index, question) for every question the documents ask, in document order."""
        return [(int(i), q) for i, q in self.meta.get("faq", [])]

    def topics(self) -> dict[int, str]:
        """Return the heading that names each paragraph answering one (its question, for suggesting it), on
        collections of up to TOPICS_MAX_ENTRIES entries."""
        topics = self.derived.get("topics")
        if topics is None:
            topics = self.derived["topics"] = {int(i): t for i, t in self.meta.get("topics", [])}
        return topics


# ---------------------------------------------------------------------------------------------------- building

def index_format() -> str:
    """Return what an index must have been built by to be used as it is: this FORMAT, and the ranking's weights and
    confidence curves (rank.settings_id), with which its score scales were measured."""
    global _index_format
    if _index_format is None:
        from .rank import settings_id  # rank reads a KnowledgeBase: imported here to keep the layers one-way

        _index_format = f"{FORMAT}.{settings_id()}"
    return _index_format


_index_format: str | None = None   # kept at module level, not in a functools cache, so a test can patch it


def build(entries: list[Entry], files: list[dict], warnings: list[str],
          progress: Progress | None = None, lines: list[bytes] | None = None,
          sense_db: Path | None = None) -> KnowledgeBase:
    """Return an in-memory KnowledgeBase fitted on entries (`lines`: each entry's JSON, when already made;
    `sense_db`: an SQLite file of sentence vectors of texts read before, to reuse and add to)."""
    from .index import build_field, build_semantic, build_space, count_rows

    steps = len(SPACES) + 2

    def step(n: int) -> None:
        if progress:
            progress("building the index", n, steps)

    rows = entry_rows(entries)
    docs = rows["doc"][0]
    # Each kind of row is split into words once, when an analyzer first needs it; the word space reads whole
    # entries straight from their text (index.count_words), which is most of the work on a large collection.
    step(0)
    split: dict[str, list[list[str]]] = {}

    def split_of(kind: str) -> list[list[str]]:
        if kind not in split:
            texts = rows[kind][0]
            split[kind] = split_of("doc") if kind != "doc" and texts == docs else [words(t) for t in texts]
        return split[kind]

    whole_size = sum(map(len, docs)) <= TEXT_BUDGET
    spaces, fields, semantic = {}, {}, {}
    for n_space, name in enumerate(SPACES, 1):
        step(n_space)
        whole = name == "word" or whole_size
        fit_kind = "doc" if whole else "question"
        if fit_kind == "doc" and name == "word":
            space, counts = build_space(name, name, None, texts=docs)
        else:
            space, counts = build_space(name, name, split_of(fit_kind))
        spaces[name] = space
        if name == "word" and len(space.vocab) > TEXT_BUDGET_TERMS:
            whole_size = False   # codes, hashes or IDs: their character n-grams would run to millions
        for kind in ROWS:
            texts, row_entry = rows[kind]
            if kind in ("text", "doc") and not whole:
                continue
            if kind == "joined" and all(len(e.questions) + len(e.alternates) <= 1 for e in entries):
                continue   # the same as the question rows
            if kind == "text" and texts == docs:
                continue   # no entry has a question: the text rows are the doc rows
            if counts is None or not texts:
                matrix = None
            elif kind == fit_kind:
                matrix = counts
            else:
                matrix = count_rows(space, split_of(kind))
            fields[f"{kind}_{name}"] = build_field(f"{kind}_{name}", space, matrix, row_entry, WEIGHTING[kind])
        if name in SEMANTIC_SPACES and whole and counts is not None and len(entries) <= SEMANTIC_MAX_ENTRIES:
            sem = build_semantic(space, counts)
            if sem is not None:
                semantic[name] = sem
    meaning = None
    wants_vectors = whole_size and bool(entries) and len(entries) <= SEMANTIC_MAX_ENTRIES
    if wants_vectors:
        from .meaning import VECTORS, build_meaning
        meaning = build_meaning(meaning_texts(docs), *rows["question"])
        if meaning is None:
            warnings = [*warnings, f"the word vectors in {VECTORS} are missing or damaged: answering without them "
                                   f"(reinstall mlbot)"]
    speller = build_speller(split_of("doc")) if wants_vectors else None
    sense, sense_missing = None, False
    if wants_vectors and len(entries) <= SENSE_MAX_ENTRIES:
        sense, sense_missing = _build_sense(meaning_texts(sense_docs(entries, docs)),
                                            in_context(entries, rows["question"]), progress, sense_db, sentences(entries))
    if sense_missing:
        from .sentence import WEIGHTS as SENSE_WEIGHTS
        warnings = [*warnings, f"the sentence model in {SENSE_WEIGHTS} is missing or damaged: answering without it "
                               f"(reinstall mlbot)"]
    if lines is None:
        lines = [json.dumps(e.to_json(), ensure_ascii=False).encode("utf-8") for e in entries]
    offsets = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in lines], out=offsets[1:])
    meta = {
        "format": index_format(), "n_entries": len(entries), "files": files, "warnings": warnings,
        "documents": len({e.source.path for e in entries}),   # the files read: a skipped one is watched, not counted
        "title": document_title(entries),
        "home_title": _home_title(entries),
        "faq": [[i, q] for i, e in enumerate(entries) for q in e.questions[:1]],
        "topics": paragraph_topics(entries, rows["question"]) if len(entries) <= TOPICS_MAX_ENTRIES else [],
        "built": time.time(),
        "spaces": {n: {"analyzer": s.analyzer, "n_docs": s.n_docs} for n, s in spaces.items()},
        "fields": {n: {"space": f.space, "n_rows": f.n_rows} for n, f in fields.items()},
        "semantic": sorted(semantic),
        "meaning": meaning is not None,
        "vectors_missing": wants_vectors and meaning is None,
        "sense": sense is not None,
        "sense_missing": sense_missing,
        "spelling": speller is not None,
    }
    kb = KnowledgeBase(spaces, fields, len(entries), b"".join(lines), offsets, meta, warnings=list(warnings),
                       semantic=semantic, meaning=meaning, sense=sense, spelling=speller)
    from .rank import score_scale  # rank reads a KnowledgeBase; imported here to keep the layers one-way at load
    meta["scale"] = score_scale(kb)
    if sense is not None:
        meta["scale_sense"] = score_scale(kb, by_sense=True)
    step(steps)
    return kb


def _rows_fit(rows: np.ndarray, row_entry: np.ndarray, n: int, dims: int) -> bool:
    """True when rows of vectors (questions, sentences) fit their entries: one entry each, in order, all in range."""
    return rows.ndim == 2 and rows.shape[0] == len(row_entry) and rows.shape[1] == dims and (
        not len(row_entry) or (0 <= int(row_entry[0]) and int(row_entry[-1]) < n and bool(np.all(np.diff(row_entry) >= 0))))


def _build_sense(docs: list[str], questions: tuple[list[str], list[int]], progress: Progress | None,
                 db_path: Path | None = None, pieces: tuple[list[str], list[int]] = ([], [])):
    """Return (the entries as the sentence model reads them, or None; whether the model was wanted but could not be
    read): each whole entry, each question phrasing and each sentence of a text that has several (`pieces`,
    rows.sentences; left out when they would take the collection past SENSE_MAX_PIECES). Texts read before, in this
    process or in db_path, are not read again (sentence.vectors)."""
    from .sentence import count_pieces, vectors

    texts = docs + questions[0]
    size = count_pieces(texts, SENSE_MAX_PIECES)
    if size > SENSE_MAX_PIECES:
        return None, False
    if pieces[0] and size + count_pieces(pieces[0], SENSE_MAX_PIECES) > SENSE_MAX_PIECES:
        pieces = ([], [])
    texts = texts + pieces[0]

    def step(done: int, total: int) -> None:
        if progress:
            progress("reading the entries with the sentence model", done, total)

    vecs = vectors(texts, step, db_path)
    if vecs is None:
        return None, True
    rows = len(docs) + len(questions[0])
    return Meaning(vecs[:len(docs)], vecs[len(docs):rows], np.asarray(questions[1], np.int32), model="sentence",
                   pieces=vecs[rows:], piece_entry=np.asarray(pieces[1], np.int32)), False


SENSE_DB = "sentence-vectors.sqlite"   # beside the index: the sentence vectors of the texts read (sentence.vectors)


TOPICS_MAX_ENTRIES = 5_000   # past this, paragraphs are not named in the meta (it is read by every start)


def save(kb: KnowledgeBase, folder: Path) -> None:
    """Write kb's arrays and entries into folder (which must not exist yet), via a temp folder and a rename."""
    import tempfile  # here and in _write_bytes only: an answer from a fresh cache never writes one (random, too)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        for name, sp in kb.spaces.items():
            for a in SPACE_ARRAYS:
                np.save(tmp / f"space-{name}.{a}.npy", getattr(sp, a), allow_pickle=False)
        for name, f in kb.fields.items():
            for a in FIELD_ARRAYS:
                np.save(tmp / f"field-{name}.{a}.npy", getattr(f, a), allow_pickle=False)
        for name, sem in kb.semantic.items():
            for a in SEMANTIC_ARRAYS:
                np.save(tmp / f"semantic-{name}.{a}.npy", getattr(sem, a), allow_pickle=False)
        if kb.meaning is not None:
            for a in MEANING_ARRAYS:
                np.save(tmp / f"meaning.{a}.npy", getattr(kb.meaning, a), allow_pickle=False)
        if kb.sense is not None:
            for a in SENSE_ARRAYS:
                np.save(tmp / f"sense.{a}.npy", getattr(kb.sense, a), allow_pickle=False)
        if kb.spelling is not None:
            for a in SPELLING_ARRAYS:
                np.save(tmp / f"spelling.{a}.npy", getattr(kb.spelling, a), allow_pickle=False)
        (tmp / "entries.jsonl").write_bytes(bytes(kb.blob))
        np.save(tmp / "entries.offsets.npy", kb.offsets, allow_pickle=False)
        sizes = {p.name: p.stat().st_size for p in tmp.iterdir()}
        meta = dict(kb.meta, sizes=sizes)
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / "meta.json").exists():   # not a twin written by a concurrent process
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _indices_fit(indptr: np.ndarray | None, indices: np.ndarray, bound: int) -> bool:
    """True when every index is in [0, bound) and indptr (when given) starts at 0 and never falls: a cache whose
    sizes are right but whose indices point outside its arrays is rebuilt, not read (a few ms on 200,000 entries)."""
    if indptr is not None and (int(indptr[0]) != 0 or (len(indptr) > 1 and int(np.diff(indptr).min()) < 0)):
        return False
    return not len(indices) or (int(indices.min()) >= 0 and int(indices.max()) < bound)


def _entry_at(blob, offsets: np.ndarray, i: int) -> Entry:
    """Return entry i of a build's entries.jsonl (its bytes, and where each entry starts)."""
    return Entry.from_json(json.loads(bytes(blob[int(offsets[i]):int(offsets[i + 1])])))


def _home_title(entries: list[Entry]) -> str | None:
    """Return the title of the documents' home page (rows.home_page), if there is one and it has a title."""
    home = home_page(entries)
    return document_title([e for e in entries if e.source.path == home]) if home else None


def load_build(folder: Path) -> KnowledgeBase:
    """Return the KnowledgeBase saved in folder, memory-mapped. Raises ValueError when anything is off."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"unreadable meta.json ({e.__class__.__name__})") from None
    if not isinstance(meta, dict) or meta.get("format") != index_format():
        raise ValueError("built by another version of mlbot")
    for name, size in meta.get("sizes", {}).items():
        if (folder / name).stat().st_size != size:
            raise ValueError(f"{name} has the wrong size (truncated or overwritten)")
    n = int(meta["n_entries"])

    def arrays(prefix: str, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        # Memory-mapped, then viewed as plain arrays: slicing an np.memmap costs microseconds a slice.
        return {a: np.asarray(np.load(folder / f"{prefix}.{a}.npy", mmap_mode="r", allow_pickle=False))
                for a in names}

    spaces = {}
    for name, info in meta["spaces"].items():
        sp = Space(name=name, analyzer=info["analyzer"], n_docs=int(info["n_docs"]),
                   **arrays(f"space-{name}", SPACE_ARRAYS))
        if sp.analyzer not in ANALYZERS or len(sp.idf) != len(sp.vocab):
            raise ValueError(f"the {name} vocabulary does not fit together")
        spaces[name] = sp
    fields = {}
    for name, info in meta["fields"].items():
        f = Field(name=name, space=info["space"], n_rows=int(info["n_rows"]), **arrays(f"field-{name}", FIELD_ARRAYS))
        if f.space not in spaces or len(f.indptr) != len(spaces[f.space].vocab) + 1 or len(f.row_entry) != f.n_rows \
                or len(f.indices) != len(f.data) or int(f.indptr[-1]) != len(f.indices) \
                or not _indices_fit(f.indptr, f.indices, f.n_rows) or not _indices_fit(None, f.row_entry, n):
            raise ValueError(f"the {name} arrays do not fit together")
        fields[name] = f
    semantic = {}
    for name in meta.get("semantic", []):
        sem = Semantic(name, **arrays(f"semantic-{name}", SEMANTIC_ARRAYS))
        if name not in spaces or sem.terms.shape[0] != len(sem.term_ids) or sem.entries.shape[0] != n \
                or sem.terms.shape[1] != sem.entries.shape[1] \
                or (len(sem.term_ids) and not (0 <= int(sem.term_ids[0]) and int(sem.term_ids[-1]) < len(spaces[name].vocab)
                                               and np.all(np.diff(sem.term_ids) > 0))):
            raise ValueError(f"the {name} semantic arrays do not fit together")
        semantic[name] = sem
    meaning = Meaning(**arrays("meaning", MEANING_ARRAYS)) if meta.get("meaning") else None
    sense = Meaning(**arrays("sense", SENSE_ARRAYS), model="sentence") if meta.get("sense") else None
    for name, vecs in (("meaning", meaning), ("sense", sense)):
        if vecs is not None and (
                vecs.entries.ndim != 2 or vecs.entries.shape[0] != n
                or any(not _rows_fit(r, e, n, vecs.entries.shape[1]) for r, e in (
                    (vecs.rows, vecs.row_entry), (vecs.pieces, vecs.piece_entry)) if r is not None)):
            raise ValueError(f"the {name} arrays do not fit together")
    spelling = Speller(**arrays("spelling", SPELLING_ARRAYS)) if meta.get("spelling") else None
    if spelling is not None and (spelling.words.dtype.kind != "S" or spelling.counts.shape != spelling.words.shape):
        raise ValueError("the spelling arrays do not fit together")
    offsets = np.load(folder / "entries.offsets.npy", mmap_mode="r", allow_pickle=False)
    if len(offsets) != n + 1:
        raise ValueError("entries.offsets.npy does not fit the entries")
    blob = np.asarray(np.memmap(folder / "entries.jsonl", dtype=np.uint8, mode="r")) if n else b""
    if n and len(blob) != int(offsets[-1]):
        raise ValueError("entries.jsonl has the wrong size")
    for i in {0, n - 1} if n else ():   # a file overwritten whole shows at either end, and costs nothing to see
        try:
            _entry_at(blob, offsets, i)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ValueError(f"entries.jsonl cannot be read (entry {i + 1})") from None
    return KnowledgeBase(spaces, fields, n, blob, offsets, meta, folder, warnings=list(meta.get("warnings", [])),
                         semantic=semantic, meaning=meaning, sense=sense, spelling=spelling, from_cache=True)


# ------------------------------------------------------------------------------------------------ freshness

def _stat(doc: ingest.DocFile) -> dict:
    st = doc.path.stat()
    # Whether it can be read is part of its state: a file made unreadable (or readable again) keeps its size and
    # mtime, and must not go on being answered from what it said before. So is its ctime, which no one sets: a file
    # rewritten with its old size and mtime (`touch -r`, `cp -p`, `tar x`) is read again. A ctime changed alone
    # (chmod) costs a hash of the file, not a rebuild.
    return {"path": doc.rel, "abs": str(doc.path), "size": st.st_size, "mtime": st.st_mtime_ns,
            "ctime": st.st_ctime_ns, "readable": os.access(doc.path, os.R_OK)}


def _sha(path: Path) -> str:
    """Return the hash of a file's content; for one that cannot be read, a mark saying so (its reader then skips it
    with a warning, and the other files are still read)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as e:
        return f"unreadable-{e.errno}"
    return h.hexdigest()


def split_docs(value: str, given_as: str = "--docs") -> list[str]:
    """Return the paths of one --docs or $MLBOT_DOCS value (several joined with ':'). Raises UsageError when it
    names none: `--docs "$KB"` with KB unset must not answer from the bundled article as if nothing were wrong."""
    paths = [p for p in value.split(os.pathsep) if p]
    if not paths:
        raise UsageError(f"{given_as} names no path ({value!r}): give a file or folder, e.g. {given_as}"
                         f"{'=' if given_as == 'MLBOT_DOCS' else ' '}./kb (was it set from an empty variable?)")
    return paths


def env_docs() -> list[str] | None:
    """Return the paths $MLBOT_DOCS names, or None when it is unset or empty (then: the bundled article, as an
    empty XDG_* variable means its default)."""
    value = os.environ.get("MLBOT_DOCS")
    return split_docs(value, "MLBOT_DOCS") if value else None


def _paths(docs: list[str] | None) -> list[str]:
    """Return the documents' paths as given, else the bundled article's."""
    return [str(p) for p in docs] if docs else [str(bundled_docs())]


def watched(docs: list[str] | None) -> list[tuple] | None:
    """Return what says whether the documents changed (each file's path, size, times and readability), or None when
    they cannot be found: cheap beside open_index, for a long-running chat to ask before each question."""
    try:
        found = ingest.discover(_paths(docs))
        return [(s["abs"], s["size"], s["mtime"], s["ctime"], s["readable"]) for s in map(_stat, found)]
    except (DocumentsError, OSError):
        return None


def _same_stats(a: list[dict], b: list[dict]) -> bool:
    return len(a) == len(b) and all(
        x["abs"] == y["abs"] and x["size"] == y["size"] and x["mtime"] == y["mtime"] and x.get("ctime") == y.get("ctime")
        and x.get("readable", True) == y.get("readable", True) for x, y in zip(a, b))


def open_index(docs: list[str] | None, *, warn: Callable[[str], None] = lambda m: None,
               progress: Progress | None = None, rebuild: bool = False) -> KnowledgeBase:
    """Return an up-to-date KnowledgeBase for the documents, from the cache when it is fresh, rebuilt when not.

    Only files whose size, mtime or content changed are re-parsed. A cache that cannot be read is reported
    through `warn` and rebuilt; one that cannot be written leaves the index in memory, with a warning.
    """
    paths = _paths(docs)
    found = ingest.discover(paths, warn)
    stats = []
    for d in list(found):
        try:
            stats.append(_stat(d))
        except OSError as e:   # gone, or its folder unreadable, since the walk found it
            warn(f"skipped {d.rel}: cannot read it ({e.strerror or e})")
            found.remove(d)
    key = hashlib.sha256("\0".join(sorted(str(Path(p).resolve()) for p in paths)).encode()).hexdigest()[:20]
    home = cache_root() / key
    current = home / "current.json"

    # The user's synonyms shape the analyzers, so they are part of what an index was built from.
    groups, synonyms_id, synonym_problems = read_user_synonyms()
    use_synonyms(groups)
    for p in synonym_problems:   # every time, not only when rebuilding: they say the file is not doing its job
        warn(p)
    pointer = _read_json(current)
    if not isinstance(pointer, dict):
        pointer = None   # "[]" or "3" in current.json is as good as none
    if pointer is not None and not rebuild:
        try:
            if pointer.get("format") == index_format() and _same_stats(pointer["files"], stats) \
                    and pointer.get("alternates") == _alternates_stamp() \
                    and pointer.get("synonyms", "") == synonyms_id:
                return load_build(home / pointer["build"])
        except (ValueError, OSError, KeyError, TypeError) as e:
            warn(f"the index cache in {home} is damaged ({e}); rebuilding it")
            if isinstance(pointer.get("build"), str) and pointer["build"].startswith("build-"):
                shutil.rmtree(home / pointer["build"], ignore_errors=True)   # or _reuse would find it again
            pointer = None

    # Stats moved: hash the files and re-parse the ones whose content changed.
    files = pointer.get("files") if pointer is not None else None
    old = {f["abs"]: f for f in files if isinstance(f, dict) and isinstance(f.get("abs"), str)
           and isinstance(f.get("sha"), str)} if isinstance(files, list) else {}
    for s, d in zip(stats, found):
        prev = old.get(s["abs"])
        same = prev and prev.get("size") == s["size"] and prev.get("mtime") == s["mtime"] \
            and prev.get("ctime") == s["ctime"] and prev.get("readable", True) == s["readable"]
        s["sha"] = prev["sha"] if same else _sha(d.path)
    alternates = read_alternates(key, warn)
    content = hashlib.sha256(json.dumps([[s["path"], s["sha"]] for s in stats] + [[astuple(a) for a in alternates]]
                                        + ([synonyms_id] if synonyms_id else []),
                                        sort_keys=True).encode()).hexdigest()[:20]
    build_dir = home / f"build-{index_format().replace('.', '-')}-{content}"

    writable = _ensure_dir(home / "parsed")
    if not rebuild and writable:
        kb = _reuse(build_dir, current, stats, warn, synonyms_id)
        if kb is not None:
            return kb

    lock = _lock(home) if writable else None
    try:
        if lock is not None and not rebuild:
            # Another process may have built it while we waited for the lock.
            kb = _reuse(build_dir, current, stats, warn, synonyms_id)
            if kb is not None:
                return kb
        entries, lines, warnings = _parse_all(found, stats, home / "parsed" if writable else None, progress)
        if alternates:
            for i, extra in placed(alternates, entries, warn).items():
                entries[i] = _with_alternates(entries[i], extra)
                lines[i] = json.dumps(entries[i].to_json(), ensure_ascii=False).encode("utf-8")
        for w in grouped(warnings):
            warn(w)
        if not entries:
            raise DocumentsError(f"nothing to answer from in {', '.join(paths)}: the files hold no text mlbot can "
                                 f"read ({ingest.READABLE})")
        kb = build(entries, stats, warnings, progress, lines, sense_db=home / SENSE_DB if writable else None)
        for w in kb.warnings[len(warnings):]:   # the build's own (the word vectors)
            warn(w)
        kb.meta["key"] = key
        try:
            kb.meta["threshold"] = derive_threshold(entries, lambda es: build(es, [], []), progress)
        except (ValueError, ArithmeticError, MemoryError) as e:   # a refinement: never the reason not to answer
            warn(f"could not derive a threshold from the alternate questions ({e}); using the default")
            kb.meta["threshold"] = None
        kb.meta["synonyms"] = {"groups": len(groups), "id": synonyms_id} if groups else None
        if not writable:
            warn(f"cannot write the index cache in {home}; answering from memory (set XDG_CACHE_HOME to a "
                 f"writable folder to keep it)")
            return kb
        if kb.meta["vectors_missing"] or kb.meta["sense_missing"]:
            return kb   # not cached: once mlbot is reinstalled, the next run builds the index with them
        try:
            if rebuild and build_dir.exists():
                shutil.rmtree(build_dir, ignore_errors=True)
            if not build_dir.exists():
                save(kb, build_dir)
            _write_pointer(current, build_dir.name, stats, synonyms_id)
            _prune(home, keep=build_dir.name)
            kb.location = build_dir
        except OSError as e:
            warn(f"cannot write the index cache in {home} ({e.strerror or e}); answering from memory")
        return kb
    finally:
        if lock is not None:
            lock.close()


def _reuse(build_dir: Path, current: Path, stats: list[dict], warn: Callable[[str], None],
           synonyms_id: str) -> KnowledgeBase | None:
    """Return the build already in build_dir (pointing current.json at it), or None when there is none or it is
    damaged (reported, and removed so it is built again)."""
    if not (build_dir / "meta.json").exists():
        return None
    try:
        kb = load_build(build_dir)
    except (ValueError, OSError, KeyError, TypeError) as e:
        warn(f"the index cache in {build_dir} is damaged ({e}); rebuilding it")
        shutil.rmtree(build_dir, ignore_errors=True)
        return None
    _write_pointer(current, build_dir.name, stats, synonyms_id)
    return kb


def _with_alternates(e: Entry, extra) -> Entry:
    new = tuple(q for q in extra if q not in e.questions and q not in e.alternates)
    if not new:
        return e
    return replace(e, alternates=e.alternates + new)


GROUP_SKIPS = 3   # this many files or more skipped for the same reason are told in one line
SKIPPED = re.compile(r"skipped (.+?): (.+)", re.S)   # a warning naming a file not read, and why


def grouped(warnings: list[str]) -> list[str]:
    """Return warnings with those of GROUP_SKIPS or more files skipped for the same reason told in one line, where
    the first of them was ("skipped 8 files (a.jsonl, b.jsonl, c.jsonl and 5 more): questions for `mlbot eval` …"):
    a folder of images or of eval questions says so once, not once a file."""
    by_reason: dict[str, list[str]] = {}
    for w in warnings:
        m = SKIPPED.fullmatch(w)
        if m:
            by_reason.setdefault(m[2], []).append(m[1])
    out = []
    for w in warnings:
        m = SKIPPED.fullmatch(w)
        paths = by_reason.get(m[2], []) if m else []
        if len(paths) < GROUP_SKIPS:
            out.append(w)
        elif paths[0] == m[1]:
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            out.append(f"skipped {len(paths)} files ({shown}): {m[2]}")
    return out


def _parse_all(found: list[ingest.DocFile], stats: list[dict], parsed: Path | None,
               progress: Progress | None) -> tuple[list[Entry], list[bytes], list[str]]:
    """Return the entries of every document, each as JSON too (serialised once, for the parse cache and the
    index), and the warnings met. Documents whose content is unchanged come from the parse cache."""
    entries: list[Entry] = []
    lines: list[bytes] = []
    warnings: list[str] = []
    ingest.take_warnings()
    for n, (doc, s) in enumerate(zip(found, stats), 1):
        cached = _read_json(parsed / f"{s['sha']}-{doc.rel.replace('/', '_')[-60:]}.json") if parsed else None
        got: list[Entry] | None = None
        if isinstance(cached, dict) and cached.get("format") == FORMAT and cached.get("path") == doc.rel:
            try:
                said = cached.get("warnings", [])
                if not isinstance(said, list) or not isinstance(cached["entries"], list):
                    raise TypeError("not a parsed document")
                got = [Entry.from_json(x) for x in cached["entries"]]
                got_lines = [e.to_json_text().encode("utf-8") for e in got]
                warnings.extend(str(w) for w in said)
            except (KeyError, TypeError, ValueError, AttributeError):
                got = None
        if got is None:
            try:
                got = ingest.parse_file(doc)
                file_warnings = ingest.take_warnings()
            except ingest.SkippedFile as e:
                got, file_warnings = [], [str(e)]
            except RecursionError:
                got, file_warnings = [], [f"skipped {doc.rel}: nested too deeply to read"]
            warnings.extend(file_warnings)
            got_lines = [e.to_json_text().encode("utf-8") for e in got]
            if parsed is not None:
                head = json.dumps({"format": FORMAT, "path": doc.rel, "warnings": file_warnings}, ensure_ascii=False)
                _write_bytes(parsed / f"{s['sha']}-{doc.rel.replace('/', '_')[-60:]}.json",
                             (head[:-1] + ', "entries": [').encode("utf-8") + b",".join(got_lines) + b"]}")
        if not got and not any(doc.rel in w for w in warnings):
            warnings.append(f"skipped {doc.rel}: no text to answer from")
        entries.extend(got)
        lines.extend(got_lines)
        if progress:
            progress("reading documents", n, len(found))
    return entries, lines, warnings


# ------------------------------------------------------------------------------------------ small file helpers

def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _write_json(path: Path, obj) -> None:
    """Write obj as JSON to path atomically (temp file + os.replace); errors are ignored: it is only a cache."""
    _write_text(path, json.dumps(obj, ensure_ascii=False))


def _write_text(path: Path, text: str) -> None:
    """Write text to path atomically (temp file + os.replace); errors are ignored: it is only a cache."""
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    """Write data to path atomically (temp file + os.replace); errors are ignored: it is only a cache."""
    import tempfile
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def _write_pointer(current: Path, build: str, stats: list[dict], synonyms_id: str) -> None:
    _write_json(current, {"format": index_format(), "build": build, "files": stats, "alternates": _alternates_stamp(),
                          "synonyms": synonyms_id})


def _alternates_stamp() -> list[int] | None:
    try:
        st = alternates_path().stat()
        return [st.st_size, st.st_mtime_ns]
    except OSError:
        return None


def _ensure_dir(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


class _Lock:
    def __init__(self, f):
        self.f = f

    def close(self) -> None:
        self.f.close()


def _lock(home: Path) -> _Lock | None:
    """Hold an exclusive lock on home/lock while building, so concurrent cold starts build once."""
    try:
        import fcntl
        f = open(home / "lock", "a+")
        fcntl.flock(f, fcntl.LOCK_EX)
        return _Lock(f)
    except (OSError, ImportError):
        return None


def _prune(home: Path, keep: str) -> None:
    """Remove builds other than `keep` and parsed files no current file uses (best effort)."""
    for p in home.glob("build-*"):
        if p.name != keep:
            shutil.rmtree(p, ignore_errors=True)
    for p in home.glob(".tmp-*"):
        try:
            if time.time() - p.stat().st_mtime > 3600:
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink()
        except OSError:
            pass


def describe(kb: KnowledgeBase) -> dict:
    """Return what `mlbot info` shows about an index."""
    size = sum(p.stat().st_size for p in kb.location.iterdir()) if kb.location else 0
    return {
        "entries": kb.n_entries,
        "files": kb.n_files,
        "faq_questions": len(kb.meta.get("faq", [])),
        "vocabulary": {n: len(s.vocab) for n, s in kb.spaces.items()},
        "cache": str(kb.location) if kb.location else None,
        "cache_bytes": size,
        "title": kb.title,
        "synonyms": kb.meta.get("synonyms"),
        "threshold": kb.meta.get("threshold"),
        "threshold_value": threshold_of(kb.meta),
        "word_vectors": kb.meaning is not None,
        "sentence_model": kb.sense is not None,
        "latent_space": bool(kb.semantic),
        "spelling_words": len(kb.spelling.words) if kb.spelling is not None else 0,
    }
