"""The SQLite log of refused, ambiguous and down-voted questions: $XDG_DATA_HOME/mlbot/feedback.db.

Logging must never stop the bot answering. A database that is locked, damaged, read-only or made by a newer mlbot
turns logging off with one warning per process (a locked one is retried on the next question), and nothing here
ever deletes, moves or rewrites a database it cannot open: the feedback in it is the user's.
"""
from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .alternates import data_dir
from .analyze import content_terms
from .errors import MlbotError
from .model import LOGGED, Reply

SCHEMA_VERSION = 2          # PRAGMA user_version; bump it and add a step to _MIGRATIONS when the schema changes
BUSY_TIMEOUT = 2.0          # seconds to wait for another mlbot writing the log before giving up on this write
ANSWER_CHARS = 200          # characters of the answer given that are kept, enough to recognise it in review
QUESTION_CHARS = 2000       # as much of a question as the bot reads (bot.MAX_QUESTION); the rest is noise
SIMILAR = 0.6               # Jaccard of stemmed content-word sets at which two logged questions are one group

# Migrations from each version to the next, run in one transaction. Version 0 is an empty (new) database.
_MIGRATIONS = {
    0: """
    CREATE TABLE IF NOT EXISTS items (
        id          INTEGER PRIMARY KEY,
        docs        TEXT NOT NULL,               -- the knowledge base's key (store.open_index)
        question    TEXT NOT NULL,
        status      TEXT NOT NULL,               -- the reply's status: no_answer, ambiguous, answered, chitchat
        confidence  REAL NOT NULL,
        entry       TEXT,                        -- the top answer's entry id (NULL when none was given)
        answer      TEXT,                        -- its first 200 characters
        runner_up   TEXT,                        -- the second answer's entry id
        verdict     TEXT CHECK (verdict IN ('good', 'bad')),   -- /good or /bad, NULL when not given
        picked      TEXT,                        -- the entry the user picked for an ambiguous question
        state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'dismissed', 'attached')),
        attached_to TEXT,                        -- the entry the question was attached to as an alternate
        asked       TEXT NOT NULL,               -- UTC, ISO 8601
        updated     TEXT
    );
    CREATE INDEX IF NOT EXISTS items_pending ON items (docs, state);
    """,
    # follows: the question before, when this one leaned on it. A follow-up ("and on team?") means little without
    # the question it followed, to review or to attach.
    1: "ALTER TABLE items ADD COLUMN follows TEXT",
}
# What the review queue holds: open items the bot refused, could not decide, or the user marked bad.
_PENDING = "state = 'open' AND (status IN ('no_answer', 'ambiguous') OR verdict = 'bad')"
_COLUMNS = "id, docs, question, status, confidence, entry, answer, runner_up, verdict, picked, asked, follows"
_WORDS = re.compile(r"\w+")

# Paths already warned about: "once per process", even when a command opens the log more than once.
_warned: set[str] = set()


def feedback_path() -> Path:
    return data_dir() / "feedback.db"


@dataclass(frozen=True)
class QueueItem:
    """One logged question waiting for review, with the answer the bot gave it."""

    id: int
    docs: str
    question: str
    status: str
    confidence: float
    entry: str | None
    answer: str | None
    runner_up: str | None
    verdict: str | None
    picked: str | None
    asked: str
    follows: str | None = None   # the question before, when this one leaned on it ("and on team?")

    @property
    def as_read(self) -> str:
        """The question as the bot reads a follow-up: after the question it followed."""
        return f"{self.follows} {self.question}" if self.follows else self.question


@dataclass(frozen=True)
class Answer:
    """An answer the bot gave to the questions of a group: its entry, the start of its text, its confidence."""

    entry: str
    text: str
    confidence: float
    count: int
    lowest: float    # the range of the confidences it was given at
    highest: float

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.entry, "text": self.text, "confidence": round(self.confidence, 1),
                "count": self.count, "lowest": round(self.lowest, 1), "highest": round(self.highest, 1)}


@dataclass(frozen=True)
class QueueGroup:
    """Logged questions that ask the same thing (near-identical content words), oldest first."""

    items: tuple[QueueItem, ...]

    @property
    def docs(self) -> str:
        """The key of the knowledge base the questions were asked of (a group never mixes two)."""
        return self.items[0].docs

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def ids(self) -> list[int]:
        return [i.id for i in self.items]

    @property
    def questions(self) -> list[str]:
        """The distinct questions, most recent first."""
        seen: dict[str, str] = {}
        for i in reversed(self.items):
            seen.setdefault(normalise(i.question), i.question)
        return list(seen.values())

    @property
    def last_seen(self) -> str:
        return max(i.asked for i in self.items)

    @property
    def statuses(self) -> dict[str, int]:
        """How many of the questions were refused (no_answer), ambiguous, or marked /bad ("bad")."""
        out: dict[str, int] = {}
        for i in self.items:
            for key in ((i.status,) if i.status in LOGGED else ()) + (("bad",) if i.verdict == "bad" else ()):
                out[key] = out.get(key, 0) + 1
        return out

    @property
    def answers(self) -> list[Answer]:
        """The top answers given, most often given first, with the latest confidence for each and their range."""
        got: dict[str, list[QueueItem]] = {}
        for i in self.items:
            if i.entry:
                got.setdefault(i.entry, []).append(i)
        ranked = sorted(got.items(), key=lambda kv: -len(kv[1]))
        return [Answer(e, its[-1].answer or "", its[-1].confidence, len(its), min(i.confidence for i in its),
                       max(i.confidence for i in its)) for e, its in ranked]

    @property
    def entries(self) -> list[str]:
        """Entries that might answer these questions: the ones users picked, the answers given, the runners-up."""
        out: list[str] = []
        for ids in ([i.picked for i in reversed(self.items)], [a.entry for a in self.answers],
                    [i.runner_up for i in reversed(self.items)]):
            out.extend(e for e in ids if e and e not in out)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "docs": self.docs,
            "count": self.count,
            "questions": self.questions,
            "last_seen": self.last_seen,
            "statuses": self.statuses,
            "answers": [a.to_dict() for a in self.answers],
            "entries": self.entries,
            "items": self.ids,
            # The follow-ups among the questions, with the question each followed (item id -> that question).
            "follows": {str(i.id): i.follows for i in self.items if i.follows},
        }


class FeedbackLog:
    """The feedback log of one knowledge base. Writing methods return False (and warn once) instead of raising."""

    def __init__(self, docs_key: str, path: Path, warn: Callable[[str], None]) -> None:
        self.docs_key = docs_key
        self.path = path
        self.warn = warn
        self.enabled = True          # False once the database turned out to be unusable for this process
        self._conn: sqlite3.Connection | None = None
        self._broken: str | None = None     # why the database cannot be used at all (it is never touched)
        self._error: str | None = None      # why the last attempt failed (a lock, or the same as _broken)
        self._last: tuple[Reply, int] | None = None   # the last reply logged and its row, for /good and /bad

    @classmethod
    def open(cls, docs_key: str, warn: Callable[[str], None] = lambda m: None) -> FeedbackLog:
        """Return the log at feedback_path(), opened now so `enabled` is known; never raises."""
        log = cls(docs_key, feedback_path(), warn)
        log._connect()
        return log

    # ------------------------------------------------------------------------------------------ connecting
    def _connect(self) -> sqlite3.Connection | None:
        """Return a ready connection, or None when the database cannot be used now (`_error` says why)."""
        if self._conn is not None or self._broken is not None:
            return self._conn
        conn = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # The questions people asked are theirs: the log is readable by its owner alone (SQLite gives its
            # journal files the database's permissions).
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            # isolation_level=None: statements commit on their own; multi-statement changes say BEGIN themselves.
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]   # reads the header: garbage fails here
            if version > SCHEMA_VERSION:
                conn.close()
                self._broken = (f"it was written by a newer mlbot (schema {version}, this one knows "
                                f"{SCHEMA_VERSION})")
                self.enabled = False
                return None
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")   # readers never wait for a writer
            if version < SCHEMA_VERSION:
                self._migrate(conn)
            conn.execute("PRAGMA synchronous = NORMAL")     # safe with WAL; a crash loses at most the last write
        except (sqlite3.Error, OSError) as e:
            if conn is not None:
                conn.close()
            self._failed(e)
            return None
        self._conn = conn
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the schema up to SCHEMA_VERSION in one transaction (sqlite's DDL is transactional)."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the write lock: another process may have migrated in the meantime.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            while version < SCHEMA_VERSION:
                # One statement at a time: executescript() would commit the transaction first.
                for statement in _MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _failed(self, e: BaseException) -> None:
        """Remember why the database could not be used; a file that is unusable turns logging off."""
        if _transient(e):
            self._error = "it is locked by another program"
        else:
            self._broken = self._error = _reason(e)
            self.enabled = False

    def _warn_unsaved(self, what: str) -> None:
        """Warn, once per process and database, that `what` could not be saved, where and why."""
        key = str(self.path)
        if key in _warned:
            return
        _warned.add(key)
        if self._broken:
            self.warn(f"{what} could not be saved to the feedback log {self.path}: {self._broken}; feedback is "
                      f"not saved this session (the file was left untouched)")
        else:
            self.warn(f"{what} could not be saved to the feedback log {self.path}: {self._error}; "
                      f"it will be tried again with the next question")

    def _write(self, what: str, sql: str, params: Iterable[Any]) -> int | None:
        """Run one parameterised write; return the new row id (or rows changed), None when it was not saved."""
        conn = self._connect()
        if conn is not None:
            try:
                cur = conn.execute(sql, tuple(params))
                return cur.lastrowid if sql.lstrip().upper().startswith("INSERT") else cur.rowcount
            except (sqlite3.Error, OSError) as e:
                self._failed(e)
        self._warn_unsaved(what)
        return None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # ------------------------------------------------------------------------------------------- logging
    def record(self, reply: Reply) -> bool:
        """Log a refused or ambiguous reply for review; answered and chit-chat replies are not logged.

        Returns True when it was saved, False when it was not (after one warning) or needed no saving.
        """
        if reply.status not in LOGGED:
            return False
        row = self._insert("the unanswered question", reply, verdict=None)
        if row is None:
            return False
        self._last = (reply, row)
        return True

    def feedback(self, reply: Reply, good: bool) -> bool:
        """Record /good or /bad on reply; a /bad one waits in the review queue. Returns whether it was saved."""
        verdict = "good" if good else "bad"
        what = f"your /{verdict}"
        if self._last is not None and self._last[0] is reply:
            # The reply was logged already (or voted on): the vote belongs to that row, not a new one.
            return self._write(what, "UPDATE items SET verdict = ?, updated = ? WHERE id = ?",
                               (verdict, _now(), self._last[1])) is not None
        row = self._insert(what, reply, verdict=verdict)
        if row is None:
            return False
        self._last = (reply, row)
        return True

    def resolved(self, asked: Reply, picked: Reply) -> bool:
        """Record that the user answered an ambiguous or refused question by picking an entry (a likely alternate
        question)."""
        if not picked.results:
            return False
        entry = picked.results[0].entry.id
        what = "the answer you picked"
        if self._last is not None and self._last[0] is asked:
            return self._write(what, "UPDATE items SET picked = ?, updated = ? WHERE id = ?",
                               (entry, _now(), self._last[1])) is not None
        return self._insert(what, asked, verdict=None, picked=entry) is not None

    def _insert(self, what: str, reply: Reply, verdict: str | None, picked: str | None = None) -> int | None:
        top = reply.results[0] if reply.results else None
        runner = reply.results[1] if len(reply.results) > 1 else None
        follows = reply.follows
        return self._write(
            what,
            "INSERT INTO items (docs, question, status, confidence, entry, answer, runner_up, verdict, picked, asked,"
            " follows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.docs_key, reply.question[:QUESTION_CHARS], reply.status, float(reply.confidence),
             top.entry.id if top else None, top.entry.text[:ANSWER_CHARS] if top else None,
             runner.entry.id if runner else None, verdict, picked, _now(), follows and follows[:QUESTION_CHARS]))

    # -------------------------------------------------------------------------------------- the review queue
    def _reader(self) -> sqlite3.Connection:
        """Return the connection for review, or raise MlbotError saying why the log cannot be used."""
        conn = self._connect()
        if conn is None:
            raise self._error_for("read")
        return conn

    def _error_for(self, doing: str) -> MlbotError:
        if self._broken:
            return MlbotError(f"cannot {doing} the feedback log {self.path}: {self._broken} (it was left untouched; "
                              f"move it aside to start a new log)")
        return MlbotError(f"cannot {doing} the feedback log {self.path}: {self._error}; try again in a moment")

    def pending(self, docs_key: str | None = None) -> list[QueueItem]:
        """Return the items waiting for review (refused, ambiguous or marked bad; not dismissed or attached)."""
        conn = self._reader()
        sql = f"SELECT {_COLUMNS} FROM items WHERE {_PENDING}"
        params: tuple[str, ...] = ()
        if docs_key is not None:
            sql += " AND docs = ?"
            params = (docs_key,)
        try:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        except sqlite3.Error as e:
            self._failed(e)
            raise self._error_for("read") from None
        return [QueueItem(*r) for r in rows]

    def queue(self, docs_key: str | None = None) -> list[QueueGroup]:
        """Return the review queue: pending items grouped by similar questions, most frequent group first."""
        return group_items(self.pending(docs_key))

    def dismiss(self, item_ids: Iterable[int]) -> int:
        """Take items out of the review queue; return how many were. Raises MlbotError when it cannot save."""
        return self._set_state(item_ids, "dismissed", None)

    def mark_attached(self, item_ids: Iterable[int], entry_id: str) -> int:
        """Record that items were attached as alternate questions of entry_id (which takes them out of the queue)."""
        return self._set_state(item_ids, "attached", entry_id)

    def _set_state(self, item_ids: Iterable[int], state: str, entry: str | None) -> int:
        ids = [int(i) for i in item_ids]
        conn = self._reader()
        try:
            conn.execute("BEGIN IMMEDIATE")
            changed = 0
            for i in ids:
                changed += conn.execute("UPDATE items SET state = ?, attached_to = ?, updated = ? WHERE id = ?",
                                        (state, entry, _now(), i)).rowcount
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._failed(e)
            raise self._error_for("write to") from None
        return changed


# ------------------------------------------------------------------------------------------------- grouping

def normalise(question: str) -> str:
    """Return question lowercased, as its words only: "Reset  password?!" and "reset password" are the same."""
    return " ".join(_WORDS.findall(question.lower()))


def group_items(items: list[QueueItem]) -> list[QueueGroup]:
    """Return items grouped by near-duplicate questions (same words, or Jaccard >= 0.6 of stemmed content words).

    Only questions asked of the same knowledge base are grouped (their fix is an entry of that one). Each item
    joins the group it is most similar to; an inverted index over terms means only groups sharing a term are
    compared, so a long queue of different questions stays cheap.
    """
    groups: list[list[QueueItem]] = []
    group_terms: list[set[frozenset[str]]] = []     # the distinct term sets of each group's questions
    by_text: dict[str, int] = {}
    by_term: dict[tuple[str, str], set[int]] = {}     # (docs, term) -> groups
    for item in items:
        text = f"{item.docs}\0{normalise(item.question)}"
        terms = frozenset(content_terms(item.question))
        g = by_text.get(text)
        if g is None and terms:
            best = 0.0
            near = set().union(*(by_term.get((item.docs, t), set()) for t in terms))
            for cand in sorted(near):
                sim = max(_jaccard(terms, other) for other in group_terms[cand])
                if sim >= SIMILAR and sim > best:
                    g, best = cand, sim
        if g is None:
            g = len(groups)
            groups.append([])
            group_terms.append(set())
        groups[g].append(item)
        by_text.setdefault(text, g)
        if terms:
            group_terms[g].add(terms)
            for t in terms:
                by_term.setdefault((item.docs, t), set()).add(g)
    out = [QueueGroup(tuple(g)) for g in groups]
    # Most frequent first; among equals, the one asked most recently.
    out.sort(key=lambda grp: (grp.count, grp.items[-1].id), reverse=True)
    return out


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


# ---------------------------------------------------------------------------------------------------- helpers

def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _transient(e: BaseException) -> bool:
    """True for "another process holds the database" (worth retrying), False for a file that is unusable."""
    msg = str(e).lower()
    return isinstance(e, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg)


def _reason(e: BaseException) -> str:
    msg = str(e) or e.__class__.__name__
    low = msg.lower()
    if "not a database" in low or "malformed" in low:
        return f"it is not a readable SQLite database ({msg})"
    if "readonly" in low or "read-only" in low or isinstance(e, PermissionError):
        return f"it cannot be written ({msg})"
    if "unable to open" in low or isinstance(e, OSError):
        return f"it cannot be opened ({msg})"
    return msg
