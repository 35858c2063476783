"""The review queue as a user sees it: numbered groups of logged questions with the entries that might answer
them, and the two ways out of the queue, attaching a question to an entry as an alternate phrasing, or dismissing
it. Everything here returns data; cli.py shows it.

Naming things on the command line: `g2` is the second group of the listing, a bare number is one logged item (the
`items` of `mlbot review --json`). An entry is its id (`handbook.md:3`), `top` for the answer the bot gave, or the
number of one of the group's candidates. Questions are filed under the knowledge base they were asked of; the
listing can show every knowledge base's, but a question is only attached to an entry of its own.
"""
from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .alternates import add_alternate, alternates_path
from .errors import MlbotError, UsageError
from .feedback import FeedbackLog, QueueGroup, QueueItem, normalise
from .model import Entry

if TYPE_CHECKING:
    from .bot import Bot

_GROUP = re.compile(r"(?:g|group)[ :#]?(\d+)$", re.IGNORECASE)
_ITEM = re.compile(r"#?(\d+)$")
WHY = {"picked": "picked in the chat", "in-context": "best read after the question it followed",
       "answer": "the answer given", "runner-up": "the runner-up"}


@dataclass(frozen=True)
class Candidate:
    """An entry that might answer a group's questions, numbered for `--to N`."""

    number: int
    entry: str
    question: str | None     # the entry's question, or the start of its text when it has none
    why: str                 # picked, answer or runner-up

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "entry": self.entry, "question": self.question, "why": self.why}


@dataclass(frozen=True)
class ReviewGroup:
    """One group of the listing: its place in the listing, its logged questions and the candidate entries. Its label
    (`g17`) is the id of its oldest question, which stays as the queue grows: numbered by place, groups changed
    labels between two listings, and `--attach g7` from an earlier listing attached another group's questions."""

    number: int
    group: QueueGroup
    candidates: tuple[Candidate, ...]
    elsewhere: str | None = None    # for questions asked of other documents: which (None for these documents)

    @property
    def label(self) -> str:
        return f"g{self.group.items[0].id}"

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.label, **self.group.to_dict(), "candidates": [c.to_dict() for c in self.candidates],
                "elsewhere": self.elsewhere}


@dataclass(frozen=True)
class Review:
    """The listing for one knowledge base, and how many questions wait for other documents."""

    groups: tuple[ReviewGroup, ...]
    other_docs: int
    log_path: Path

    def to_dict(self) -> dict[str, Any]:
        return {"groups": [g.to_dict() for g in self.groups], "other_docs": self.other_docs,
                "log": str(self.log_path)}


@dataclass(frozen=True)
class Attached:
    """What `--attach` did: the questions now attached to entry, the items taken out of the queue, the file."""

    entry: str
    questions: tuple[str, ...]
    items: tuple[int, ...]
    path: Path


def list_review(bot: Bot, log: FeedbackLog, *, all_docs: bool = False) -> Review:
    """Return the review queue for bot's documents (or for all documents), numbered as `mlbot review` shows it."""
    key = docs_key(bot)
    entries = _entries(bot)
    groups = []
    for n, g in enumerate(log.queue(None if all_docs else key), 1):
        if g.docs == key:
            groups.append(ReviewGroup(n, g, tuple(_candidates(g, entries, _in_context(bot, g)))))
        else:
            groups.append(ReviewGroup(n, g, tuple(_candidates(g, None)), describe_docs(g.docs)))
    others = 0 if all_docs else len(log.pending()) - sum(g.group.count for g in groups)
    return Review(tuple(groups), others, log.path)


def attach(bot: Bot, log: FeedbackLog, ref: str, to: str, *, all_docs: bool = False) -> Attached:
    """Attach the logged question(s) `ref` names to the entry `to` names as alternate questions.

    The alternate goes to alternates.jsonl first and the items are marked attached after, so a failure between
    the two leaves the question in the queue rather than lost. Raises UsageError for an unknown item or entry.
    """
    review = list_review(bot, log, all_docs=all_docs)
    group, items = select(review, ref)
    if group.elsewhere is not None:
        raise UsageError(f"{ref} was asked of other documents ({group.elsewhere}): attach it with --docs "
                         f"naming those documents")
    entries = _entries(bot)
    entry = choose_entry(entries, group, items, to)
    have = {normalise(q) for q in entry.questions}
    questions: list[str] = []
    for item in items:
        # A follow-up is attached as the bot reads it, after the question it followed: "and on team?" alone would
        # take that entry's answer after any question at all.
        n = normalise(item.as_read)
        if n and n not in have:
            have.add(n)
            questions.append(item.as_read)
    path = None
    try:
        for q in questions:
            path = add_alternate(docs_key(bot), entry, q)
    except OSError as e:
        raise MlbotError(f"cannot add the alternate question to {e.filename or 'alternates.jsonl'} "
                         f"({e.strerror or e}); nothing was marked attached") from None
    try:
        log.mark_attached([i.id for i in items], entry.id)
    except MlbotError as e:
        raise MlbotError(f"{e}; the alternate question was saved, but it stays in the review queue "
                         f"(dismiss it later)") from None
    return Attached(entry.id, tuple(questions), tuple(i.id for i in items), path or alternates_path())


def dismiss(bot: Bot, log: FeedbackLog, refs: list[str], *, all_docs: bool = False) -> list[int]:
    """Take the items or groups refs name out of the queue; return the item ids dismissed."""
    review = list_review(bot, log, all_docs=all_docs)
    ids: list[int] = []
    for ref in refs:
        for item in select(review, ref)[1]:
            if item.id not in ids:
                ids.append(item.id)
    log.dismiss(ids)
    return ids


def select(review: Review, ref: str) -> tuple[ReviewGroup, list[QueueItem]]:
    """Return the group ref names (`g2`) or the group holding the item it names (`17`), and the items meant."""
    ref = ref.strip()
    m = _GROUP.match(ref)
    if m:
        group = next((g for g in review.groups if g.label == f"g{int(m.group(1))}"), None)
        if group is None:
            raise UsageError(_no_such(f"group {ref}", review))
        return group, list(group.group.items)
    m = _ITEM.match(ref)
    if m:
        wanted = int(m.group(1))
        for group in review.groups:
            for item in group.group.items:
                if item.id == wanted:
                    return group, [item]
        raise UsageError(_no_such(f"item {wanted}", review))
    raise UsageError(f"{ref!r} names no group or item: use a group such as g1 or an item number from "
                     f"'mlbot review'")


def _no_such(what: str, review: Review) -> str:
    if not review.groups:
        return f"there is no {what}: the review queue is empty"
    labels = ", ".join(g.label for g in review.groups[:6]) + (", …" if len(review.groups) > 6 else "")
    return (f"there is no {what} waiting for review (it may have been attached or dismissed): the groups are "
            f"{labels}; items are the numbers in brackets in 'mlbot review' (the \"items\" of --json)")


def choose_entry(entries: dict[str, Entry], group: ReviewGroup, items: list[QueueItem], to: str) -> Entry:
    """Return the entry `to` names: an entry id, `top` (the answer the bot gave) or a candidate number."""
    to = to.strip()
    if to.lower() == "top":
        given = [i.entry for i in items if i.entry]
        if not given:
            raise UsageError(f"the bot gave no answer to {group.label if len(items) > 1 else f'item {items[0].id}'}: "
                             f"name the entry, e.g. --to {_example(entries)}")
        entry_id = max(given, key=given.count)   # the answer given most often (the first of equals)
        if entry_id not in entries:
            raise UsageError(f"the answer the bot gave, {entry_id}, is no longer in these documents: name another "
                             f"entry with --to")
        return entries[entry_id]
    if to.isdigit() and to not in entries:
        n = int(to)
        if not 1 <= n <= len(group.candidates):
            have = f"1 to {len(group.candidates)}" if group.candidates else "none"
            raise UsageError(f"there is no candidate {n} for {group.label} (candidates: {have}); "
                             f"give an entry id such as {_example(entries)} instead")
        return entries[group.candidates[n - 1].entry]
    if to in entries:
        return entries[to]
    close = difflib.get_close_matches(to, list(entries), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    raise UsageError(f"no entry {to!r} in these documents: {hint}give an entry id such as {_example(entries)}, "
                     f"'top' for the answer the bot gave, or a candidate number from 'mlbot review'")


def docs_key(bot: Bot) -> str:
    """Return the key the knowledge base's feedback and alternate questions are filed under."""
    return str(bot.kb.meta.get("key", ""))


def _entries(bot: Bot) -> dict[str, Entry]:
    return {e.id: e for e in bot.kb.entries()}


def _example(entries: dict[str, Entry]) -> str:
    for e in entries.values():
        if e.question:
            return e.id
    return next(iter(entries), "FILE:LINE")


def describe_docs(key: str) -> str:
    """Return what a knowledge base's key stands for: its documents, as far as its index cache remembers them."""
    from .store import cache_root
    try:
        pointer = json.loads((cache_root() / key / "current.json").read_text(encoding="utf-8"))
        files = [str(f["abs"]) for f in pointer["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        files = []
    if len(files) == 1:
        return files[0]
    if files:
        try:
            return f"{os.path.commonpath(files)} ({len(files)} files)"
        except ValueError:
            return f"{len(files)} files"
    return f"documents with key {key[:12]}"


def _in_context(bot: Bot, group: QueueGroup, most: int = 3) -> list[str]:
    """Return the entries that rank first for the group's follow-ups read after the questions they followed (the
    latest few): what the bot logged for "and on team?" is its answer to those words alone."""
    from .rank import rank
    out: list[str] = []
    for item in [i for i in reversed(group.items) if i.follows][:most]:
        r = rank(bot.kb, item.as_read, 1)
        if r.items:
            entry_id = bot.kb.entry(r.items[0].index).id
            if entry_id not in out:
                out.append(entry_id)
    return out


def _candidates(group: QueueGroup, entries: dict[str, Entry] | None,
                in_context: list[str] | None = None) -> list[Candidate]:
    """Return the entries that might answer a group (in_context: _in_context's, after what users picked); with
    entries None (other documents) they are not checked."""
    picked = {i.picked for i in group.items}
    answered = {i.entry for i in group.items}
    out = []
    in_context = in_context or []
    ids = [e for e in group.entries if e in picked] + [e for e in in_context if e not in picked] + \
        [e for e in group.entries if e not in picked and e not in in_context]
    for entry_id in ids:
        e = entries.get(entry_id) if entries is not None else None
        if e is None and entries is not None:   # the documents changed since the question was logged
            continue
        why = "picked" if entry_id in picked else "in-context" if entry_id in in_context \
            else "answer" if entry_id in answered else "runner-up"
        out.append(Candidate(len(out) + 1, entry_id, (e.question or _start(e.text)) if e else None, why))
    return out


def _start(text: str, n: int = 12) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")
