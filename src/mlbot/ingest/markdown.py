"""Markdown: a heading that asks a question is an FAQ entry whose answer is its whole section, Markdown kept; other
headings are context for the paragraphs under them. `**Q: ...?**` lines and `Q:`/`A:` pairs (`- **Q:** ...` list items
with an `**A:**` line too) are FAQ entries, as are the rows of a table whose header names a question and an answer
column (`| Question | Answer |`), a list item that asks over an indented answer (a Notion export's toggles), and a
MkDocs admonition whose title asks (`??? question "How do I...?"`, its answer indented under it).
MDX (Docusaurus, `.mdx`) is read as Markdown without its imports, JSX lines and `:::tip` fences (parse_mdx).

Line-based, not a full CommonMark parser: it knows what decides where entries begin and end (ATX and setext
headings, fenced code, thematic breaks, YAML front matter) and keeps everything else as the author wrote it.
"""
from __future__ import annotations

import bisect
import re
import textwrap
from dataclasses import dataclass, replace

from ..model import Entry, Source
from ..sanitize import strip_controls
from .tables import qa_columns
from .text import FENCE as _FENCE
from .text import clean, looks_like_question, looks_truncated, question_text, with_examples
from .text import fenced_lines as _fenced

_NEWLINE = re.compile(r"\r\n|\r|\n")   # not str.splitlines: it also splits at \f and \x1c, so lines would drift
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_BOLD_QUESTION = re.compile(r"\*\*(?:Q:\s*)?([^*]+\?)\*\*$|\*\*Q:\*\*\s*(.+\?)$")
_BOLD_LEAD = re.compile(r"\*\*([^*]+\?)\*\*[ \t]+(?=\S)")   # "**Question?** Answer on the same line."
_LIST_MARK = re.compile(r"(?:[-+*]|\d{1,9}[.)])[ \t]+")
_SUMMARY = re.compile(r" {0,3}(?:<details[^>]*>\s*)?<summary[^>]*>(.+?)</summary>\s*$", re.IGNORECASE)
# A line of HTML tags or comments alone (`<details>`, `</aside>`, `<!-- note -->`) holds no text: read as a blank one.
# An autolink (`<https://example.org>`, `<me@example.org>`) is no tag.
_TAG = r"(?:</?[A-Za-z][A-Za-z0-9-]*(?:[ \t/][^<>]*)?>|<!--.*?-->)"
_DETAILS = re.compile(rf" {{0,3}}{_TAG}(?:[ \t]*{_TAG})*[ \t]*$")
_Q = re.compile(r" {0,3}(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?(?:\*\*Q[:.]\*\*|Q[:.])[ \t]*(.*)$")
_A = re.compile(r" {0,4}(?:\*\*A[:.]\*\*|A[:.])[ \t]*")
TABLE_RULE = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_CELL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PSEUDO = 7   # the level of a `**Q: ...?**` or `Q:` line: deeper than any heading, so every heading ends its answer
_ADMONITION = re.compile(r" {0,3}(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+\"(.*)\")?[ \t]*$")   # MkDocs, Python-Markdown
_TOGGLE = re.compile(r"( {0,3})(?:[-+*]|\d{1,9}[.)])[ \t]+(.+\?)$")   # a list item that asks
# Obsidian's callouts: "> [!faq]- How do I...?" over "> " lines.
_CALLOUT = re.compile(r" {0,3}>[ \t]?\[!([\w-]+)\][+-]?[ \t]*(.*)$")
_CALLOUT_DEPTH = 4   # callouts nested deeper stay quotes: a page of thousands nested cannot exhaust the stack
_QUOTE_MARK = re.compile(r"^ {0,3}>[ \t]?")
# A static site's template tags on a line of their own: Hugo's shortcodes ("{{< details "How...?" >}}", "{{% expand
# "How...?" %}}", "{{< /details >}}") and GitBook's or Jekyll's Liquid tags ("{% hint style="info" %}").
_SHORTCODE = re.compile(r" {0,3}(?:\{\{[<%][ \t]*(/?)([\w-]+)(.*?)[%>]\}\}|\{%-?[ \t]*(\w+)(.*?)-?%\})[ \t]*$")
_SHORTCODE_TITLE = re.compile(r"""(?:^|[ \t])(?:(?:summary|title)=)?["']([^"']+)["']""")
# MyST (Jupyter Book, Sphinx): a directive in a fence ("```{dropdown} How do I...?", ":::{note}"), a target line
# "(label)=" and a role "{ref}`text`".
_DIRECTIVE = re.compile(r" {0,3}(`{3,}|~{3,}|:{3,})\{([\w-]+)\}[ \t]*(.*)$")
_PROSE_DIRECTIVES = frozenset({"dropdown", "admonition", "note", "tip", "hint", "important", "warning", "caution",
                               "attention", "danger", "error", "seealso", "topic", "sidebar", "margin", "card",
                               "tab-item", "tip-item", "div"})
# The containers of VitePress, Docusaurus and Pandoc's fenced divs: "::: tip Title", ":::tip[Title]", "::: details
# How do I...?", closed by a bare ":::". Read as MyST's prose directives are.
_CONTAINER = re.compile(r" {0,3}(:{3,})[ \t]*([A-Za-z][\w-]*)(?:\[([^\]]*)\]|[ \t]+([^{].*?))?[ \t]*$")
_CONTAINERS = _PROSE_DIRECTIVES | {"info", "details", "success", "danger", "secondary", "warning"}
_TARGET = re.compile(r" {0,3}\([\w.:-]+\)=[ \t]*$")
_ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)(?:\s*<[^`>]*>)?`")
_OPTION = re.compile(r" {0,3}:[\w-]+:(?:[ \t].*)?$")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def _unlinked(line: str) -> str:
    """Return a line with Obsidian's wiki links read as their text, outside its inline code."""
    out, at = [], 0
    for m in _CODE_SPAN.finditer(line):
        out += [_WIKILINK.sub(_link_text, line[at:m.start()]), m[0]]
        at = m.end()
    return "".join(out) + _WIKILINK.sub(_link_text, line[at:])


def _link_text(m: re.Match) -> str:
    return "" if m[1] else m[3] or m[2]


_WIKILINK = re.compile(r"(!?)\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")   # [[Page]], [[Page|text]], ![[embed]]
_JSX = r"</?[A-Z][\w.]*(?:[ \t][^<>]*)?/?>"
_MDX_LINE = re.compile(rf"(?:import|export)[ \t].*|{_JSX}(?:[ \t]*{_JSX})*"
                       r"|\{/\*.*\*/\}|:::[\w-]*(?:[ \t]+(.*))?")   # JSX, MDX comments, admonition fences (a title)


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str
    start: int   # index of its first line
    end: int     # index just past its last line (a setext heading has two or more)
    asks: bool   # does it open an FAQ entry?
    stop: int | None = None   # where its answer ends at the latest (a list item's indented answer)


@dataclass(frozen=True)
class _Block:
    start: int
    end: int


def _body_start(lines: list[str]) -> int:
    """Return the index of the first line after a leading front matter block, YAML (`---`) or TOML (Hugo's `+++`);
    0 when there is none."""
    mark = lines[0].strip()
    if mark in ("---", "+++"):
        for i in range(1, len(lines)):
            if lines[i].strip() in ((mark, "...") if mark == "---" else (mark,)):
                return i + 1
    return 0


def _atx_text(raw: str) -> str:
    """Return an ATX heading's text without its optional closing run of `#`."""
    s = raw.rstrip(" \t")
    bare = s.rstrip("#")
    if bare != s and (not bare or bare[-1] in " \t"):
        s = bare
    return clean(s)


def _plain(line: str) -> bool:
    """True for a line of running prose (not a list item, code, table row or quote), which may wrap onto the next."""
    return not (_LIST.match(line) or _FENCE.match(line) or line.startswith(("    ", "\t"))
                or line.lstrip(" ")[:1] in ("|", ">"))


def _continues(line: str) -> bool:
    # A block that starts like this after a blank line carries on a list or indented code above it.
    return bool(_LIST.match(line)) or line.startswith(("    ", "\t"))


def _pseudo_question(lines: list[str], i: int, in_block: bool) -> str | None:
    """Return the question of a `**Q: ...?**` line opening a block (or list item), of a block that opens with
    `**Question?**` and goes on with its answer, of a `<summary>` line that asks, or of a `Q:` line followed by an
    `A:` line."""
    line = lines[i]
    if "**" not in line and "<" not in line and "Q" not in line[:16]:
        return None   # most lines: none of the forms below can match (this runs for every line of a document)
    bare = line.strip()
    bare = bare[m.end():] if (m := _LIST_MARK.match(bare)) else bare
    m = _BOLD_QUESTION.match(bare) or _BOLD_LEAD.match(line)
    if m and not in_block:
        return clean(m[1] or m[2]) or None
    m = _SUMMARY.match(line)
    if m and looks_like_question(question := clean(re.sub(r"<[^>]+>", "", m[1]))):
        return question
    m = _Q.match(line)
    if m:
        j = i + 1
        while j < len(lines) and not lines[j]:
            j += 1
        if j < len(lines) and _A.match(lines[j]):
            return clean(m[1]) or None
    return None


def _toggle(lines: list[str], i: int) -> tuple[str, int] | None:
    """Return the question of a list item that asks over its answer indented under it ("- Can I bring my own
    clay?", as Notion exports its toggles), and the line where the answer's indent ends; else None."""
    m = _TOGGLE.match(lines[i])
    if not m:
        return None
    j = i + 1
    while j < len(lines) and not lines[j]:
        j += 1
    indent = len(m[1])
    if j == len(lines) or len(lines[j]) - len(lines[j].lstrip()) <= indent:
        return None
    while j < len(lines) and (not lines[j] or len(lines[j]) - len(lines[j].lstrip()) > indent):
        j += 1
    while not lines[j - 1]:
        j -= 1
    question = clean(m[2].strip("*_"))
    return (question, j) if question else None


def table_cells(line: str) -> list[str]:
    """Return the cells of a table row: split at pipes not escaped, the outer ones dropped."""
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)]


def _table_pairs(lines: list[str]) -> list[tuple[int, str, str]] | None:
    """Return (line offset, question, answer) for each row of a table of questions and answers, or None when the
    block is no such table: its header names a question and an answer column, or it has two columns and most of its
    first cells ask."""
    if len(lines) < 3 or not TABLE_RULE.match(lines[1]) or "|" not in lines[0]:
        return None
    header = table_cells(lines[0])
    rows = [(i, table_cells(x)) for i, x in enumerate(lines[2:], 2)]
    columns = qa_columns(header, [header[0], *(c[0] for _, c in rows)])
    if columns is None:
        return None
    q, a, named = columns
    if not named:
        rows = [(0, header), *rows]
    out = []
    for i, cells in rows:
        if max(q, a) < len(cells) and (question := clean(_CELL_BREAK.sub(" ", cells[q]))) and cells[a].strip():
            out.append((i, question, "\n".join(clean(x) for x in _CELL_BREAK.split(cells[a]))))
    return out or None


def _tokens(lines: list[str]) -> list[_Heading | _Block]:
    """Return the headings and blocks (runs of non-blank lines, fenced code kept whole) of a document, in order."""
    out: list[_Heading | _Block] = []
    start: int | None = None          # first line of the block being read
    prose = True                      # is that block running prose so far (so it may be a setext heading)?
    fence: tuple[str, int] | None = None
    joinable = False                  # may the next block join the previous one (a loose list, indented code)?

    def flush(end: int) -> None:
        nonlocal start, joinable
        if start is None:
            return
        prev = out[-1] if out else None
        if joinable and isinstance(prev, _Block) and _continues(lines[start]) and _continues(lines[prev.end - 1]):
            out[-1] = _Block(prev.start, end)
        else:
            out.append(_Block(start, end))
        start, joinable = None, True

    i = _body_start(lines)
    while i < len(lines):
        line = lines[i]
        if fence:
            close = _FENCE.match(line)
            if close and close[1][0] == fence[0] and len(close[1]) >= fence[1] and not close[2].strip():
                fence = None
        elif not line or ("<" in line and _DETAILS.match(line)):
            flush(i)
        elif m := _ATX.match(line):
            flush(i)
            text = _atx_text(m[2] or "")
            out.append(_Heading(len(m[1]), text, i, i + 1, looks_like_question(text)))
            joinable = False
        elif start is not None and prose and _SETEXT.match(line):
            text = " ".join(x.strip() for x in lines[start:i])
            out.append(_Heading(1 if "=" in line else 2, text, start, i + 1, looks_like_question(text)))
            start, joinable = None, False
        elif _BREAK.match(line):
            flush(i)
            joinable = False
        elif (question := _pseudo_question(lines, i, start is not None)) is not None:
            flush(i)
            # Its answer starts on the next line, or on this one after a bold question.
            out.append(_Heading(_PSEUDO, question, i, i + (not _BOLD_LEAD.match(line)), True))
            joinable = False
        elif line.endswith("?") and (toggle := _toggle(lines, i)):
            flush(i)
            out.append(_Heading(_PSEUDO, toggle[0], i, i + 1, True, toggle[1]))
            joinable = False
        else:
            if start is None:
                start, prose = i, True
            prose = prose and _plain(line)
            m = _FENCE.match(line)
            if m and not (m[1][0] == "`" and "`" in m[2]):
                fence = (m[1][0], len(m[1]))
        i += 1
    flush(len(lines))
    return out


def _trim(lines: list[str]) -> list[str]:
    """Return lines without the blank lines and thematic breaks around them."""
    first, last = 0, len(lines)
    while first < last and not lines[first]:
        first += 1
    while last > first and (not lines[last - 1] or _BREAK.match(lines[last - 1])):
        last -= 1
    return lines[first:last]


def _section(lines: list[str], strip_answer: bool, hard: frozenset[int] = frozenset(), at: int = 0) -> str:
    """Return the Markdown source of an answer; `strip_answer` drops the `A:` that opens a Q/A pair's answer (or the
    bold question before it on its line), and lines of tags alone (`<details>`) outside code, and takes off the indent
    all its lines share (an answer under a list item). A line whose index plus `at` is in `hard` ends in a hard line
    break, kept."""
    # An HTML example in a code block keeps its lines.
    body = _trim([x + "  " if at + k in hard and not code else x for k, (x, code) in enumerate(zip(lines, _fenced(lines)))
                  if code or "<" not in x or not _DETAILS.match(x)])
    if strip_answer and body and (m := _BOLD_LEAD.match(body[0]) or _A.match(body[0])):
        body = _trim([body[0][m.end():], *body[1:]])
    return textwrap.dedent("\n".join(body))


def _paragraph(lines: list[str], hard: frozenset[int] = frozenset(), at: int = 0) -> str:
    """Return a block's text: prose lines joined into one line but at its hard line breaks (a line whose index plus
    `at` is in `hard`, as two spaces ended it, or one a backslash ends), kept as Markdown's two spaces; lists and code
    kept line by line."""
    if all(_plain(x) for x in lines):
        out = [lines[0].strip()]
        for k, x in enumerate(lines[1:]):
            brk = at + k in hard or (out[-1].endswith("\\") and not out[-1].endswith("\\\\"))
            if brk:
                out[-1] = out[-1].removesuffix("\\").rstrip()
            out.append(("  \n" if brk else " ") + x.strip())
        return "".join(out)
    return "\n".join(lines).strip("\n")


_PROSE_LINE = re.compile(r"[ \t]*(?![-*+>|#]|\d+[.)][ \t]|```|~~~)\S")   # text, not a list, quote, table or fence


def _titled_block(out: list[str], i: int, title: str, body: range) -> None:
    """Write a titled block (an admonition, a callout, a shortcode, a directive) whose lines out[body] are already
    out of their own markup, as the Markdown reader reads an FAQ: a title that asks as a list item that asks over its
    body indented under it (_toggle); another title as a line of text over its body."""
    asks = looks_like_question(title)
    # A title that does not ask is the bold lead of its body, on its own line (a hard break): run into the body's
    # first sentence it read "Uploads on the Free and Starter plans On Free and Starter, file fields are dropped".
    out[i] = f"- {title}" if asks else f"**{title}**  " if title and len(body) and _PROSE_LINE.match(out[body[0]]) else title
    if asks:
        for j in body:
            if out[j].strip():
                out[j] = f"  {out[j]}"


def _admonitions(lines: list[str]) -> list[str]:
    """Return lines with each MkDocs admonition (`!!! note "Title"`, `??? question "How...?"`) read as its title over
    its body, taken out of the indent that would make it code; one whose title asks, as a list item that asks over
    its answer (_toggle)."""
    out = list(lines)
    i = 0
    while i < len(out):
        m = _ADMONITION.match(out[i]) if out[i][:4].lstrip()[:1] in ("!", "?") else None
        if not m:
            i += 1
            continue
        start = i
        i += 1
        while i < len(out) and (not out[i] or out[i].startswith(("    ", "\t"))):
            out[i] = out[i][1:] if out[i].startswith("\t") else out[i][4:]
            i += 1
        _titled_block(out, start, clean(m[1] or ""), range(start + 1, i))
    return out


def _callouts(lines: list[str], depth: int = 0) -> list[str]:
    """Return lines with each Obsidian callout ("> [!faq]- How do I...?" over its "> " lines) read as its title over
    its text, out of the quote; one whose title asks, as a list item that asks over its answer (_toggle). Callouts
    nested in it are read the same way."""
    out = list(lines)
    i = 0
    while i < len(out):
        m = _CALLOUT.match(out[i]) if ">" in out[i][:4] else None
        if not m:
            i += 1
            continue
        start = i
        i += 1
        while i < len(out) and out[i].lstrip(" ")[:1] == ">":
            out[i] = _QUOTE_MARK.sub("", out[i])
            i += 1
        if depth < _CALLOUT_DEPTH:   # a callout inside it ("> > [!warning] Careful"), line for line
            out[start + 1:i] = _callouts(out[start + 1:i], depth + 1)
        _titled_block(out, start, clean(m[2]), range(start + 1, i))
    return out


def _shortcodes(lines: list[str]) -> list[str]:
    """Return lines with a static site's template tags read: a shortcode that opens a block with a title that asks
    ("{{< details "How do I...?" >}}") as a list item that asks over its content (_toggle), up to its closing tag;
    other tags alone on their line ("{% hint %}", "{{< figure >}}") as blank lines."""
    out = list(lines)
    tags = [_SHORTCODE.match(x) if "{" in x[:5] else None for x in out]
    closing: dict[str, list[int]] = {}   # each shortcode's closing tags, by line: found by bisection, not a scan
    for j, c in enumerate(tags):
        if c and c[1]:
            closing.setdefault(c[2], []).append(j)
    i = 0
    while i < len(out):
        m = tags[i]
        if not m:
            i += 1
            continue
        name, rest = (m[2], m[3]) if m[2] else (m[4], m[5])
        title = _SHORTCODE_TITLE.search(rest or "")
        question = clean(title[1]) if title and not m[1] else ""
        out[i] = ""
        ends = closing.get(name, [])
        k = bisect.bisect_right(ends, i)
        if not looks_like_question(question) or k == len(ends):
            i += 1
            continue
        end = ends[k]
        for j in range(i + 1, end):
            out[j] = out[j].lstrip()
        _titled_block(out, i, question, range(i + 1, end))
        out[end] = ""
        i = end + 1
    return out


def _directives(lines: list[str]) -> list[str]:
    """Return lines with MyST's prose directives read as their text: one whose title asks ("```{dropdown} How do I
    book?") as a list item that asks over its content (_toggle), another as its title over its text (a note, not
    code); their fences and options (":open:") as blank lines. Other directives ("{code-cell}") stay as they are;
    target lines ("(faq)=") go, and roles ("{ref}`safety`") keep their text."""
    out = list(lines)
    bare: dict[str, list[int]] = {}   # the lines that are a bare fence, by character (made when first needed)
    i = 0
    while i < len(out):
        line = out[i]
        if _TARGET.match(line):
            out[i] = ""
        elif (m := _DIRECTIVE.match(line) or _CONTAINER.match(line)) and m[2].lower() in (
                _PROSE_DIRECTIVES if m.re is _DIRECTIVE else _CONTAINERS):
            fence = m[1]
            title = m[3] if m.re is _DIRECTIVE else m[3] or m[4] or ""
            # Its closing fence: the next bare fence of its character, as long or longer. Bare fences are listed
            # once, and only a few of them are looked at, so that unclosed directives cost no scan each.
            if fence[0] not in bare:
                bare[fence[0]] = [j for j, x in enumerate(out) if len(x.strip()) >= 3 and not x.strip().strip(fence[0])]
            ends = bare[fence[0]]
            k = bisect.bisect_right(ends, i)
            end = next((j for j in ends[k:k + 64] if len(out[j].strip()) >= len(fence)), None)
            if end is None:   # never closed: left as it is (a fence of code, to the Markdown reader)
                i += 1
                continue
            body = i + 1
            while body < end and _OPTION.match(out[body]):
                out[body] = ""
                body += 1
            _titled_block(out, i, clean(_ROLE.sub(r"\1", title)), range(body, end))
            out[end] = ""
            continue   # the body is read again: a directive may hold another ("{warning}" in a dropdown)
        elif "{" in line and "`" in line:
            out[i] = _ROLE.sub(r"\1", line)
        i += 1
    return out


_HTML_TAG = re.compile(_TAG)
_HTML_LINE = re.compile(r" {0,3}<[A-Za-z][A-Za-z0-9-]*(?:[ \t/>])")


def _html_lines(lines: list[str], fenced: list[bool]) -> list[str]:
    """Return lines with a line of HTML that holds text ("<figure><img ...><figcaption>Kit</figcaption></figure>",
    "<b>Note:</b> bring water") read as its text; `<details>`/`<summary>` lines are left for the FAQ rules, and code
    (`fenced`: _fenced(lines)) as it is."""
    out = list(lines)
    for i, (line, code) in enumerate(zip(lines, fenced)):
        if not code and _HTML_LINE.match(line) and not ("<summary" in (low := line.lower()) or "<details" in low):
            out[i] = " ".join(_HTML_TAG.sub(" ", line).split())
    return out


def _without_comments(lines: list[str], fenced: list[bool]) -> list[str]:
    """Return lines without Obsidian's `%% comments %%` (a comment's lines left blank, code (`fenced`:
    _fenced(lines)) left alone)."""
    out, inside = [], False
    for line, code in zip(lines, fenced):
        if code or ("%%" not in line and not inside):
            out.append(line)
            continue
        parts = line.split("%%")
        kept = "".join(part for k, part in enumerate(parts) if (k % 2 == 0) != inside)
        inside = inside != (len(parts) % 2 == 0)   # an odd count of markers leaves a comment open
        out.append(kept.rstrip())
    return out


_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")
_EMPTY_LINK = re.compile(r"\[\s*\]\([^()\s]*\)")
_WORD = re.compile(r"[^\W_]")


def _pictures_only(text: str) -> bool:
    """True for a paragraph of images alone, linked or not: a README's badges ("[![build](…)](…)") say nothing."""
    return "![" in text and not _WORD.search(_EMPTY_LINK.sub("", _IMAGE.sub("", text)))


def parse_mdx(text: str, path: str) -> list[Entry]:
    """Return the FAQ and paragraph entries of an MDX page (Docusaurus): Markdown, once its import and export
    lines, lines of JSX tags alone (`<Tabs>`, `<TabItem value="py">`), `{/* comments */}` and the `:::tip` fences
    of admonitions are read as blank lines (an admonition's title and text are kept)."""
    if "\r" in text:
        text = _NEWLINE.sub("\n", text)
    lines = text.split("\n")
    for i, code in enumerate(_fenced(lines)):
        if not code and (m := _MDX_LINE.fullmatch(lines[i].strip())):   # code keeps "import os"
            lines[i] = m[1] or ""
    return parse_markdown("\n".join(lines), path)


def parse_markdown(text: str, path: str, continued: frozenset[int] = frozenset()) -> list[Entry]:
    """Return the FAQ and paragraph entries of a Markdown document. A paragraph starting on a line of `continued`
    (0-based) goes on in the entry before it (rst.py's definitions of several paragraphs)."""
    # Controls stripped once for the whole text (not line by line: this is most of the reading time of a large
    # document), then each line keeps its indentation (it may be code) and loses trailing blanks.
    if "\r" in text:
        text = _NEWLINE.sub("\n", text)
    lines = strip_controls(text).split("\n")
    # Hard line breaks written as two spaces at a line's end, before the ends are trimmed: kept in paragraphs and
    # answers ("12 Harbour Road  " over "Portsmouth"), as Markdown shows them.
    hard = frozenset(i for i, x in enumerate(lines[:-1]) if x.endswith("  ") and x.strip() and lines[i + 1].strip()) \
        if "  \n" in text else frozenset()
    lines = [x.rstrip() for x in lines]
    if "!!!" in text or "???" in text:
        lines = _admonitions(lines)
    if "[!" in text:
        lines = _callouts(lines)
    if "{{" in text or "{%" in text:
        lines = _shortcodes(lines)
    if ":::" in text or "{" in text and ("`{" in text or ":{" in text or ")=" in text):
        lines = _directives(lines)
    if any(x.endswith("  ") for x in lines):   # a titled block's bold title over its body (_titled_block)
        hard |= {i for i, x in enumerate(lines[:-1]) if x.endswith("  ") and lines[i + 1].strip()}
        lines = [x.rstrip() for x in lines]
    if "[[" in text or "%%" in text or "<" in text:
        fenced = _fenced(lines)   # none of the passes below moves a fence
        if "[[" in text:   # Obsidian's links keep their text; its embeds ("![[map.png|400]]") show nothing here
            # Not in code: TOML's `[[storage]]` is an array of tables, and a config copied from the answer must work.
            lines = [_unlinked(x) if "[[" in x and not code else x for x, code in zip(lines, fenced)]
        if "%%" in text:   # Obsidian's comments, on one line or several
            lines = _without_comments(lines, fenced)
        if "<" in text:
            lines = _html_lines(lines, fenced)
    entries: list[Entry] = []
    open_headings: list[tuple[int, str]] = []   # (level, text), outermost first
    faq: tuple[_Heading, tuple[str, ...]] | None = None   # the question whose section is being read, and its chain

    def chain() -> tuple[str, ...]:
        return tuple(t for _, t in open_headings if t)

    def add(questions: tuple[str, ...], body: str, line: int, headings: tuple[str, ...]) -> None:
        source = Source(path, headings[-1] if headings else None, line)
        entries.append(Entry(f"{path}:{line}", tuple(map(question_text, questions)), body, source, headings))

    def close_faq(end: int) -> None:
        nonlocal faq
        if faq:
            q, headings = faq
            add((q.text,), _section(lines[q.end:end], q.level == _PSEUDO, hard, q.end), q.start + 1,
                headings)
            faq = None

    for token in _tokens(lines):
        if faq and faq[0].stop is not None and token.start >= faq[0].stop:
            close_faq(faq[0].stop)   # past a list item's indented answer: what follows is no longer part of it
            while open_headings and open_headings[-1][0] == _PSEUDO:
                open_headings.pop()
        if isinstance(token, _Block):
            if pairs := _table_pairs(lines[token.start:token.end]):
                close_faq(token.start)   # a table of questions is its own entries, never part of an answer above it
                context = tuple(t for t in chain() if not looks_like_question(t))   # not the questions above it
                for offset, question, answer in pairs:
                    add((question,), answer, token.start + offset + 1, context)
            elif faq is None and not _pictures_only(para := _paragraph(lines[token.start:token.end], hard, token.start)):
                if token.start in continued and entries and not entries[-1].questions:
                    entries[-1] = replace(entries[-1], text=f"{entries[-1].text}\n\n{para}")
                else:
                    add((), para, token.start + 1, chain())
            continue
        # A question nested in an answer is its own entry, so the answer above it stops there (no duplicated text).
        if faq and (token.level <= faq[0].level or token.asks):
            close_faq(token.start)
        while open_headings and open_headings[-1][0] >= token.level:
            open_headings.pop()
        if token.asks:
            # A `**Q?**` line, a toggle or a `<summary>` after an answer is not inside that answer's question.
            faq = (token, tuple(t for t in chain() if token.level < _PSEUDO or not looks_like_question(t)))
        open_headings.append((token.level, token.text))
    close_faq(len(lines))

    if entries and not text.endswith(("\n", "\r")) and looks_truncated(entries[-1].text):
        last = entries[-1]
        entries[-1] = Entry(last.id, last.questions, last.text, last.source, last.headings, truncated=True)
    return with_examples([e for e in entries if e.text or e.questions])
