"""Plain text: a title line, short heading lines, paragraphs separated by blank lines, and questions (lines ending
in `?`) each followed by its answer. The bundled article is the model of this shape."""
from __future__ import annotations

import re

from ..model import Entry, Source
from ..sanitize import strip_controls

_END = re.compile(r"""[.!?…:;)\]"'»”’*`]\s*$""")


def clean(line: str) -> str:
    """Return a line without control characters or surrounding blanks (documents are untrusted)."""
    return strip_controls(line).strip()


def looks_truncated(text: str) -> bool:
    """True when text stops mid-sentence: no closing punctuation at its end."""
    t = text.rstrip()
    return bool(t) and not _END.search(t) and len(t.split()) > 1


def looks_like_question(line: str) -> bool:
    return line.endswith("?") and len(line) <= 300


def looks_like_heading(line: str) -> bool:
    """A short line that is not a sentence: no closing full stop, or Title Case throughout."""
    words = line.split()
    if not words or len(words) > 16 or len(line) > 120 or line.endswith(("?", ",", ";", ":")):
        return False
    if not line.endswith((".", "!")):
        return True
    long = [w for w in words if len(w) > 3]
    return bool(long) and sum(w[0].isupper() for w in long) / len(long) >= 0.75


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Split text into blocks of non-blank lines, each with the 1-based line number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = clean(raw)
        if line:
            if not current:
                start = n
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def parse_text(text: str, path: str) -> list[Entry]:
    """Return the FAQ and paragraph entries of a plain-text document."""
    entries: list[Entry] = []
    title: str | None = None
    headings: list[str] = []       # the run of headings since the last paragraph
    after_paragraph = False
    pending: tuple[int, str] | None = None   # a question waiting for its answer block

    def chain() -> tuple[str, ...]:
        return tuple(([title] if title else []) + headings)

    def add(questions: tuple[str, ...], body: str, at_line: int) -> None:
        c = chain()
        entries.append(Entry(
            id=f"{path}:{at_line}", questions=questions, text=body,
            source=Source(path, c[-1] if c else None, at_line), headings=c,
        ))

    blocks = _blocks(text)
    for line, lines in blocks:
        first = lines[0]
        if len(lines) == 1 and title is None and not entries and not looks_like_question(first):
            title = first
            continue
        if len(lines) == 1 and looks_like_question(first):
            if pending:
                add((pending[1],), "", pending[0])
            pending = (line, first)
            continue
        if len(lines) == 1 and looks_like_heading(first) and pending is None:
            if after_paragraph:
                headings = []
                after_paragraph = False
            headings.append(first)
            continue
        if looks_like_question(first) and len(lines) > 1:
            if pending:
                add((pending[1],), "", pending[0])
                pending = None
            add((first,), " ".join(lines[1:]), line)
        elif pending:
            add((pending[1],), " ".join(lines), pending[0])
            pending = None
        else:
            add((), " ".join(lines), line)
        after_paragraph = True
    if pending:
        add((pending[1],), "", pending[0])
    if not after_paragraph:
        # Short lines at the end with no paragraph after them are content, not headings of nothing.
        trailing = ([title] if title and not entries and not headings else []) + headings
        headings = []
        for line, lines in blocks[len(blocks) - len(trailing):]:
            add((), " ".join(lines), line)

    if entries and looks_truncated(entries[-1].text) and not text.endswith("\n"):
        last = entries[-1]
        entries[-1] = Entry(last.id, last.questions, last.text, last.source, last.headings, truncated=True)
    return [e for e in entries if e.text or e.questions]
