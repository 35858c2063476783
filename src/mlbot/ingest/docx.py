"""Word (.docx): the document's paragraphs, headings, lists and tables written out as Markdown, for the Markdown
reader to split into entries (a heading or bold paragraph that asks is an FAQ question, a Question/Answer table gives
one entry a row). Only the standard library: a .docx is a zip of XML.

Headings are found by their style's name ("heading 2", "Title"; a style's id may be in the user's language) or an
outline level. A source names the paragraph an entry starts at (Source.paragraph), counting the non-empty ones in
document order, table cells included: Word shows no line numbers.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

from ..model import Entry
from . import SkippedFile, placed
from .text import hard_breaks, table_row, table_rule

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BR = "\x00"   # where a <w:br/> breaks a paragraph's line (a control character: document text never keeps one)
MAX_XML = 64 * 2**20   # a document.xml larger than this unpacked is refused (a zip bomb, not an FAQ)


def parse_docx(path: Path, rel: str) -> list[Entry]:
    """Return the entries of a .docx document, each source naming its paragraph. Raises SkippedFile when it cannot be
    read."""
    from .markdown import parse_markdown
    markdown, paragraphs = docx_markdown(path, rel)
    return placed(parse_markdown(markdown, rel), paragraphs, "paragraph")


def docx_markdown(path: Path, rel: str) -> tuple[str, list[int]]:
    """Return a .docx document as Markdown, and the number of the paragraph each of its lines comes from (0 for the
    blank lines between blocks). Raises SkippedFile when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as z:
            body = _xml(z, "word/document.xml", rel)
            styles = _xml(z, "word/styles.xml", rel) if "word/styles.xml" in z.namelist() else None
    except SkippedFile:
        raise
    except (OSError, zipfile.BadZipFile, KeyError, ET.ParseError, ValueError, RuntimeError, NotImplementedError,
            EOFError, zlib.error) as e:   # damaged, encrypted, or packed in a way zipfile cannot read
        raise SkippedFile(f"skipped {rel}: could not read the Word document ({type(e).__name__}: {e})") from None
    levels = _style_levels(styles)
    lines: list[str] = []
    numbers: list[int] = []
    count = 0
    root = body.find(f"{_W}body")
    for el in root if root is not None else ():
        if el.tag == f"{_W}p" and (block := _paragraph(el, levels)):
            count += 1
            rows = [(line, count) for line in block.split("\n")]
        elif el.tag == f"{_W}tbl":
            rows, count = _table(el, count)
        else:
            continue
        if rows:
            if lines:
                lines.append("")
                numbers.append(0)
            lines.extend(text for text, _ in rows)
            numbers.extend(n for _, n in rows)
    return "\n".join(lines), numbers


def _xml(z: zipfile.ZipFile, name: str, rel: str) -> ET.Element:
    if z.getinfo(name).file_size > MAX_XML:
        raise SkippedFile(f"skipped {rel}: its {name} unpacks to more than {MAX_XML // 2**20} MB")
    return ET.fromstring(z.read(name))


def _style_levels(styles: ET.Element | None) -> dict[str, int]:
    """Return the heading level of each paragraph style id ("Title" 1, "heading N" N + 1), and 0 for list styles."""
    out = {}
    for s in styles.iter(f"{_W}style") if styles is not None else ():
        name = s.find(f"{_W}name")
        label = ((name.get(f"{_W}val") if name is not None else "") or "").strip().lower()
        m = re.fullmatch(r"heading (\d)", label)
        if m or label == "title" or label.startswith("list"):
            out[s.get(f"{_W}styleId") or ""] = int(m[1]) + 1 if m else 1 if label == "title" else 0
    return out


def _text(p: ET.Element) -> tuple[str, bool]:
    """Return a paragraph's text, and whether all of it is bold."""
    parts, bold = [], True
    for r in p.iter(f"{_W}r"):
        b = r.find(f"{_W}rPr/{_W}b")
        run_bold = b is not None and b.get(f"{_W}val", "true") not in ("0", "false")
        for node in r:
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
                bold = bold and (run_bold or not node.text.strip())
            elif node.tag == f"{_W}tab":
                parts.append(" ")
            elif node.tag == f"{_W}br":
                parts.append(_BR)
    return hard_breaks("".join(parts), _BR), bold


def _paragraph(p: ET.Element, levels: dict[str, int]) -> str:
    """Return a paragraph as a line of Markdown: a list item, a heading, a bold question or text, whose line breaks
    (`<w:br/>`: an address's lines) are Markdown's hard breaks, lines ending in two spaces."""
    broken, bold = _text(p)
    if not broken:
        return ""
    text = " ".join(broken.split())   # one line
    ppr = p.find(f"{_W}pPr")
    style = ppr.find(f"{_W}pStyle") if ppr is not None else None
    level = levels.get(style.get(f"{_W}val", "") if style is not None else "")
    outline = ppr.find(f"{_W}outlineLvl") if ppr is not None else None
    if level == 0 or (ppr is not None and ppr.find(f"{_W}numPr") is not None):
        return "- " + text
    if level is None and outline is not None and (v := outline.get(f"{_W}val", "")).isdigit() and int(v) < 6:
        level = int(v) + 1
    if level:
        return "#" * min(level, 6) + " " + text
    if bold and text.endswith("?"):
        return f"**{text}**"
    return broken


def _table(tbl: ET.Element, count: int) -> tuple[list[tuple[str, int]], int]:
    """Return a table as the lines of a Markdown pipe table, its first row the header, each with the number of the row's
    first non-empty paragraph; and the paragraphs counted so far, the table's included."""
    rows = []
    for tr in tbl.iter(f"{_W}tr"):
        first = count + 1
        cells = []
        for tc in tr.iter(f"{_W}tc"):
            texts = [t for t, _ in map(_text, tc.iter(f"{_W}p")) if t]
            count += len(texts)
            cells.append(" ".join(texts))   # table_row runs a cell's line breaks together
        rows.append((cells, min(first, count) if count else 0))
    if not rows:
        return [], count
    lines = [(table_row(cells), n) for cells, n in rows]
    return [lines[0], (table_rule(len(rows[0][0])), rows[0][1]), *lines[1:]], count
