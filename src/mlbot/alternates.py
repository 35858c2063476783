"""Alternate questions the user attached to entries (from `mlbot review`): a plain JSON Lines file they can read and
edit, $XDG_DATA_HOME/mlbot/alternates.jsonl, one {"docs": KEY, "entry": ID, "anchor": TEXT, "question": TEXT} per
line. The index reads them as extra phrasings of those entries.

An entry's id is its file and line, which an edit above it moves: the anchor (the entry's question, else its first
words) finds it again, and an alternate whose entry is gone is set aside with a warning, never given to whatever
entry now sits on that line. Lines written before anchors (no "anchor") go by the id alone."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .paths import xdg_home


def data_dir() -> Path:
    return xdg_home("XDG_DATA_HOME") / "mlbot"


def alternates_path() -> Path:
    return data_dir() / "alternates.jsonl"


@dataclass(frozen=True)
class Alternate:
    entry: str                 # the id of the entry it was attached to
    anchor: str | None         # what that entry said (anchor_of), or None on a line written without one
    question: str


def anchor_of(e) -> str:
    """What identifies an entry across edits that move it: its question, else its text's first words."""
    return " ".join((e.question or " ".join(e.text.split()[:ANCHOR_WORDS])).split()).lower()


ANCHOR_WORDS = 12


def read_alternates(key: str, warn=lambda m: None) -> list[Alternate]:
    """Return the alternates attached for the knowledge base `key`; bad lines are reported and skipped."""
    path = alternates_path()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        warn(f"cannot read {path} ({e}); alternate questions are not used")
        return []
    out: dict[tuple[str, str | None, str], None] = {}
    bad = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if d.get("docs", key) != key:
                continue
            q, entry = str(d["question"]).strip(), str(d["entry"])
            anchor = d.get("anchor")
            anchor = " ".join(str(anchor).split()).lower() if anchor is not None else None
        except (ValueError, KeyError, TypeError, AttributeError):
            bad.append(n)
            continue
        if q:
            out[(entry, anchor, q)] = None
    if bad:
        warn(f"{path}: skipped {len(bad)} malformed line(s) (line {', '.join(map(str, bad[:5]))})")
    return [Alternate(*k) for k in out]


def placed(alternates: list[Alternate], entries: list, warn=lambda m: None) -> dict[int, list[str]]:
    """Return {entry index: [questions]}: each alternate on the entry it was attached to, found by its anchor
    where an edit has moved it (the nearest such entry of the same file), else set aside with a warning."""
    at = {e.id: i for i, e in enumerate(entries)}
    by_anchor: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(entries):
        by_anchor.setdefault((e.source.path, anchor_of(e)), []).append(i)
    out: dict[int, list[str]] = {}
    lost: list[Alternate] = []
    for a in alternates:
        i = at.get(a.entry)
        if a.anchor is not None and (i is None or anchor_of(entries[i]) != a.anchor):
            i = _moved(a, by_anchor, entries)
        if i is None:
            lost.append(a)
        elif a.question not in out.setdefault(i, []):
            out[i].append(a.question)
    if lost:
        shown = "; ".join(f"\"{a.question}\" ({a.entry})" for a in lost[:3]) + (" …" if len(lost) > 3 else "")
        warn(f"{len(lost)} alternate question{'s' if len(lost) > 1 else ''} attached to entries no longer in the "
             f"documents {'are' if len(lost) > 1 else 'is'} not used: {shown}; attach again with 'mlbot review'")
    return out


def _moved(a: Alternate, by_anchor: dict[tuple[str, str], list[int]], entries: list) -> int | None:
    """The entry an edit moved a's to: of the entries of its file that say what it said, the nearest its line."""
    path, _, line = a.entry.rpartition(":")
    near = by_anchor.get((path, a.anchor or ""))
    if not near:
        return None
    was = int(line) if line.isdigit() else 0
    return min(near, key=lambda j: abs(entries[j].source.line - was))


def add_alternate(key: str, entry, question: str) -> Path:
    """Append one alternate question for an entry; return the file written. Raises OSError when it cannot."""
    path = alternates_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"docs": key, "entry": entry.id, "anchor": anchor_of(entry),
                            "question": " ".join(question.split())}, ensure_ascii=False) + "\n")
    return path
