"""Org-mode (Emacs notes, a project's FAQ.org): written out as Markdown line for line, for the Markdown reader to
split into entries, so sources keep the document's own line numbers.

Headlines ("* Pricing", "** How do I book a bench? :booking:") become headings, one level deeper when "#+TITLE:"
names the document; a headline that asks is an FAQ question, its body the answer. TODO keywords, priorities and
tags are dropped, as are property drawers, comments and other "#+" settings. Source and example blocks stay code;
links keep their text ("[[https://example.org][our site]]" is "our site"); *bold*, /italic/, =code= and ~code~
read as Markdown.
"""
from __future__ import annotations

import re

from ..model import Entry
from .markdown import _NEWLINE, parse_markdown

_HEADLINE = re.compile(r"(\*+)[ \t]+(?:(?:TODO|DONE|NEXT|WAITING|CANCELLED|CANCELED)[ \t]+)?(?:\[#[A-Z0-9]\][ \t]+)?"
                       r"(.*?)(?:[ \t]+:[\w@#%:]+:)?[ \t]*$")
_SETTING = re.compile(r"#\+(\w+):[ \t]*(.*)$")
_BLOCK = re.compile(r"#\+(begin|end)_(\w+)", re.IGNORECASE)
_DRAWER = re.compile(r":[\w-]+:[ \t]*$")
_LINK = re.compile(r"\[\[([^\[\]]+)\](?:\[([^\[\]]+)\])?\]")   # no "[" inside: linear on a line of "[[a"
# Emphasis as Org has it: the marker at the start or after a space, "-", "(", "{" or a quote, and before a
# non-space; closed after a non-space and before a space, punctuation or the end ("https://x.org/" is no italic).
# The text inside holds no marker of its own kind, so a line of markers is read in linear time, not quadratic.
_EMPHASIS = re.compile(r"(?<![^\s\-({'\"])([*/=~])(?=\S)((?:(?!\1).)*?\S)\1(?=[\s\-.,;:!?')}\[\"\\]|$)")
_MARKDOWN = {"*": "**", "/": "*", "=": "`", "~": "`"}
_TABLE_RULE = re.compile(r"[ \t]*\|-[-+|]*$")
_LIST = re.compile(r"(?:[-+]|\d{1,9}[.)])[ \t]")


def parse_org(text: str, path: str) -> list[Entry]:
    """Return the FAQ and paragraph entries of an Org-mode document."""
    return parse_markdown(org_markdown(text), path)


def org_markdown(text: str) -> str:
    """Return an Org-mode document as Markdown with the same lines, one for one."""
    lines = _NEWLINE.split(text)
    titled = any((m := _SETTING.match(x)) and m[1].lower() == "title" for x in lines[:50])
    out = []
    block = ""        # the kind of "#+begin_" block being read ("src", "quote"...), or ""
    drawer = False
    for line in lines:
        stripped = line.strip()
        if block:
            m = _BLOCK.match(stripped)
            if m and m[1].lower() == "end" and m[2].lower() == block:
                out.append("```" if block in ("src", "example") else "")
                block = ""
            else:
                out.append(line if block in ("src", "example") else _inline(line))
            continue
        if drawer:
            out.append("")
            drawer = stripped.lower() != ":end:"
            continue
        if m := _BLOCK.match(stripped):
            block = m[2].lower() if m[1].lower() == "begin" else ""
            out.append("```" if block in ("src", "example") else "")
            continue
        if m := _SETTING.match(stripped):
            out.append(f"# {_inline(m[2])}" if m[1].lower() == "title" and m[2].strip() else "")
            continue
        if (m := _HEADLINE.match(line)) and line[:1] == "*":
            level = min(len(m[1]) + titled, 6)
            out.append(f"{'#' * level} {_inline(m[2])}" if m[2] else "")
            continue
        if _DRAWER.match(stripped) and stripped.lower() != ":end:":
            drawer = True
            out.append("")
            continue
        if stripped == "#" or stripped.startswith("# "):   # a comment line
            out.append("")
            continue
        if _TABLE_RULE.match(line):
            out.append(line.replace("+", "|"))
            continue
        # A headline's body is often indented under it; four spaces would make Markdown read it as code.
        indent = len(line) - len(line.lstrip())
        out.append(" " * min(indent, 2 if _LIST.match(stripped) else 0) + _inline(stripped))
    return "\n".join(out)


def _inline(line: str) -> str:
    """Return a line with Org's links and emphasis read as Markdown."""
    if "[[" in line:
        line = _LINK.sub(lambda m: m[2] or m[1], line)
    return _EMPHASIS.sub(lambda m: f"{_MARKDOWN[m[1]]}{m[2]}{_MARKDOWN[m[1]]}", line)
