"""Entries -> the rows each field reads: an entry's question phrasings (or, for a paragraph, the headings it answers,
read as questions), all of them joined, its answer text, and the whole entry; the question rows as the sentence model
reads them (under their headings); and the headings that name paragraphs, for suggesting them after a refusal.
"""
from __future__ import annotations

import re
from collections import Counter

from .analyze import SENTENCE_BREAK
from .model import Entry


def entry_rows(entries: list[Entry]) -> dict[str, tuple[list[str], list[int]]]:
    """Return each kind of row (store.ROWS) as its texts and the entry each belongs to: the question phrasings (a
    paragraph's are the headings it answers), all of them joined, the answer text and the whole entry."""
    under = sections(entries)
    context = heading_context(entries)
    out: dict[str, tuple[list[str], list[int]]] = {kind: ([], []) for kind in ("question", "joined", "text", "doc")}
    for i, e in enumerate(entries):
        phrasings = (e.questions or heading_questions(e, under)) + e.alternates
        for q in phrasings:
            out["question"][0].append(q)
            out["question"][1].append(i)
        if phrasings:
            out["joined"][0].append(" ".join(phrasings))
            out["joined"][1].append(i)
        # The headings above an entry (not the document title, which every entry shares) say what it is about:
        # "What are the main challenges in this role?" sits under "Common questions about ML engineers".
        out["doc"][0].append(_doc_row(e, e.text, context[i]))
        out["text"][0].append(e.text if e.questions else " ".join((context[i], e.text)))
    out["doc"][1].extend(range(len(entries)))
    out["text"][1].extend(range(len(entries)))
    return out


def _doc_row(e: Entry, text: str, context: str) -> str:
    """Return the whole-entry row of e with text as its text: its headings but the title (context), its questions,
    the text."""
    return " ".join((context, *e.questions, *e.alternates, text))


def heading_context(entries: list[Entry]) -> list[str]:
    """Return, for each entry, the headings above it but its document's title, joined (context_headings)."""
    return [" ".join(h) for h in context_headings(entries)]


def context_headings(entries: list[Entry]) -> list[tuple[str, ...]]:
    """Return, for each entry, the headings above it but its document's title: what they say it is about. The
    title is the outermost heading over all of a document's entries under headings, or over more than half of
    them and over headings of its own; a plain-text manual or a newsletter whose first-level headings are its
    sections ("Garden competition") has none, and keeps them all.

    The pages of a site (several documents, one a home page: home_page) keep their titles: each is a section of the
    whole, as a heading is of one document, and its paragraphs rely on it ("Retries" on the Webhooks page says "we
    retry" and never "webhook"). Only the home page's title is the collection's own. Documents without a home page
    are taken as unrelated, each its own collection, as before: in one folder of unrelated documents, their titles
    in every entry made the sentence model find a document's paragraphs alike (docs/benchmarks.md, tenth session)."""
    counts = Counter((e.source.path, e.headings[0]) for e in entries if e.headings)
    nested = {(e.source.path, e.headings[0]) for e in entries if len(e.headings) > 1}   # over deeper headings
    totals: Counter = Counter()
    best: dict[str, tuple[int, str]] = {}
    for (path, head), n in counts.items():
        totals[path] += n
        if n > best.get(path, (0, ""))[0]:
            best[path] = (n, head)
    titles = {path: head for path, (n, head) in best.items()
              if n == totals[path] or (n * 2 > totals[path] and (path, head) in nested)}
    home = home_page(entries)
    if home is not None:
        titles = {path: head for path, head in titles.items() if path == home}
    return [e.headings[1:] if e.headings and titles.get(e.source.path) == e.headings[0] else e.headings
            for e in entries]


HOME_PAGES = frozenset({"index", "readme", "home"})


def home_page(entries: list[Entry]) -> str | None:
    """Return the path of the documents' home page, a top-level index, README or home file, when they are several
    documents and one of them is that."""
    paths = {e.source.path for e in entries}
    home = sorted(p for p in paths if "/" not in p and p.rsplit(".", 1)[0].lower() in HOME_PAGES)
    return home[0] if home and len(paths) > 1 else None


def in_context(entries: list[Entry], rows: tuple[list[str], list[int]]) -> tuple[list[str], list[int]]:
    """Return the question rows as the sentence model reads them: a question an entry asks after the headings it sits
    under (not the title), which say what it is about. "What are the main challenges in this role?" alone matches
    any question about challenges; under "Common Questions People Ask About Ml Engineers" it is about ML engineers.
    A paragraph's heading, read as its question (heading_questions), comes after the headings above it: in a site,
    "Fees" on the holds page is "Holds: Fees", not the fees of every page (on the four labelled documentation
    folders, top-1 149 -> 154 of 220; docs/benchmarks.md, eleventh session). The lexical fields read the question
    alone: the headings' words would count for every entry under them."""
    texts, row_entry = rows
    heads = context_headings(entries)
    out = []
    for text, i in zip(texts, row_entry):
        if entries[i].questions:
            context = " ".join(heads[i])
        else:   # a paragraph's heading, after the headings above it
            context = " ".join(heads[i][:heads[i].index(text)]) if text in heads[i] else ""
        out.append(f"{context}: {text}" if context else text)
    return out, row_entry


PIECE_WORDS = 3   # a sentence of fewer words ("Yes.", a list's "Porridge") says too little to be matched alone


def sentences(entries: list[Entry]) -> tuple[list[str], list[int]]:
    """Return each sentence of each entry's text that has several, read after the headings above it as the whole
    entry is (rows.entry_rows), and the entry of each: "We deliver prescriptions to homes within a five-mile
    radius" meets "do you deliver to people's houses" though the rest of its paragraph is about drivers and days.
    An answer the document cuts off loses its last, unfinished sentence ("Machine Learning Engineers face"). A
    table's rows are pieces too, each cell after its header (_headed_rows); a sentence wrapped over lines is one
    (unwrapped)."""
    texts: list[str] = []
    owners: list[int] = []
    heads = heading_context(entries)
    for i, e in enumerate(entries):
        parts = entry_sentences(e)
        if not parts:
            continue
        context = heads[i]
        for p in parts:
            texts.append(f"{context} {p}" if context else p)
            owners.append(i)
    return texts, owners


def entry_sentences(e: Entry) -> list[str]:
    """Return the sentences of e's text the sentence model reads as its pieces (sentences), in order; none for a
    paragraph of one sentence, which is its whole entry (the doc row)."""
    parts = SENTENCE_BREAK.split(unwrapped(_headed_rows(e.text) if has_table(e.text) else e.text))
    if e.truncated:
        parts = parts[:-1]
    parts = [p.strip() for p in parts if len(p.split()) >= PIECE_WORDS]
    return parts if len(parts) >= 2 or e.questions else []


LIST_ITEM = re.compile(r"(?:[-+*\u2022]|\d{1,3}[.)])(?:[ \t]|$)")   # a list item's marker (render.match_panel too)
FENCES = ("```", "~~~")


def unwrapped(text: str) -> str:
    """Return text with the lines its writer wrapped mid-sentence joined: a line that goes on in lower case from one
    that ends without a stop, outside code ("- No crew may go afloat after sunset or before sunrise, whatever" over
    "  the time of year."). The readers keep a list item's or an FAQ answer's lines as written (Markdown reflows
    them on screen), but a sentence cut at its line break is two pieces that each say half of it."""
    if "\n" not in text:
        return text
    out: list[str] = []
    fence = indented = False   # in fenced code; in a block indented as code (a blank line, then four spaces)
    for line in text.split("\n"):
        s = line.strip()
        prev = out[-1].rstrip() if out else ""
        indented = line.startswith(("    ", "\t")) and (indented or not prev)
        if s.startswith(FENCES):
            fence = not fence
        elif (not fence and not indented and s[:1].islower() and prev and prev[-1] not in ".!?:;|"
              and not out[-1].endswith("  ") and not prev.lstrip().startswith(FENCES) and not LIST_ITEM.match(s)):
            out[-1] = f"{prev} {s}"
            continue
        out.append(line)
    return "\n".join(out)


def sense_docs(entries: list[Entry], docs: list[str]) -> list[str]:
    """Return the whole-entry rows as the sentence model reads them: a table's rows with each cell after its header
    (_headed_rows), as its pieces are; other entries as they are."""
    out = list(docs)
    heads: list[str] | None = None
    for i, e in enumerate(entries):
        if has_table(e.text):
            heads = heads or heading_context(entries)
            out[i] = _doc_row(e, _headed_rows(e.text), heads[i])
    return out


def has_table(text: str) -> bool:
    """True when a line of text starts with a pipe: it may hold a Markdown table (as the readers write tables)."""
    return text.startswith("|") or "\n|" in text


def _headed_rows(text: str) -> str:
    """Return text with each row of its Markdown tables as its cells after their headers ("Day: Saturday; Open:
    9:00am - 5:00pm"), the header row and its rule left out: a row read alone says what each cell is."""
    # The Markdown reader's table rules, imported only for a text with a table (they are not needed to ask).
    from .ingest.markdown import TABLE_RULE, table_cells
    lines = text.split("\n")
    out: list[str] = []
    header: list[str] | None = None
    for k, line in enumerate(lines):
        if not line.startswith("|"):
            header = None
            out.append(line)
        elif k + 1 < len(lines) and TABLE_RULE.match(lines[k + 1]):
            header = table_cells(line)
        elif header is not None and not TABLE_RULE.match(line):
            out.append("; ".join(f"{h}: {c}" if h else c for h, c in zip(header, table_cells(line)) if c))
        elif header is None:
            out.append(line)
    return "\n".join(out)


def meaning_texts(docs: list[str]) -> list[str]:
    """Return the whole-entry rows as the sentence model and the word vectors read them: without their fenced code
    ("Install the package from PyPI:" over a page of Python is about installing, not about its code), unless the
    entry is code alone. The lexical fields read the code too ("pip install tallyhook")."""
    if not any("```" in d or "~~~" in d for d in docs):
        return docs
    # The readers' fence rules, imported only for an index with code.
    from .ingest.text import without_code
    return [(without_code(d).strip() or d) if "```" in d or "~~~" in d else d for d in docs]


# A heading over at most this many paragraphs is what they answer ("## Office"); over more it is a chapter title
# that tells them nothing apart, and reading it as each one's question would only cost time.
HEADING_QUESTION_MAX_PARAGRAPHS = 3


def sections(entries: list[Entry]) -> tuple[Counter, Counter]:
    """How many paragraphs (entries without a question) sit directly under each heading path of each document, and
    how many its whole section holds, subsections included."""
    direct: Counter = Counter()
    whole: Counter = Counter()
    for e in entries:
        if not e.questions:
            direct[(e.source.path, e.headings)] += 1
            for j in range(1, len(e.headings) + 1):
                whole[(e.source.path, e.headings[:j])] += 1
    return direct, whole


def heading_questions(e: Entry, counts: tuple[Counter, Counter]) -> tuple[str, ...]:
    """The headings a paragraph answers, read as its questions: its own heading ("How ML engineers actually work")
    when it is over only a few paragraphs, and the headings above that one whose whole section is as short ("Why ML
    engineers are in demand" over "Understanding the context"). The title names the whole document: it is read as
    the question only of the document's lead, the paragraphs directly under it."""
    direct, whole = counts
    h, path = e.headings, e.source.path
    if not h or direct[(path, h)] > HEADING_QUESTION_MAX_PARAGRAPHS:
        return ()
    if len(h) > 1 and whole[(path, h)] > HEADING_QUESTION_MAX_PARAGRAPHS:
        return ()   # a chapter's heading over subsections ("Lemon drizzle cake" over its ingredients and method)
    return (h[-1],) + tuple(h[j] for j in range(len(h) - 2, 0, -1)
                            if whole[(path, h[:j + 1])] <= HEADING_QUESTION_MAX_PARAGRAPHS)


def paragraph_topics(entries: list[Entry], rows: tuple[list[str], list[int]]) -> list[list]:
    """[index, heading] for each paragraph a heading names (its question rows, heading_questions): of its headings,
    the one that says most, by length ("Why ML engineers are in demand" over "Understanding the context")."""
    best: dict[int, str] = {}
    own: set[int] = set()   # paragraphs whose own, innermost heading is among their question rows
    for text, i in zip(*rows):
        e = entries[i]
        if not e.questions and text not in e.alternates:
            if len(text) > len(best.get(i, "")):
                best[i] = text
            if e.headings and text == e.headings[-1]:
                own.add(i)
    # A name must tell sections apart: a parent's heading that names paragraphs of its own as well ("Guests and
    # Visitors", over its lead and over "Deliveries") gives way to the subsection's own heading, or the chat's
    # /list, which names each section once, left "Deliveries" out. Unless the subsections' headings recur under
    # other parents: a changelog's versions, each with "Added" and "Fixed", keep the versions' names.
    sections_named: dict[tuple[str, str], set] = {}
    for i, t in best.items():
        sections_named.setdefault((entries[i].source.path, t), set()).add(entries[i].headings)
    parents: dict[tuple[str, str], set] = {}   # (file, heading) -> the parents it stands under
    for e in entries:
        if len(e.headings) > 1:
            parents.setdefault((e.source.path, e.headings[-1]), set()).add(e.headings[:-1])
    recurring = {(path, parent) for (path, _), ps in parents.items() if len(ps) > 1 for parent in ps}
    for i, t in best.items():
        e = entries[i]
        if (i in own and len(sections_named[(e.source.path, t)]) > 1 and t != e.headings[-1]
                and (e.source.path, e.headings[:-1]) not in recurring):
            best[i] = e.headings[-1]
    return [[i, t] for i, t in sorted(best.items())]


def document_title(entries: list[Entry]) -> str | None:
    """The first document's title: the outermost heading over more than half of its entries under headings. A
    plain-text manual whose title block reads as a paragraph has none: its first section's heading ("1. SAFETY
    INFORMATION") is not one."""
    if not entries:
        return None
    headed = [e.headings[0] for e in entries if e.headings and e.source.path == entries[0].source.path]
    return headed[0] if headed and headed.count(headed[0]) * 2 > len(headed) else None
