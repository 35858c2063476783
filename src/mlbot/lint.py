"""A knowledge base -> what in it will keep the bot from answering well: entries that fight over the same
questions, questions asked twice, and answers that are empty, placeholders or cut off mid-sentence.

Finding rivals costs one ranking per entry (each entry's own question, or its text, against the index, keeping the
top 5), so it grows with n·k rather than with every pair of entries.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, replace
from typing import Any

from .analyze import content_terms
from .ingest.text import looks_truncated
from .model import Entry
from .rank import rank
from .store import KnowledgeBase

NEIGHBOURS = 5        # entries ranked for each probe; rivals further down do not steal answers
TIE = 0.05            # scores closer than this share of the top score are a toss-up (bot.AMBIGUITY_MARGIN)
SAME_WORDS = 0.8      # cosine of two entries' content-word sets at which they say the same thing
PROBE_CHARS = 2000    # as much of a paragraph as a question would be read (bot.MAX_QUESTION)
_PLACEHOLDER = re.compile(r"(?:todo|tbd|tba|fixme|xxx+|n/?a|wip|coming soon|to be (?:written|done|added|decided|"
                          r"announced|confirmed)|answer here|lorem ipsum.*)", re.IGNORECASE)
_WORDS = re.compile(r"\w+")
_EDGE = re.compile(r"^\W+|\W+$")
_TAGS = re.compile(r"(?:\s#[\w/-]+)+\s*$")   # an Obsidian note's closing tags ("… fee. #rent")
_LINK = re.compile(r"https?://|www\.|@\w+\.\w")


@dataclass(frozen=True)
class Finding:
    """One problem in the documents: its kind, a one-line message, where it is and the entries involved."""

    kind: str
    message: str
    path: str                  # as the answers' sources name it: from the folder given
    line: int
    entries: tuple[str, ...]
    file: str = ""             # the file to open from the working directory (path when not known)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "path": self.path, "file": self.file or self.path,
                "line": self.line, "entries": list(self.entries)}

    def format(self) -> str:
        """Return the finding as `file:line: kind: message`, the shape editors and CI annotate from: the file as
        the working directory reaches it, as a compiler names the files it was given."""
        return f"{self.file or self.path}:{self.line}: {self.kind}: {self.message}"


def lint(kb: KnowledgeBase) -> list[Finding]:
    """Return the findings for a knowledge base, in document order."""
    entries = list(kb.entries())
    found = _answers(entries)
    twins = _duplicate_questions(entries, found)
    found.extend(_rivals(kb, entries, twins))
    order = {e.id: n for n, e in enumerate(entries)}
    found.sort(key=lambda f: (order.get(f.entries[0], 0), f.kind))
    files = {f.get("path"): _from_here(f.get("abs")) for f in kb.meta.get("files", []) if isinstance(f, dict)}
    return [replace(f, file=files.get(f.path) or f.path) for f in found]


def _from_here(path: str | None) -> str | None:
    """path as the working directory reaches it: relative below it, absolute elsewhere."""
    if not path:
        return None
    try:
        rel = os.path.relpath(path)
    except ValueError:   # another drive (Windows)
        return path
    return path if rel.startswith("..") else rel


def _at(e: Entry, kind: str, message: str, *others: Entry) -> Finding:
    return Finding(kind, message, e.source.path, e.source.line, (e.id, *(o.id for o in others)))


def _answers(entries: list[Entry]) -> list[Finding]:
    """Return findings for questions without an answer, placeholder answers and answers cut off."""
    out = []
    for e in entries:
        text = e.text.strip()
        name = f"“{_short(e.question)}”" if e.question else "this paragraph"
        if e.questions and not text:
            out.append(_at(e, "empty-answer", f"{name} has no answer: write one under it, or remove the question"))
        elif text and (_PLACEHOLDER.fullmatch(_EDGE.sub("", text)) or not _WORDS.search(text)):
            out.append(_at(e, "placeholder-answer", f"the answer to {name} is only “{_short(text)}”: write the "
                                                    f"answer, or remove the entry"))
        if e.truncated:
            out.append(_at(e, "cut-off", f"the answer to {name} stops mid-sentence (“…{_tail(text)}”): the "
                                         f"document ends there; finish the sentence"))
        elif e.questions and _unfinished(text):
            out.append(_at(e, "unfinished", f"the answer to {name} may stop mid-sentence (“…{_tail(text)}”): "
                                            f"finish it, or end it with a full stop"))
    return out


def _unfinished(text: str) -> bool:
    """True for an answer whose last line is a sentence of prose without its closing punctuation ("We answer
    within"), where a list item, a table row, code or a closing link may well end without one."""
    last = _TAGS.sub("", text.splitlines()[-1]).strip() if text else ""
    return len(last.split()) >= 4 and last[0].isalpha() and not _LINK.search(last.split()[-1]) and looks_truncated(last) \
        and text.count("```") % 2 == 0


def _duplicate_questions(entries: list[Entry], out: list[Finding]) -> set[frozenset[str]]:
    """Add a finding for each question asked again by a later entry; return the pairs of entries involved."""
    first: dict[str, Entry] = {}
    pairs: set[frozenset[str]] = set()
    for e in entries:
        for q in {_normal(q): q for q in reversed(e.questions)}.values():
            if not _normal(q):
                continue
            other = first.setdefault(_normal(q), e)
            if other is not e:
                pairs.add(frozenset((other.id, e.id)))
                out.append(_at(e, "duplicate-question",
                               f"“{_short(q)}” is also asked at {other.id}: the bot cannot tell which answer "
                               f"is meant; merge the two or reword one", other))
    return pairs


def _rivals(kb: KnowledgeBase, entries: list[Entry], known: set[frozenset[str]]) -> list[Finding]:
    """Return findings for entries another one beats or ties on their own question, or says the same as."""
    out = []
    seen = set(known)
    terms: dict[int, frozenset[str]] = {}

    def words_of(i: int) -> frozenset[str]:
        if i not in terms:
            e = kb.entry(i)
            terms[i] = frozenset(content_terms(" ".join((*e.questions, e.text))))
        return terms[i]

    for i, e in enumerate(entries):
        probe = (e.question or e.text)[:PROBE_CHARS]
        if not content_terms(probe):
            continue
        items = rank(kb, probe, NEIGHBOURS).items
        if not items or items[0].score <= 0:
            continue
        floor = items[0].score * (1 - TIE)
        own = next((r.score for r in items if r.index == i), 0.0)
        what = f"“{_short(e.question)}”" if e.question else f"the paragraph at {e.id}"
        for r in items:
            if r.index == i:
                continue
            other = kb.entry(r.index)
            pair = frozenset((e.id, other.id))
            if pair in seen:
                continue
            later, earlier = (e, other) if r.index < i else (other, e)
            if r is items[0] and own < floor:
                fix = "reword the question" if e.question else "give it a heading that asks what it answers"
                out.append(_at(e, "shadowed", f"{what} is answered by {other.id} instead of its own answer: "
                                              f"{fix}, or merge the two entries", other))
            elif own >= floor and r.score >= floor:
                out.append(_at(later, "near-duplicate", f"{later.id} and {earlier.id} fight over questions like "
                                                        f"{what} (scores within {TIE:.0%}): merge them, or make "
                                                        f"each question say what sets it apart", earlier))
            elif (share := _cosine(words_of(i), words_of(r.index))) >= SAME_WORDS:
                out.append(_at(later, "near-duplicate", f"{later.id} says nearly the same as {earlier.id} "
                                                        f"({share:.0%} of their words in common): merge them, or "
                                                        f"keep one", earlier))
            else:
                continue
            seen.add(pair)
    return out


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def _normal(question: str) -> str:
    return " ".join(_WORDS.findall(question.lower()))


def _short(text: str | None, n: int = 60) -> str:
    t = " ".join((text or "").split())
    return t if len(t) <= n else t[:n - 1].rstrip() + "…"


def _tail(text: str, n: int = 6) -> str:
    """Return the last n words of text."""
    return " ".join(text.split()[-n:])
