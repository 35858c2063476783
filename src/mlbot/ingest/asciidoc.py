"""AsciiDoc (Antora and Asciidoctor sites, a project's FAQ.adoc): written out as Markdown line for line, for the
Markdown reader to split into entries, so sources keep the document's own line numbers.

Section titles ("= Title", "== Section") become headings; a title that asks is an FAQ question. A labelled list's
term that asks ("How do I book?::", as in a [qanda] list) is an FAQ question and what follows it is the answer, up
to the next term that asks or the next title.
The header's author and revision lines, attribute entries (":toc: left"), block attributes ("[source,shell]",
"[qanda]"), block titles (".Example") and comments are dropped; listing and literal blocks stay code; other delimited
blocks (sidebars, examples, quotes) keep their text; "NOTE: ..." and the other admonitions keep theirs.
Preprocessor lines say nothing: "include::other.adoc[]" is not followed (a folder's other files are read on their
own), and both sides of "ifdef::name[]" ... "endif::name[]" are read, as the author wrote them; a one-line
"ifdef::name[text]" is its text. Links and
cross references keep their text ("https://example.org[our site]" is "our site"), *bold* and _italic_ read as
Markdown, and "{name}" is the value of the document's attribute entry ":name: value".
"""
from __future__ import annotations

import re

from ..model import Entry
from .markdown import _NEWLINE, parse_markdown

_TITLE = re.compile(r"(={1,6})[ \t]+(\S.*?)[ \t]*$")
_ATTRIBUTE = re.compile(r":!?([\w][\w-]*)!?:(?:[ \t]+(.*))?$")
_BLOCK_ATTRIBUTES = re.compile(r"\[\[?[^\]]*\]\]?$")   # [source,shell], [qanda], an anchor [[joining]]
_REFERENCE = re.compile(r"\{([\w-]+)\}")
_BLOCK_TITLE = re.compile(r"\.[^\s.]")
_DELIMITER = re.compile(r"(-{4,}|\.{4,}|\*{4,}|={4,}|_{4,}|\+{4,}|/{4,}|--)$")
_TERM = re.compile(r"(.+?)(:{2,4}|;;)(?:[ \t]+(.*))?$")
_ADMONITION = re.compile(r"(NOTE|TIP|IMPORTANT|WARNING|CAUTION):[ \t]+")
_LIST = re.compile(r"([*.-]+)[ \t]+(.*)$")
# No part of a link or cross reference holds the bracket that opens one: a line of "<<a," is read in linear time.
_URL = re.compile(r"\b(?:link:)?(?:https?|ftp|mailto):?[^\s\[\]]*\[([^\[\]]*)\]")
_XREF = re.compile(r"<<[^,<>]+,([^<>]+)>>|<<([^<>]+)>>|xref:[^\s\[]+\[([^\[\]]*)\]")
_MACRO = re.compile(r"\b(?:kbd|btn|menu|footnote|pass|image|icon):[^\s\[]*\[([^\[\]]*)\]")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_PREPROCESSOR = re.compile(r"(include|ifdef|ifndef|ifeval|endif)::[^\[\s]*\[(.*)\]$")
_CODE = ("----", "....")   # listing and literal blocks: their lines are code


def parse_asciidoc(text: str, path: str) -> list[Entry]:
    """Return the FAQ and paragraph entries of an AsciiDoc document."""
    return parse_markdown(asciidoc_markdown(text), path)


def asciidoc_markdown(text: str) -> str:
    """Return an AsciiDoc document as Markdown with the same lines, one for one."""
    lines = _NEWLINE.split(text)
    # Attribute entries (":email: members@example.org") stand for their values where a line says "{email}".
    values = {m[1]: m[2].strip() for x in lines if x[:1] == ":" and (m := _ATTRIBUTE.match(x)) and m[2]}

    def _inline(line: str) -> str:
        if "{" in line and values:
            line = _REFERENCE.sub(lambda m: values.get(m[1], m[0]), line)
        return _markup(line)

    out = []
    block = ""    # the delimiter of the code or comment block being read, or ""
    header = False   # in the document header: the author and revision lines under the "= Title" say nothing
    for line in lines:
        stripped = line.strip()
        if header:
            header = bool(stripped)
            if header and not _ATTRIBUTE.match(line) and not stripped.startswith("//"):
                out.append("")
                continue
        if block:
            if stripped == block:
                out.append("```" if block[:4] in _CODE else "")
                block = ""
            else:
                out.append(line if block[:4] in _CODE else "")
            continue
        if stripped.startswith("//") and not stripped.startswith("////"):
            out.append("")   # a comment line
            continue
        if m := _DELIMITER.match(stripped):
            if m[1][:4] in _CODE or m[1][:4] == "////":
                block = m[1]
                out.append("```" if m[1][:4] in _CODE else "")
            else:
                out.append("")   # a sidebar, example, quote or open block: its lines are read as they are
            continue
        if line[:1] in ("i", "e") and (m := _PREPROCESSOR.match(line.rstrip())):
            one_line = m[1] in ("ifdef", "ifndef") and m[2].strip()
            out.append(_inline(m[2].strip()) if one_line else "")
            continue
        if line[:1] == "=" and (m := _TITLE.match(line)):
            out.append(f"{'#' * len(m[1])} {_inline(m[2])}")
            header = len(m[1]) == 1 and not any(x.strip() for x in out[:-1])
            continue
        if _ATTRIBUTE.match(line) or _BLOCK_ATTRIBUTES.match(stripped) or stripped == "+" or (
                _BLOCK_TITLE.match(line)):
            out.append("")
            continue
        if (m := _TERM.match(stripped)) and not _LIST.match(stripped) and "://" not in m[1]:
            term = _inline(m[1].strip())
            rest = _inline(m[3]) if m[3] else ""
            # A term that asks opens an FAQ entry: a heading of the deepest level (it ends the answer above it even
            # without a blank line between), or a bold question with its answer on the same line. Another term is a
            # line of text.
            if term.endswith("?"):
                out.append(f"**{term}** {rest}" if rest else f"###### {term}")
            else:
                out.append(f"{term}: {rest}" if rest else term)
            continue
        if m := _ADMONITION.match(stripped):
            out.append(f"{m[1].capitalize()}: {_inline(stripped[m.end():])}")
            continue
        if m := _LIST.match(stripped):
            marks = m[1]
            depth = len(marks) - 1 if marks[0] in "*." else 0
            bullet = "1." if marks[0] == "." else "-"
            out.append(f"{'  ' * depth}{bullet} {_inline(m[2])}")
            continue
        if stripped.endswith(" +"):   # a hard line break: Markdown's two spaces at the line's end
            out.append(_inline(stripped[:-2].rstrip()) + "  ")
            continue
        out.append(_inline(stripped))   # indented text is a literal paragraph in AsciiDoc; here it is text
    return "\n".join(out)


def _markup(line: str) -> str:
    """Return a line with AsciiDoc's links, cross references and emphasis read as Markdown."""
    if "[" in line or "<<" in line:
        line = _URL.sub(lambda m: m[1] or m[0].split("[")[0], line)
        line = _XREF.sub(lambda m: m[1] or m[2] or m[3], line)
        line = _MACRO.sub(lambda m: m[1], line)
    line = _BOLD.sub(r"**\1**", line)
    return _ITALIC.sub(r"*\1*", line)
