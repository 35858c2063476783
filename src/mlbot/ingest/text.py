"""Plain text: a title line, short heading lines, paragraphs separated by blank lines, and questions (lines ending
in `?`) each followed by its answer. The bundled article is the model of this shape. `Q:`/`A:` pairs (also
`Question:`, `Q1.`), with or without blank lines between them, are FAQ entries whose question may run over lines;
the markers, and a question's list number ("3. How do I…?"), are not part of what the entry says."""
from __future__ import annotations

import itertools
import re
from dataclasses import replace

from ..model import Entry, Source
from ..sanitize import strip_controls

_END = re.compile(r"""[.!?…:;)\]"'»”’*`]\s*$""")
_Q_MARK = re.compile(r"(?:Q|Question)[ \t]*\d{0,3}[ \t]*[:.)][ \t]+(?=\S)", re.IGNORECASE)
_A_MARK = re.compile(r"(?:A|Answer)[ \t]*\d{0,3}[ \t]*[:.)][ \t]+(?=\S)", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,3}[.)][ \t]+(?=\S)")


def clean(line: str) -> str:
    """Return a line without control characters or surrounding blanks (documents are untrusted)."""
    return strip_controls(line).strip()


def looks_truncated(text: str) -> bool:
    """True when text stops mid-sentence: no closing punctuation at its end."""
    t = text.rstrip()
    return bool(t) and not _END.search(t) and len(t.split()) > 1


_LIST_START = re.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]")
_STEPS_START = re.compile(r"1[.)][ \t]")
_OPENERS = frozenset("`~| \t-*+•0123456789")   # what a code block, a table or a list starts with
_CAPTIONED = re.compile(r"[^\n]{1,200}\n\n\|")   # a table under its caption (html.py)


def with_examples(entries: list[Entry]) -> list[Entry]:
    """Return entries with each code block joined to the paragraph before it under the same headings, and so each
    table (Markdown's, or HTML's as html.py writes it), each numbered list (the steps of what it describes) and
    whatever the paragraph introduces ("You will need:", "Opening hours:"): "Install it with pipx:" is answered by
    its command, which alone answers nothing. A block that opens its section stays its own entry, and so does a long
    table's second part (html.py and parse_text read one in parts of 20 rows), and so does each term of a definition
    list with its definition: the paragraph introducing them lists their terms."""
    out: list[Entry] = []
    for k, e in enumerate(entries):
        prev = out[-1] if out else None
        if prev is not None and prev.text.endswith(":") and _DEFINITION.match(e.text) and _together(prev, e):
            # "The roles are:" over a definition list (html.py's <dl>, rst.py's): each term keeps its definition, an
            # entry of its own, and the paragraph lists the terms it introduces.
            terms = []
            for d in entries[k:]:
                term = _DEFINITION.match(d.text) if _together(prev, d) else None
                if term is None:
                    break
                terms.append(f"- {term[1]}")
            out[-1] = replace(prev, text=prev.text + "\n\n" + "\n".join(terms))
            out.append(e)
            continue
        # The first character rules out most entries at once: a join starts with code, a table or a list (or a
        # table's caption, html.py's "Admission prices\n\n| Ticket | Price |").
        if (prev is not None and (e.text[:1] in _OPENERS or "\n\n|" in e.text[:210] or prev.text.endswith(":"))
                and _together(prev, e) and prev.text[:1] not in ("|", "`", "~") and not _code(prev.text)
                and not _LIST_START.match(prev.text)
                and (_code(e.text) or ((e.text.startswith("|") or _CAPTIONED.match(e.text)) and "\n|" not in prev.text)
                     or _STEPS_START.match(e.text) or prev.text.endswith(":"))):
            out[-1] = replace(prev, text=f"{prev.text}\n\n{e.text}")
        else:
            out.append(e)
    return out


def _together(prev: Entry, e: Entry) -> bool:
    """True when e can join the paragraph before it: both paragraphs, under the same headings of one document."""
    return not e.questions and not prev.questions and prev.headings == e.headings and prev.source.path == e.source.path


_DEFINITION = re.compile(r"\*\*([^*\n]{1,80})\*\*  \n\S")   # a term over its definition: "**Delivery driver**  \n..."


FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")   # a Markdown code fence: its marks, then its info string


def fenced_lines(lines: list[str]) -> list[bool]:
    """Return, for each line, whether it belongs to fenced code: a fence or a line between two."""
    out, fence = [], None
    for line in lines:
        m = FENCE.match(line)
        out.append(bool(fence or m))
        if fence:
            fence = None if m and m[1][0] == fence[0] and len(m[1]) >= len(fence) and not m[2].strip() else fence
        elif m and not (m[1][0] == "`" and "`" in m[2]):   # "```x```" on one line is inline code
            fence = m[1]
    return out


_PROSE_LINE = re.compile(r"(?![ \t]|[-*+•][ \t]|\d{1,3}[.)][ \t]|[|#>])\S")   # no list item, table, heading, quote


def hard_breaks(text: str, mark: str) -> str:
    """Return text with its whitespace run together but for the line breaks `mark` stands for (a reader's sign for a
    `<br>`), written as Markdown's hard break, two spaces at a line's end; empty lines dropped."""
    return "  \n".join(part for part in (" ".join(x.split()) for x in text.split(mark)) if part)


def kept_breaks(text: str) -> str:
    """Return an answer written in a cell or a field (CSV, JSON, YAML) with each line break the writer made between
    two lines of prose (_kept: "Acme Ltd" over "12 Harbour Road") written as Markdown's hard break, two spaces at the
    line's end; a wrapped line stays as it is, and so do lists, tables and code. An answer that already has a hard
    break is written in Markdown, and left alone."""
    if "\n" not in text or "  \n" in text:
        return text
    lines = text.split("\n")
    code = fenced_lines(lines)
    width = wrap_width(lines)
    for i in range(len(lines) - 1):
        if not (code[i] or code[i + 1]) and _PROSE_LINE.match(lines[i]) and _PROSE_LINE.match(lines[i + 1]) \
                and _kept(lines[i].rstrip(), lines[i + 1].strip(), width):
            lines[i] = lines[i].rstrip() + "  "
    return "\n".join(lines)


def without_code(text: str) -> str:
    """Return text without its fenced code blocks (fenced_lines; one never closed runs to the end, as in Markdown)."""
    lines = text.split("\n")
    return "\n".join(x for x, code in zip(lines, fenced_lines(lines)) if not code)


def fenced(code: str, language: str = "") -> str:
    """Return code as a fenced Markdown block, the fence longer than any line of backticks inside it."""
    fence = "`" * max(3, 1 + max((len(r) for r in code.split("\n") if r and not r.strip("`")), default=0))
    return f"{fence}{language}\n{code.strip(chr(10))}\n{fence}"


def _code(text: str) -> bool:
    """True for a Markdown code block: fenced, or every line indented four spaces or a tab."""
    return text.startswith(("```", "~~~")) or all(x.startswith(("    ", "\t")) for x in text.split("\n") if x)


def looks_like_question(line: str) -> bool:
    return line.endswith("?") and len(line) <= 300


INLINE_HEADING_WORDS = 5   # a heading on the line above its paragraph is at most this long ("Parking", "Sick leave")


def _heading_on_top(lines: list[str]) -> bool:
    """True for a block whose first line is a heading and the rest a paragraph of prose under it ("Parking" over
    "There are 12 parking spaces in the garage. Ask facilities for one."): a capitalised line of at most
    INLINE_HEADING_WORDS words without punctuation, over lines that start a sentence and end one. An address, a list
    or a wrapped sentence is no such block."""
    first, rest = lines[0], lines[1:]
    words = first.split()
    if not rest or not 1 <= len(words) <= INLINE_HEADING_WORDS or not first[0].isupper() \
            or not _WORD.search(first[-1]) or _LIST_START.match(first):
        return False
    body = " ".join(rest)
    return rest[0][0].isupper() and body.rstrip().endswith((".", "!", "?")) and len(body.split()) >= 6 \
        and not _LIST_START.match(rest[0])



def looks_like_heading(line: str) -> bool:
    """A short line that is not a sentence: no closing full stop, or Title Case throughout."""
    words = line.split()
    if not words or len(words) > 16 or len(line) > 120 or line.endswith(("?", ",", ";", ":")):
        return False
    if not line.endswith((".", "!")):
        return True
    long = [w for w in words if len(w) > 3]
    return bool(long) and sum(w[0].isupper() for w in long) / len(long) >= 0.75


TABLE_COLUMNS = 40   # a rule of more dash runs than this is a row of dashes, not a table's (each row is cut at each)
TABLE_ROWS = 20      # rows of a table (items of an HTML list) an entry holds at most: a long one is read in parts
# A rule of dashes under a table's header, a run for each column ("----   ---------   ------").
_COLUMN_RULE = re.compile(r"[ \t]*[-=]{2,}(?:[ \t]+[-=]{2,})+[ \t]*$")
_WORD = re.compile(r"\w")
_SOLID_RULE = re.compile(r"[ \t]*(?:-{3,}|={3,})[ \t]*$")   # one rule the width of a table's header
_HEADER_CELL = re.compile(r"\S+(?: \S+)*")   # a header's cell: words apart by one blank, cells by two or more


def _column_table(lines: list[str], at: int) -> tuple[list[tuple[int, str]], int] | None:
    """Return a table aligned in columns, its header at lines[at] and a rule of a dash run a column under it, as
    Markdown tables of TABLE_ROWS rows at most under the header, each with the index of its first line, and the
    index of the line after the table (the first blank one); None if there is none. Each dash run gives a column's
    place; a line whose first column is blank carries on the row above ("Check the tap is open and the" / "inlet
    hose is not kinked."). Under one rule as wide as the header, the header's words give the places, where every
    row agrees."""
    if at + 1 >= len(lines) or not _WORD.search(lines[at]):
        return None
    if _COLUMN_RULE.match(lines[at + 1]):
        starts = [m.start() for m in re.finditer(r"[-=]+", lines[at + 1].expandtabs())]
    elif _SOLID_RULE.match(lines[at + 1]):
        # One rule under the whole header: the columns start where the header's words do after a gap of two
        # blanks or more ("Code   Meaning      What to do"), and every row must leave a blank before each.
        starts = [m.start() for m in _HEADER_CELL.finditer(lines[at].expandtabs())]
        below = itertools.takewhile(lambda x: x.strip() and not _SOLID_RULE.match(x), lines[at + 2:])
        if len(starts) < 2 or any(s < len(x) and x[s - 1] not in " " for x in map(str.expandtabs, below)
                                  for s in starts[1:]):
            return None
    else:
        return None
    if len(starts) > TABLE_COLUMNS:
        return None

    def cells(line: str) -> list[str]:
        line = line.expandtabs()
        return [clean(line[a:b]) for a, b in zip(starts, [*starts[1:], max(len(line), starts[-1])])]

    header = cells(lines[at])
    if sum(bool(c) for c in header) < 2:
        return None
    rows: list[list[list[str]]] = []   # each row's cells, each cell's pieces (a cell may run over lines)
    first: list[int] = []              # each row's first line
    end = at + 2
    while end < len(lines) and lines[end].strip() and not _COLUMN_RULE.match(lines[end]) \
            and not _SOLID_RULE.match(lines[end]):
        row = cells(lines[end])
        if not (rows and not row[0]):
            rows.append([[] for _ in starts])
            first.append(end)
        for pieces, c in zip(rows[-1], row):
            if c:
                pieces.append(c)
        end += 1
    if not rows:
        return None

    head = [table_row(header), table_rule(len(starts))]
    body = [table_row([" ".join(pieces) for pieces in r]) for r in rows]
    return [(first[k] if k else at, "\n".join([*head, *body[k:k + TABLE_ROWS]]))
            for k in range(0, len(body), TABLE_ROWS)], end


def table_row(cells: list[str]) -> str:
    """Return a Markdown table's row of cells, a "|" inside one escaped."""
    return "| " + " | ".join(" ".join(c.split()).replace("|", "\\|") for c in cells) + " |"


def table_rule(width: int) -> str:
    """Return the rule under a Markdown table's header row."""
    return "|" + "---|" * width


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Split text into blocks of non-blank lines, each with the 1-based line number of its first line. A table
    aligned in columns under a rule of dashes is a block of one line, its Markdown table (_column_table), or one
    for each part of a long one."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    raws = text.splitlines()
    skip = 0
    for n, raw in enumerate(raws, 1):
        if n <= skip:
            continue
        below = raws[n] if n < len(raws) else ""
        if ("-" in below or "=" in below) and (table := _column_table(raws, n - 1)):
            if current:
                blocks.append((start, current))
                current = []
            blocks.extend((at + 1, [part]) for at, part in table[0])
            skip = table[1]
            continue
        line = clean(raw)
        if line and not _WORDLESS.match(line):   # a rule ("* * *", "-----") or a title's underline: no text
            if not current:
                start = n
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def question_text(line: str) -> str:
    """Return a question without its marker or list number: "Q: How do I…?" and "3. How do I…?" ask "How do I…?"."""
    for mark in (_Q_MARK, _NUMBER):
        if m := mark.match(line):
            line = line[m.end():]
    return line


def _split_pairs(blocks: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Return blocks split before every `Q:` line: pairs written without blank lines between them."""
    out = []
    for start, lines in blocks:
        cuts = [0] + [i for i, x in enumerate(lines) if i and _Q_MARK.match(x)]
        out.extend((start + a, lines[a:b]) for a, b in zip(cuts, cuts[1:] + [len(lines)]))
    return out


_WORDLESS = re.compile(r"[^\w]+$")
_HEADER_FIELD = re.compile(r"([A-Za-z][\w-]*):[ \t]")
_MAIL_FIELDS = frozenset({"from", "to", "date", "subject", "cc", "reply-to", "message-id"})


def _without_mail_header(text: str) -> str:
    """Return text with a leading e-mail header block ("From: ...", "Subject: ...", up to the first blank line) read
    as its subject alone, on the subject's line: a newsletter saved as text opens with one. Other text as it is."""
    if not _HEADER_FIELD.match(text):
        return text
    lines = text.split("\n")
    end = next((i for i, x in enumerate(lines) if not x.strip()), len(lines))
    fields = [m[1].lower() for x in lines[:end] if (m := _HEADER_FIELD.match(x))]
    if len(_MAIL_FIELDS.intersection(fields)) < 2 or "from" not in fields or not all(
            _HEADER_FIELD.match(x) or x[:1] in (" ", "\t") for x in lines[:end]):
        return text
    for i in range(end):
        m = _HEADER_FIELD.match(lines[i])
        lines[i] = lines[i][m.end():] if m and m[1].lower() == "subject" else ""
    return "\n".join(lines)


# A line break is the writer's, not the wrapping's, where the next line's first word would have fitted well within the
# document's width: an address, opening hours, a short label over what it labels. Wrapping breaks a line only where
# the next word does not fit. A line that starts in lower case carries on the sentence above it ("and Ubuntu 22.04"),
# unless it is a list's "b)".
_GOES_ON = re.compile(r"[a-z](?![.)][ \t])")
MIN_WIDTH = 60       # the width assumed of a document of short lines
KEPT_BREAK = 0.75    # a break is kept where the line and the next word take at most this share of the width


def wrap_width(lines: list[str]) -> int:
    """Return the width a document's lines were written to: the 95th percentile of their lengths, MIN_WIDTH at least
    (a document of long unwrapped paragraphs has a width of hundreds of characters, and keeps every break)."""
    lengths = sorted(len(x) for x in lines if x)
    return max(MIN_WIDTH, lengths[int(0.95 * (len(lengths) - 1))] if lengths else 0)


def _kept(line: str, after: str, width: int) -> bool:
    """True when the break between two lines of prose is the writer's, not the wrapping's."""
    return (len(line) + 1 + len(after.split(None, 1)[0]) <= KEPT_BREAK * width and not _GOES_ON.match(after)) \
        or ("...." in line and "...." in after)   # a line each: "Ports ........ 4 x Gigabit LAN"


# A row's label and the gap after it, where its text starts: "Step 2  Find the loop", "[B] Mode button    Cycles",
# "Phone:  0800 555 0147". A label ending a sentence ("Doors close at ten.  Nobody...") is no row's.
_LABEL = re.compile(r"\S(?:.{0,38}?[^\s.!?,;])? {2,}(?=\S)")


def _rows(lines: list[str]) -> set[int]:
    """Return the indices of a block's lines that each start a row: a short label, two blanks or more, then its text,
    which starts at the same column as another row's (a continuation line under a row carries on its text)."""
    starts = [m.end() if (m := _LABEL.match(x)) else -1 for x in lines]
    shared = {s for s in starts if s > 0 and starts.count(s) > 1}
    return {i for i, s in enumerate(starts) if s in shared}


# A line that is a field of a contact block or a form: a capitalised label of a few words, a colon, its value.
_FIELD_LINE = re.compile(r"[A-Z][\w'&/.()-]*(?: [\w'&/.()-]+){0,3}:[ \t]+\S")


def _joined(lines: list[str], width: int = MIN_WIDTH) -> str:
    """Return a block's lines as its text: one paragraph of wrapped lines (but for the breaks its writer made, kept
    as Markdown's, two spaces at a line's end), then a list if one follows, an item a line (a wrapped item's lines
    joined). A list starts a paragraph's block where the line before it introduces it ("The guarantee does not
    cover:") or where two items follow one another."""
    if not _LIST_START.match(lines[0]):
        rows = _rows(lines)
        fields = [i for i, x in enumerate(lines) if _FIELD_LINE.match(x)]
        if len(fields) > 1:   # "Email: ..." under "Monday to Friday 8:00-20:00" over "Aquavell Service: 0345 ..."
            rows.update(fields)
        out = [lines[0]]
        for i in range(1, len(lines)):
            prev, x = lines[i - 1], lines[i]
            if _LIST_START.match(x) and (prev.endswith(":") or any(map(_LIST_START.match, lines[i + 1:]))):
                return "".join(out) + "\n" + _joined(lines[i:], width)
            out.append(("  \n" if i in rows or _kept(prev, x, width) else " ") + x)
        return "".join(out)
    items: list[str] = []
    for x in lines:
        if _LIST_START.match(x) or not items:
            items.append(x)
        else:
            items[-1] += " " + x
    return "\n".join(items)


def parse_text(text: str, path: str) -> list[Entry]:
    """Return the FAQ and paragraph entries of a plain-text document."""
    text = _without_mail_header(text)
    entries: list[Entry] = []
    title: str | None = None
    headings: list[str] = []       # the run of headings since the last paragraph
    heading_blocks: list[tuple[int, list[str]]] = []   # and their blocks
    title_block: tuple[int, list[str]] | None = None
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

    blocks = _split_pairs(_blocks(text))
    width = wrap_width([x for _, lines in blocks for x in lines])
    for line, lines in blocks:
        first = lines[0]
        if (m := _Q_MARK.match(first)):
            # A marked question: up to its `A:` line (it may wrap), else its first line; the answer after it.
            a = next((i for i, x in enumerate(lines) if i and _A_MARK.match(x)), 1)
            question = " ".join([first[m.end():], *lines[1:a]])
            answer = lines[a:]
            if answer and (am := _A_MARK.match(answer[0])):
                answer = [answer[0][am.end():], *answer[1:]]
            if pending:
                add((pending[1],), "", pending[0])
                pending = None
            if answer:
                add((question,), _joined(answer, width), line)
                after_paragraph = True
            else:
                pending = (line, question)
            continue
        if pending and (am := _A_MARK.match(first)):
            lines = [first[am.end():], *lines[1:]]
        if len(lines) == 1 and title is None and not entries and not looks_like_question(first):
            title, title_block = first, (line, lines)
            continue
        if len(lines) == 1 and looks_like_question(first):
            if pending:
                add((pending[1],), "", pending[0])
            pending = (line, question_text(first))
            continue
        if len(lines) == 1 and looks_like_heading(first) and pending is None:
            if after_paragraph:
                headings, heading_blocks = [], []
                after_paragraph = False
            headings.append(first)
            heading_blocks.append((line, lines))
            continue
        if pending is None and _heading_on_top(lines):
            # "Parking" on the line above its paragraph, with no blank line between: the section's heading.
            if after_paragraph:
                headings, heading_blocks = [], []
                after_paragraph = False
            headings.append(first)
            heading_blocks.append((line, lines[:1]))
            line, lines = line + 1, lines[1:]
            first = lines[0]
        if looks_like_question(first) and len(lines) > 1:
            if pending:
                add((pending[1],), "", pending[0])
                pending = None
            add((question_text(first),), _joined(lines[1:], width), line)
        elif pending:
            add((pending[1],), _joined(lines, width), pending[0])
            pending = None
        else:
            add((), _joined(lines, width), line)
        after_paragraph = True
    if pending:
        add((pending[1],), "", pending[0])
    if not after_paragraph:
        # Short lines at the end with no paragraph after them are content, not headings of nothing.
        # The first line is content too when nothing else is, or when it is a sentence ("Closed today.").
        title_too = title_block and not entries and (not headings or not looks_like_heading(title_block[1][0]))
        trailing = ([title_block] if title_too else []) + heading_blocks
        headings = []
        for line, lines in trailing:
            add((), _joined(lines, width), line)

    if entries and looks_truncated(entries[-1].text) and not text.endswith("\n"):
        last = entries[-1]
        entries[-1] = Entry(last.id, last.questions, last.text, last.source, last.headings, truncated=True)
    return with_examples([e for e in entries if e.text or e.questions])
