"""reStructuredText (Sphinx documentation, a project's docs/faq.rst): written out as Markdown line for line, for the
Markdown reader to split into entries, so sources keep the document's own line numbers.

Section titles (underlined, or over- and underlined, in any punctuation) become headings, their levels in the order
the styles first appear, as reStructuredText has it. A definition list's term that asks ("How do I install it?"
over an indented answer) is an FAQ question, as are titles that ask. Directives are dropped with their content,
except admonitions (note, tip, warning...), whose text is kept; comments are dropped; a literal block (after "::")
stays code; roles and links keep their text (":ref:`install`" is "install", "`the site <https://...>`_" is "the
site").
"""
from __future__ import annotations

import re

from ..model import Entry
from .markdown import _NEWLINE, parse_markdown

_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}[ \t]*$")   # a line of one punctuation character, 3 or more
_DIRECTIVE = re.compile(r"\.\.[ \t]+([\w-]+)::(.*)$")
_COMMENT = re.compile(r"\.\.(?:[ \t]|$)")
_ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error", "seealso",
                "admonition", "versionadded", "versionchanged", "deprecated"}
_ROLE = re.compile(r":[\w.+-]+:`([^`<]*?)(?:\s*<[^`>]*>)?`")   # :ref:`text <target>` -> text
_LINK = re.compile(r"`([^`<]+?)\s*<[^`>]+>`__?")                 # `text <https://...>`_ -> text
_REFERENCE = re.compile(r"`([^`]+)`_\b|\b(\w+)_\b(?!\w)")          # `Some title`_ or word_ -> the words
_LITERAL = re.compile(r"``([^`]+)``")                            # ``code`` -> `code`
_FIELD = re.compile(r":([^:`\s][^:`]*):[ \t]+")   # a field list's ":Author: J. Smith"
_LIST = re.compile(r"(?:[-+*•]|#\.|\d{1,9}[.)]|\(?[a-zA-Z0-9]\))[ \t]")


def parse_rst(text: str, path: str) -> list[Entry]:
    """Return the FAQ and paragraph entries of a reStructuredText document."""
    markdown, continued = rst_markdown(text)
    return parse_markdown(markdown, path, continued)


def rst_markdown(text: str) -> tuple[str, frozenset[int]]:
    """Return a reStructuredText document as Markdown with the same lines, one for one, and the lines that start a
    later paragraph of a definition list's definition: its term heads the first paragraph only, so these join the
    entry before them (as html.py reads a <dd> of several <p>)."""
    lines = _NEWLINE.split(text)
    continued: set[int] = set()
    term_at = -1   # the line of the term whose definition is being kept, or -1
    out = list(lines)
    styles: list[tuple[str, bool]] = []   # (character, overlined) in the order they first appear: the levels
    skip_indented = keep_indented = False
    code = ""   # "    " while the indented block kept is a code directive's: Markdown's indented code
    base = 0   # the indent of the block kept: its lines lose that much (a literal block inside keeps the rest)
    number = 0   # the last number given to an auto-numbered list's item ("#.")
    i = 0
    while i < len(lines):
        line = lines[i].expandtabs(8)
        stripped = line.strip()
        indented = bool(stripped) and line[:1] == " "
        if indented and (skip_indented or keep_indented):
            if keep_indented and not code and term_at >= 0 and i > term_at + 1 and not lines[i - 1].strip():
                continued.add(i)
            if keep_indented:
                indent = len(line) - len(line.lstrip())
                base = base or indent
                kept = line[min(base, indent):].rstrip()
                out[i] = code + kept if code else _inline(_literal_mark(kept))
            else:
                out[i] = ""
            i += 1
            continue
        if stripped and not indented:
            skip_indented = keep_indented = False
            code, base, term_at = "", 0, -1
        table = _table(lines, i) if not indented and stripped[:1] in "+=" else None
        if table is not None:
            # A grid or simple table as a Markdown one, its rows from its first line on, blank lines after it.
            rows, end = table
            cells = [_inline(" | ".join(c.replace("|", "\\|") for c in row)) for row in rows]
            written = [f"| {cells[0]} |", "|" + "---|" * len(rows[0])] + [f"| {c} |" for c in cells[1:]]
            out[i:end] = written + [""] * (end - i - len(written))
            i = end
            continue
        if stripped.startswith("| ") or stripped == "|":
            # A line block (an address, a verse): a line each, as Markdown's hard break, without its bar.
            out[i] = _inline(stripped[2:]) + "  "
            i += 1
            continue
        title = _title(lines, i)
        if title:
            text_at, end, style = title
            if style not in styles:
                styles.append(style)
            for j in range(i, end):
                out[j] = ""
            out[text_at] = "#" * min(styles.index(style) + 1, 6) + " " + _inline(lines[text_at].strip())
            i = end
            continue
        directive = _DIRECTIVE.match(stripped) if not indented else None
        if directive:
            name = directive[1].lower()
            if name in _ADMONITIONS:
                out[i] = _inline(directive[2].strip())
                keep_indented = True
            elif name in ("code", "code-block", "sourcecode"):
                out[i] = ""
                keep_indented, code = True, "    "
            else:
                out[i] = ""
                skip_indented = True
        elif _COMMENT.match(stripped) and not indented:
            out[i] = ""
            skip_indented = True
        elif stripped and not indented and _asks(lines, i):
            out[i] = f"**{_inline(stripped)}**"   # a definition list's term that asks: its definition answers it
            keep_indented = True   # the definition, dedented (indented, Markdown would read it as code)
        elif stripped and not indented and _term(lines, i):
            # Any other term ("Delivery driver" over what the role does) heads its definition on a line of its own,
            # bold, as html.py writes a <dt>; text.with_examples lists the terms after a paragraph introducing them.
            out[i] = f"**{_inline(stripped)}**  "
            keep_indented, term_at = True, i
        elif stripped and not indented:
            # An auto-numbered item ("#. Arrive early") gets its number, as Markdown has none of its own.
            auto = line.startswith(("#. ", "#) "))
            number = number + 1 if auto else 0
            out[i] = _inline(_literal_mark(f"{number}{line[1:]}" if auto else line).rstrip())
            if field := _FIELD.match(out[i]):   # ":Edition: Third" a line of its own (Markdown's hard break)
                out[i] = f"{field[1]}: {out[i][field.end():]}  "
        i += 1
    return "\n".join(out), frozenset(continued)


_GRID_RULE = re.compile(r"\+(?:[-=]+\+)+$")      # +-----+------+ (or +=====+ under a header)
_SIMPLE_RULE = re.compile(r"=+(?:[ \t]+=+)+$")   # =====  ======


def _table(lines: list[str], i: int) -> tuple[list[list[str]], int] | None:
    """Return (its rows of cells, header first, and the line past it) when a grid or simple table starts at line i.
    A row over several lines has its lines' text joined in each cell; a table without a header has its first row as
    one, as Markdown needs."""
    first = lines[i].rstrip()
    if _GRID_RULE.match(first):
        bounds = [k for k, c in enumerate(first) if c == "+"]
        rows: list[list[str]] = []
        cur: list[list[str]] | None = None
        end = i + 1
        while end < len(lines):
            line = lines[end].rstrip()
            if _GRID_RULE.match(line) and len(line) == len(first):
                if cur is not None:
                    rows.append([" ".join(" ".join(c).split()) for c in cur])
                cur = None
            elif line.startswith("|") and len(line) == len(first):
                cur = cur or [[] for _ in bounds[1:]]
                for c, (a, b) in enumerate(zip(bounds, bounds[1:])):
                    cur[c].append(line[a + 1:b])
            else:
                break
            end += 1
        return (rows, end) if rows and cur is None else None
    if not _SIMPLE_RULE.match(first):
        return None
    spans = [(m.start(), m.end()) for m in re.finditer(r"=+", first)]
    rows, end, rules = [], i + 1, 1
    while end < len(lines):
        line = lines[end].rstrip()
        if _SIMPLE_RULE.match(line):
            rules += 1
            end += 1
            if rules == 3 or (end < len(lines) and not lines[end].strip()):
                break
            continue
        if not line.strip():
            break
        cells = [line[a:b if k < len(spans) - 1 else None].strip() for k, (a, b) in enumerate(spans)]
        if rows and not cells[0]:   # a continuation line: its text goes on in the row above
            rows[-1] = [f"{x} {y}".strip() for x, y in zip(rows[-1], cells)]
        else:
            rows.append(cells)
        end += 1
    return (rows, end) if rows and rules >= 2 else None


def _literal_mark(line: str) -> str:
    """Return a line without the "::" that opens a literal block after it ("free of charge::" says "free of
    charge:"; a "::" alone says nothing)."""
    if not line.endswith("::"):
        return line
    return "" if line.strip() == "::" else line[:-1]


def _title(lines: list[str], i: int) -> tuple[int, int, tuple[str, bool]] | None:
    """Return (the title's line, the line past its adornment, its style) when a section title starts at line i."""
    over = _ADORNMENT.match(lines[i])
    if over and i + 2 < len(lines) and lines[i + 1].strip() and (under := _ADORNMENT.match(lines[i + 2])) \
            and under[1] == over[1]:
        return i + 1, i + 3, (over[1], True)
    if over or not lines[i].strip() or lines[i][:1] in (" ", "\t") or i + 1 >= len(lines):
        return None
    under = _ADORNMENT.match(lines[i + 1])
    if under and len(lines[i + 1].rstrip()) >= min(len(lines[i].rstrip()), 4):
        return i, i + 2, (under[1], False)
    return None


def _asks(lines: list[str], i: int) -> bool:
    """True when line i is a definition list's term ending in "?": its next line is indented text."""
    term = lines[i].strip()
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return term.endswith("?") and not _LIST.match(term) and bool(nxt.strip()) and nxt[:1] in (" ", "\t")


def _term(lines: list[str], i: int) -> bool:
    """True when line i is a definition list's term: a short line, no list item, field or sentence, after a blank
    line (or a definition before it), with indented text on the next line."""
    term = lines[i].strip()
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    before = lines[i - 1] if i else ""
    return (len(term) <= MAX_TERM and not _LIST.match(term) and not _FIELD.match(term) and not _COMMENT.match(term)
            and not term.endswith((".", ":", ",", ";")) and bool(nxt.strip()) and nxt[:1] in (" ", "\t")
            and (not before.strip() or before[:1] in (" ", "\t")))


MAX_TERM = 80   # characters: a longer line over an indented one is a paragraph, not a term


def _inline(text: str) -> str:
    """Return a line with reStructuredText's inline markup read as Markdown or as its plain words."""
    text = _ROLE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE.sub(lambda m: m[1] or m[2], text)
    return _LITERAL.sub(r"`\1`", text)
