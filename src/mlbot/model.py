"""The data that flows between the stages: Entry and Source out of ingest, Match out of rank, Reply out of bot."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_PLACES = ("page", "paragraph", "cell")   # where a person looks in a document whose lines they never see
_quoted = json.encoder.encode_basestring   # a str as json.dumps(..., ensure_ascii=False) writes it


@dataclass(frozen=True)
class Source:
    """Where an entry came from: a path (relative to the folder given), the nearest heading and a 1-based line.

    For a document mlbot reads as text it extracts (PDF, Word, a notebook), `line` is a line of that text, which the
    user never sees: `page` (PDF), `paragraph` (Word, counting the non-empty ones, table cells included) or `cell` (a
    Jupyter notebook, counting every cell) says where it is."""

    path: str
    heading: str | None
    line: int
    page: int | None = None
    paragraph: int | None = None
    cell: int | None = None

    @property
    def place(self) -> str:
        """Return where in the file, as a person would look for it: "page 3", "paragraph 12", "cell 4" or "line 25"."""
        for unit in _PLACES:
            if getattr(self, unit) is not None:
                return f"{unit} {getattr(self, unit)}"
        return f"line {self.line}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "heading": self.heading, "line": self.line}
        out.update({unit: getattr(self, unit) for unit in _PLACES if getattr(self, unit) is not None})
        return out


@dataclass(frozen=True)
class Entry:
    """One answerable unit: an FAQ question (with alternate phrasings) and its answer, or a paragraph.

    `questions` is empty for a paragraph; `headings` is the chain of headings above it, outermost first.
    `truncated` marks text the document itself cuts off mid-sentence. `alternates` are phrasings a user attached
    (`mlbot review --attach`): matched as the entry's own are, but a paragraph they are attached to stays one.
    """

    id: str
    questions: tuple[str, ...]
    text: str
    source: Source
    headings: tuple[str, ...] = ()
    truncated: bool = False
    alternates: tuple[str, ...] = ()

    @property
    def question(self) -> str | None:
        return self.questions[0] if self.questions else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "questions": list(self.questions),
            "text": self.text,
            "source": self.source.to_dict(),
            "headings": list(self.headings),
            "truncated": self.truncated,
            **({"alternates": list(self.alternates)} if self.alternates else {}),
        }

    def to_json_text(self) -> str:
        """Return json.dumps(self.to_json(), ensure_ascii=False), byte for byte, written out without the dicts: an
        index of 200,000 paragraphs writes one for each, and this takes about half the time."""
        q = _quoted
        s = self.source
        places = "".join(f', "{unit}": {int(v)}' for unit, v in (("page", s.page), ("paragraph", s.paragraph),
                                                                 ("cell", s.cell)) if v is not None)
        return (f'{{"id": {q(self.id)}, "questions": [{", ".join(map(q, self.questions))}], "text": {q(self.text)}, '
                f'"source": {{"path": {q(s.path)}, "heading": {"null" if s.heading is None else q(s.heading)}, '
                f'"line": {int(s.line)}{places}}}, "headings": [{", ".join(map(q, self.headings))}], '
                f'"truncated": {"true" if self.truncated else "false"}'
                + (f', "alternates": [{", ".join(map(q, self.alternates))}]' if self.alternates else "") + "}")

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Entry:
        s = d["source"]
        return cls(
            id=str(d["id"]),
            questions=tuple(d.get("questions") or ()),
            text=str(d["text"]),
            source=Source(str(s["path"]), s.get("heading"), int(s["line"]),
                          *(int(s[k]) if s.get(k) is not None else None for k in _PLACES)),
            headings=tuple(d.get("headings") or ()),
            truncated=bool(d.get("truncated", False)),
            alternates=tuple(map(str, d.get("alternates") or ())),
        )


@dataclass(frozen=True)
class Match:
    """An entry as ranked for one question: its score parts and its 0-100 confidence."""

    entry: Entry
    score: float
    confidence: float
    highlight: str = ""
    matched_question: str | None = None
    index: int = -1          # the entry's place in its index, for picking it again
    topic: str | None = None   # for a paragraph, the heading that names it (shown as a choice's name; not in JSON)
    shown_as: str | None = None   # said in place of the confidence: an answer the user picked, or one beside it

    @property
    def name(self) -> str | None:
        """What names the answer to a user: the phrasing matched, its question, or the heading naming a paragraph."""
        return self.matched_question or self.entry.question or self.topic

    def to_dict(self) -> dict[str, Any]:
        e = self.entry
        return {
            "id": e.id,
            "question": self.matched_question if self.matched_question is not None else e.question,
            "text": e.text,
            "source": e.source.to_dict(),
            "confidence": shown(self.confidence),
            "highlight": self.highlight,
            "truncated": e.truncated,
            "score": round(self.score, 4),
        }


def shown(confidence: float) -> float:
    """Return a confidence (or threshold) as the JSON shows it, to one decimal. The bot decides on these shown
    values, so a reply never says "confidence": 91.7, "threshold": 91.7 and no_answer."""
    return round(confidence, 1)


# The replies the feedback log keeps for review (the others answered, or were small talk).
LOGGED = ("no_answer", "ambiguous")


@dataclass(frozen=True)
class Reply:
    """What the bot says to one question. `to_dict()` is the public JSON contract of `mlbot ask --json`."""

    question: str
    status: str
    confidence: float
    results: tuple[Match, ...] = ()
    message: str = ""
    suggestions: tuple[str, ...] = ()
    context_used: str | None = None
    threshold: float | None = None   # the confidence below which this bot said no_answer (None for chit-chat)
    choices: int = 2                 # ambiguous: how many of the first results are offered as choices (2 or 3)
    suggested: tuple[int, ...] = ()  # no_answer: the entry each suggestion names, when known (not in the JSON)
    read_as: str | None = None       # the question as ranked, when misspelt words were read as the documents' words
    follows: str | None = None       # the question before, when this one leans on it or was read after it (review)

    @property
    def best(self) -> Match | None:
        return self.results[0] if self.results else None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "question": self.question,
            "status": self.status,
            "confidence": shown(self.confidence),
            "results": [m.to_dict() for m in self.results],
        }
        if self.message:
            d["message"] = self.message
        if self.suggestions:
            d["suggestions"] = list(self.suggestions)
        if self.context_used:
            d["context"] = self.context_used
        if self.read_as:
            d["read_as"] = self.read_as
        if self.threshold is not None:
            d["threshold"] = shown(self.threshold)
        if self.status == "ambiguous":
            d["choices"] = min(self.choices, len(self.results))
        return d
