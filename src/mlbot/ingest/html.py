"""HTML: the page title and h1-h6 are headings; a heading that asks a question is an FAQ entry answered by what follows
it, as are a `<dt>` or `<summary>` that asks one; the text of every other block (paragraph, cell, quote, preformatted
text) is a paragraph entry, and a list is one, written as a Markdown list. Script, style, navigation, form fields and
other inert markup are never read. A button, or a paragraph made of links alone, that asks a question opens an FAQ
entry answered by what follows it (an accordion's toggles); one that does not ask is page chrome (a sidebar's list of
links, "Sign up", a footer's "Privacy | Terms"): it names pages and answers nothing. Inside a heading a button is the
heading's text, and inside an FAQ answer a link is kept.

Only the standard library's html.parser is used. It is event-driven and never recurses, and so is this reader, so a
page of 100,000 nested elements costs no more than a flat one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from ..model import Entry, Source
from .tables import qa_columns
from .text import (
    TABLE_ROWS,
    clean,
    fenced,
    hard_breaks,
    looks_like_question,
    question_text,
    table_row,
    table_rule,
    with_examples,
)

_HIDDEN = frozenset({"script", "style", "nav", "template", "noscript", "svg", "head", "select", "textarea", "label"})
_WORD = re.compile(r"[^\W_]")   # a letter or digit
_SENTENCE = re.compile(r"[.!?:;\d]")   # what a label lacks: a sentence's punctuation, a figure
_BOLD_WEIGHT = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)\b", re.IGNORECASE)
_CLASS = re.compile(r"^\s*\.([\w-]+)\s*$")
_TOGGLE_CLASS = re.compile(r"(?:^|\s)(?:[\w-]*__)?(?:faq-?)?(?:question|expand-control|accordion-(?:header|heading|title|"
                           r"toggle|button)|toggle-(?:title|header)|collapsible-(?:header|title)|panel-title)(?:\s|$)")
DATA_CELL_CHARS = 200    # a table whose cells are all this short is data, read as one entry (_data_table)
DATA_TABLE_ROWS = LIST_ITEMS = TABLE_ROWS   # rows of a table, items of a list, an entry holds at most (in parts)
_BR = "\x00"   # where a <br> broke a block's text (a NUL in the document itself is dropped)
LIST_DEPTH = 4           # lists nested deeper are left as paragraphs: each level would copy all the levels inside
# Elements whose class or id names page chrome hold no answer, and are never read: MediaWiki's and Confluence's
# "[edit]" links, breadcrumbs, a table of contents, a page's "Created by ..., last modified ..." line, a cookie banner.
# Only elements that are always closed are hidden so (an unclosed <li> would hide what follows it).
_CHROME_NAME = re.compile(
    r"(?:^|\s)(?:[\w-]*[-_])?(?:(?:mw-)?editsection|edit-?section|breadcrumbs?|toc|toc-macro|table-?of-?contents|"
    r"page-metadata|cookie-?(?:banner|notice|consent|bar|dialog|popup)|skip-?link)(?:\s|$)", re.IGNORECASE)
# A page's small print: a copyright notice, alone or among a footer's links ("Privacy | Terms | © 2024 Formwell"). It
# answers nothing, and as the footer's entry it was the first suggestion for "where is your privacy policy?". A
# footer's address or opening hours stay.
_SMALL_PRINT = re.compile(r"(?:©|\(c\)|copyright\b)\s*(?:\d{4}|[^\W\d_])", re.IGNORECASE)
_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\b")
_FOOTER_SEPARATOR = re.compile(r"\s+[|·•]\s+")
SMALL_PRINT_CHARS = 120   # a copyright notice is short; a paragraph that begins with one and runs on says more


def small_print(text: str) -> bool:
    """True for a copyright notice, alone or among short links: each part between separators is the notice or a
    link's label of a few words. A notice that holds a comma or a figure other than a year ("© 2024 Harbourside
    Playhouse Trust, Quay Street, Portlaven", "company no. 10482217") says where or who, and is kept."""
    parts = _FOOTER_SEPARATOR.split(text.strip())
    notices = [p for p in parts if _SMALL_PRINT.match(p) and len(p) <= SMALL_PRINT_CHARS and "," not in p
               and not re.search(r"\d", _YEARS.sub("", p))]
    return bool(notices) and all(p in notices or len(p.split()) <= 3 for p in parts)


_MARKABLE = frozenset({"div", "span", "section", "ol", "ul", "table", "nav", "aside", "header", "footer"})
_CHROME = frozenset({"footer", "aside"})   # an FAQ answer never runs on into them, nor do their headings run out
_HEAD_TAGS = frozenset({"title", "meta", "link", "base", "script", "style", "noscript", "template"})
_HEADINGS = {"title": 0, "h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6, "dt": 7, "summary": 7}
_CONTAINERS = {"dt": "dl", "summary": "details"}   # whose end also ends the answer to a question term or summary
_DEFINITION_TERM = re.compile(r"\*\*[^*\n]+\*\*")   # a <dt> as _end_block writes it, before its definition
_BLOCKS = frozenset({
    "p", "li", "pre", "blockquote", "dd", "td", "th", "tr", "caption", "div", "section", "article", "main", "header",
    "footer", "aside", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "form", "fieldset", "figure",
    "figcaption", "address", "details", "hr", "body", "html", *_HEADINGS,
})


@dataclass
class _Faq:
    question: str
    line: int
    level: int
    headings: tuple[str, ...]
    container: str | None
    parts: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)   # each part's: "p" a paragraph, "li" a list's line, "tr" a row
    cells: dict[int, list[tuple[int, int]]] = field(default_factory=dict)   # table id -> (part, row) of its cells

    def add(self, text: str, kind: str = "p") -> None:
        self.parts.append(text)
        self.kinds.append(kind)

    def text(self) -> str:
        """The answer as Markdown: a list's lines, or a table's rows, one a line; paragraphs apart."""
        out = self.parts[:1]
        for k in range(1, len(self.parts)):
            same = self.kinds[k] == self.kinds[k - 1] != "p"
            out += ["\n" if same else "\n\n", self.parts[k]]
        return "".join(out)


@dataclass
class _List:
    """An open <ul> or <ol>: the paragraph entries read in it (outside a table), each with the number of the item it is
    in; in an FAQ answer, the answer it belongs to."""

    ordered: bool
    faq: _Faq | None = None   # the FAQ answer it is in
    item: int = 0
    marked: int = 0           # in an FAQ answer: the last item whose first line has its marker
    parts: list[tuple[int, int]] = field(default_factory=list)   # (entry index, item number)

    def mark(self, item: int | None = None) -> str:
        return f"{item or self.item}. " if self.ordered else "- "


class _PageReader(HTMLParser):
    def __init__(self, path: str, by_class: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.entries: list[Entry] = []
        self.hidden: list[str] = []          # open elements whose text is never read
        self.by_class = by_class             # hide the elements whose class or id names page chrome (_CHROME_NAME)
        self.marked: set[str] = set()        # the tags so hidden at least once
        self.headed = False                  # has a heading (h1-h6) been read: the page's header is above it
        self.labels: list[int] = []          # the entries above it that are short labels, not sentences
        self.page = False                    # a whole page (<html>, <head> or <body>), not an answer's HTML
        self.pre = 0                         # depth of <pre>: whitespace is kept inside
        self.buf: list[str] = []             # text of the block being read
        self.line = 0                        # line of its first visible character (0: none yet)
        self.capture: str | None = None      # the heading-like tag whose text `buf` holds
        self.open_headings: list[tuple[int, str]] = []
        self.faq: _Faq | None = None
        self.ids: dict[str, int] = {}        # how often each line's id was used: minified pages are one line
        self.links: list[bool] = []          # open <a href> elements: does each toggle part of this page?
        self.said = [False, False, False]    # has the block a letter or digit: outside links, in links, in toggles
        self.bold = False                    # reading a <strong> or <b> that opens its block
        self.lead: int | None = None         # where that bold lead ends in the block's text ("<b>Q?</b><br>A")
        self.chrome: list[list[tuple[int, str]]] = []   # open footers and asides: the headings open at each start
        self.tables: list[list[int]] = []    # open tables: [id, row, column] of the cell being read
        self.cells: dict[int, list[tuple[int, int, int]]] = {}   # table id -> (entry index, row, column) of cells
        self.n_tables = 0
        self.captions: dict[int, int] = {}   # table id -> the entry of its <caption> (or text before its first row)
        self.css: list[str] = []             # the text of <style> elements, for the classes that make text bold
        self.bold_classes: frozenset[str] | None = None
        self.spans: list[bool] = []          # open <span> elements: does each make its text bold (by class or style)?
        self.lists: list[_List] = []         # open <ul> and <ol> elements, innermost last
        self.term: int | None = None         # the entry of the last <dt> that does not ask, while its <dl> is open
        self.articles = 0                    # open <article> elements

    def close(self) -> None:
        super().close()
        self._end_block()
        self._close_faq()

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # The stdlib raises AssertionError on a `<![...` it does not know; browsers read any of them as a comment.
        end = self.rawdata.find(">", i + 3)
        return end + 1 if end >= 0 else -1

    def _gated(self, tag: str) -> bool:
        """True when a tag sits inside hidden markup (the head lets only its title through)."""
        return bool(self.hidden) and not (self.hidden == ["head"] and tag == "title")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("html", "head", "body"):
            self.page = True
        if tag in _HIDDEN or (tag in self.marked and tag in self.hidden):   # the latter: a <div> in a hidden <div>
            self.hidden.append(tag)
            return
        if self.hidden == ["head"] and tag not in _HEAD_TAGS:
            self.hidden.clear()   # a body tag in the head ends it, as in a browser; a missing </head> hides nothing
        if self._gated(tag):
            return
        if self.by_class and tag in _MARKABLE and any(
                k in ("class", "id") and v and _CHROME_NAME.search(v) for k, v in attrs):
            self.hidden.append(tag)   # a wiki's [edit] links, breadcrumbs, a table of contents, a cookie banner
            self.marked.add(tag)
            return
        if tag == "button":
            if self.capture is None:   # inside a heading (Bootstrap's accordion) its label is the heading's text
                self._end_block()
                self.capture = tag
            return
        if tag in _BLOCKS:
            self._end_block()
            if self.capture is None and any(k == "class" and v and _TOGGLE_CLASS.search(v) for k, v in attrs):
                # An FAQ widget's question by its class: Confluence's expand macro ("expand-control"), an accordion's
                # header, `<div class="faq-question">`. Read as a button is: a question when it asks.
                self.capture = "button"
        if tag in ("ul", "ol"):
            self.lists.append(_List(tag == "ol", self.faq))
        elif tag == "li" and self.lists:
            self.lists[-1].item += 1
        if tag == "article":
            self.articles += 1
        if tag in _CHROME:
            if self.faq:
                level = self.faq.level
                self._close_faq()
                self._pop_headings(level)
            self.chrome.append(list(self.open_headings))
            if tag == "footer" and not self.articles:
                # The page's footer, not the last section's: its address and small print are under the title only.
                # An <article>'s (a post's or a comment's byline) stays under the article's headings.
                self.open_headings = [h for h in self.open_headings if h[0] <= _HEADINGS["h1"]]
        elif tag == "table":
            self.n_tables += 1
            self.tables.append([self.n_tables, -1, -1])
        elif tag == "tr" and self.tables:
            self.tables[-1][1:] = [self.tables[-1][1] + 1, -1]
        elif tag in ("td", "th") and self.tables:
            self.tables[-1][2] += 1
        if tag == "span":
            # Google Docs and other editors' HTML: bold made by a CSS class (`.c2{font-weight:700}`) or a style.
            self.spans.append(self._bold_span(attrs))
            bold = self.spans[-1]
        else:
            bold = tag in ("strong", "b")
        if bold and self.capture is None and not any(self.said) and self.lead is None:
            self.bold = True
        if tag in _HEADINGS:
            self.capture = tag
        elif tag == "pre":
            self.pre += 1
        elif tag == "a" and any(k == "href" for k, _ in attrs):
            self.links.append(_toggles(attrs))
        elif tag == "br":
            self.buf.append("\n" if self.pre else _BR)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN or tag in self.marked:
            if tag in self.hidden:
                while self.hidden.pop() != tag:
                    pass
            return
        if self._gated(tag):
            return
        if tag in _BLOCKS or (tag == "button" and self.capture == "button"):
            self._end_block()
        if tag in ("ul", "ol") and self.lists:
            self._end_list(self.lists.pop())
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag == "a" and self.links:
            self.links.pop()
        elif (tag in ("strong", "b") or (tag == "span" and self.spans and self.spans.pop())) and self.bold:
            self.bold, self.lead = False, len("".join(self.buf))
        elif tag in _CHROME and self.chrome:   # the headings a sidebar or footer opened end with it
            self._close_faq()
            self.open_headings = self.chrome.pop()
        elif tag == "table" and self.tables:
            self._faq_table(self.tables.pop()[0])
        if tag == "dl":
            self.term = None
        elif tag == "article":
            self.articles = max(0, self.articles - 1)
        if self.faq and self.faq.container == tag:
            self._close_faq()
            self._pop_headings(_HEADINGS["dt"])

    def handle_data(self, data: str) -> None:
        if self.hidden and not (self.hidden == ["head"] and self.capture == "title"):
            if self.hidden[-1] == "style":
                self.css.append(data)
            return
        if not self.line and data.strip():
            self.line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.buf.append(data.replace(_BR, "") if _BR in data else data)
        where = 2 if self.links and self.links[-1] else bool(self.links)
        if not self.said[where] and _WORD.search(data):
            self.said[where] = True

    def _end_block(self) -> None:
        """Turn the text read since the last block boundary into a heading, an answer part or a paragraph."""
        raw, line, (unlinked, linked, toggles), lead = "".join(self.buf), self.line, self.said, self.lead
        self.buf, self.line, self.said, self.bold, self.lead = [], 0, [False, False, False], False, None
        text = clean(raw) if self.pre else _one_line(raw)
        if self.pre and text.strip():   # preformatted text is code, shown as it is written
            text = fenced(text)
        tag, self.capture = self.capture, None
        if tag is None and lead and looks_like_question(question := _one_line(raw[:lead])):
            # "<p><strong>Do you deliver?</strong><br>Within 5 miles.</p>": a question, its answer after it.
            self._heading(_HEADINGS["dt"], question, line or self.getpos()[0], None)
            if answer := clean(hard_breaks(raw[lead:], _BR)):
                self._add_paragraph(answer, line)
            return
        if tag == "button" or (tag is None and (linked or toggles) and not unlinked and not self.faq):
            if looks_like_question(text) and not linked:   # an accordion's toggle; other controls and links: chrome
                self._heading(_HEADINGS["dt"], text, line or self.getpos()[0], None)
            return
        if tag is None or (tag in _CONTAINERS and not looks_like_question(text)):
            if tag and self.faq and self.faq.level == _HEADINGS[tag]:
                self._close_faq()   # the next term of a list whose previous term asked a question
                self._pop_headings(_HEADINGS[tag])
            if tag == "dt" and text and not self.faq:
                # A term that does not ask ("Delivery driver"): bold over its definition, one entry (_add_paragraph).
                self.term = None
                self._add_paragraph(f"**{text}**", line)
                self.term = len(self.entries) - 1
            elif text and small_print(text):
                pass
            elif text:   # a paragraph keeps the lines its <br>s break ("12 Harbour Road<br>Portsmouth")
                self._add_paragraph(text if self.pre or _BR not in raw else clean(hard_breaks(raw, _BR)), line)
        elif tag == "title":
            if text and not any(level == 0 for level, _ in self.open_headings):
                self.open_headings.insert(0, (0, text))
        else:
            self._heading(_HEADINGS[tag], text, line or self.getpos()[0], _CONTAINERS.get(tag))

    def _bold_span(self, attrs: list[tuple[str, str | None]]) -> bool:
        """True for a span whose class or style makes its text bold."""
        if self.bold_classes is None:   # the page's styles, read at its first span: "selectors{declarations}" rules
            rules = (rule.rsplit("{", 1) for rule in "".join(self.css).split("}") if "{" in rule)
            self.bold_classes = frozenset(
                c[1] for selectors, declarations in rules if _BOLD_WEIGHT.search(declarations)
                for c in map(_CLASS.match, selectors.rsplit(";", 1)[-1].split(",")) if c)
        for k, v in attrs:
            if v and ((k == "class" and not self.bold_classes.isdisjoint(v.split()))
                      or (k == "style" and _BOLD_WEIGHT.search(v))):
                return True
        return False

    def _heading(self, level: int, text: str, line: int, container: str | None) -> None:
        if not self.headed and level <= 6:
            self.headed = True
            if self.labels and not self.tables and not self.cells:
                # Short labels above a whole page's first heading are its header: a site's or wiki space's name,
                # "Contents". On a page without headings they are all it says, and stay.
                gone = set(self.labels)
                self.entries = [e for i, e in enumerate(self.entries) if i not in gone]
        asks = looks_like_question(text)
        if self.faq and (level <= self.faq.level or asks):
            self._close_faq()
        elif self.faq and text:
            self.faq.add(text)   # a subheading inside an answer belongs to it
        self._pop_headings(level)
        if asks:
            self.faq = _Faq(question_text(text), line, level, self._chain(), container)
        self.open_headings.append((level, text))

    def _pop_headings(self, level: int) -> None:
        while self.open_headings and self.open_headings[-1][0] >= level:
            self.open_headings.pop()

    def _chain(self) -> tuple[str, ...]:
        """Return the enclosing headings, outermost first (an h1 that repeats the title is shown once)."""
        out: list[str] = []
        for _, text in self.open_headings:
            if text and (not out or out[-1] != text):
                out.append(text)
        return tuple(out)

    def _id(self, line: int) -> str:
        """Return `path:line`, with `#2`, `#3`... for further entries that start on the same line."""
        base = f"{self.path}:{line}"
        n = self.ids[base] = self.ids.get(base, 0) + 1
        return base if n == 1 else f"{base}#{n}"

    def _add_paragraph(self, text: str, line: int) -> None:
        # A table's <caption>, or text before its first row, is not one of its cells: it says what the table is.
        in_table = bool(self.tables) and self.tables[-1][1] >= 0
        if self.faq:
            if in_table:   # a table in an answer: its rows are read as lines of cells
                self.faq.cells.setdefault(self.tables[-1][0], []).append((len(self.faq.parts), self.tables[-1][1]))
                self.faq.add(text, "tr")
                return
            mine = [x for x in self.lists if x.faq is self.faq and x.item] if len(self.lists) <= LIST_DEPTH else []
            if not mine:
                self.faq.add(text)
                return
            # A list in an answer is written as Markdown's, its items' lines under their markers.
            inner = mine[-1]
            pad = "".join(" " * len(x.mark()) for x in mine[:-1])
            first = inner.marked != inner.item
            inner.marked = inner.item
            self.faq.add(pad + (inner.mark() if first else " " * len(inner.mark())) + text, "li")
            return
        if self.term is not None and self.term == len(self.entries) - 1 and not self.tables \
                and self.entries[-1].headings == self._chain() and not any(x.item for x in self.lists):
            # A definition under its term (a <dt> that does not ask): the term heads it ("**Delivery driver**").
            term = self.entries[-1]
            alone = _DEFINITION_TERM.fullmatch(term.text) is not None
            self.entries[-1] = replace(term, text=f"{term.text}{'  ' if alone else ''}\n{'' if alone else chr(10)}{text}")
            return
        if self.page and not self.headed and not self.tables and len(text.split()) <= 3 and not _SENTENCE.search(text):
            self.labels.append(len(self.entries))   # dropped at the page's first heading (_heading)
        headings = self._chain()
        source = Source(self.path, headings[-1] if headings else None, line)
        if in_table:
            table, row, column = self.tables[-1]
            self.cells.setdefault(table, []).append((len(self.entries), row, column))
        elif self.tables:
            self.captions[self.tables[-1][0]] = len(self.entries)
        elif self.lists and len(self.lists) <= LIST_DEPTH:
            self.lists[-1].parts.append((len(self.entries), self.lists[-1].item))
        self.entries.append(Entry(self._id(line), (), text, source, headings))

    def _end_list(self, done: _List) -> None:
        """At a list's end, join its items into one entry written as a Markdown list ("- Porridge", "1. Heat the
        oven"), LIST_ITEMS items at most an entry, as a Markdown document's list is kept: an item alone ("Porridge")
        answers nothing, and with_examples joins a list to the paragraph that introduces it ("We serve breakfast:").
        A list inside another is joined into the item it is in, down to LIST_DEPTH. A list with a question, a
        heading or a label of the page's header among its entries, or of a single item at the top, is left as it
        was."""
        if len(self.lists) >= LIST_DEPTH:
            return
        at = [i for i, _ in done.parts]
        outer = self.lists[-1] if self.lists else None
        if not at or at != list(range(at[0], len(self.entries))) or not set(self.labels).isdisjoint(at) \
                or len({e.headings for e in self.entries[at[0]:]}) > 1 \
                or (outer is None and len({item for _, item in done.parts}) < 2):
            if outer is not None:   # its entries are the outer item's, as they are
                outer.parts += [(i, outer.item) for i in at]
            return
        items: list[list[Entry]] = []
        last = None
        for i, item in done.parts:
            if item != last:
                items.append([])
                last = item
            items[-1].append(self.entries[i])
        parts = []
        for k in range(0, len(items), LIST_ITEMS):
            lines = []
            for n, es in enumerate(items[k:k + LIST_ITEMS], k + 1):
                mark = done.mark(n)
                lines.append(mark + "\n".join(e.text for e in es).replace("\n", "\n" + " " * len(mark)))
            parts.append(replace(items[k][0], text="\n".join(lines)))
        self.entries[at[0]:] = parts
        if outer is not None:
            outer.parts += [(at[0] + j, outer.item) for j in range(len(parts))]

    def _faq_table(self, table: int) -> None:
        """At a table's end: in an FAQ answer, write it as a Markdown table (its cells one a line, if it has one
        column); elsewhere, turn a table of questions and answers (tables.qa_columns) into FAQ entries, one a row."""
        if self.faq and (parts := self.faq.cells.pop(table, None)):
            rows: dict[int, list[int]] = {}
            for i, row in parts:
                rows.setdefault(row, []).append(i)
            if max(map(len, rows.values())) < 2:   # one column: its cells are lines
                joined = {ix[0]: self.faq.parts[ix[0]] for ix in rows.values()}
            else:   # written as a Markdown table, the first row its header, as _data_table writes one
                width = max(map(len, rows.values()))
                joined = {ix[0]: table_row([self.faq.parts[i] for i in ix] + [""] * (width - len(ix)))
                          for ix in rows.values()}
                joined[min(joined)] += "\n" + table_rule(width)
            gone = {i for ix in rows.values() for i in ix[1:]}
            self.faq.parts = [joined.get(i, p) for i, p in enumerate(self.faq.parts) if i not in gone]
            self.faq.kinds = [k for i, k in enumerate(self.faq.kinds) if i not in gone]
        cells = self.cells.pop(table, [])
        at = {i for i, _, _ in cells}
        grid: dict[tuple[int, int], list[Entry]] = {}
        for i, row, column in cells:
            grid.setdefault((row, column), []).append(self.entries[i])
        rows = sorted({r for r, _ in grid})
        if not at or len(rows) < 2:
            return

        def text(r: int, c: int | None) -> str:
            return "\n".join(e.text for e in grid.get((r, c), ()))

        width = max(c for _, c in grid) + 1
        columns = qa_columns([text(rows[0], c) for c in range(width)], [text(r, 0) for r in rows])
        if columns is None:
            self._data_table(cells, grid, rows, width, self.captions.pop(table, None))
            return
        q, a, named = columns
        rows = rows[1:] if named else rows
        pairs = []
        for r in rows:
            first = grid.get((r, q))
            if first and looks_like_question(question := " ".join(" ".join(e.text for e in first).split())) \
                    and text(r, a):
                e = first[0]
                pairs.append(Entry(e.id, (question_text(question),), text(r, a), e.source, e.headings))
        if pairs:
            start = min(at)
            self.entries[start:] = [*pairs, *(e for i, e in enumerate(self.entries[start:], start) if i not in at)]

    def _data_table(self, cells: list[tuple[int, int, int]], grid: dict[tuple[int, int], list[Entry]],
                    rows: list[int], width: int, caption: int | None = None) -> None:
        """Turn a table of short cells (a timetable, a price list) into one entry of its rows, written as a Markdown
        table (DATA_TABLE_ROWS rows at most, each part under the header row), as a Markdown document's table is
        kept: a cell alone ("Tuesday") answers nothing. A table of long cells or of several paragraphs a cell is
        the page's layout: its cells stay paragraphs."""
        if width < 2 or any(len(es) > 1 or len(es[0].text) > DATA_CELL_CHARS for es in grid.values()):
            return
        at = {i for i, _, _ in cells}

        def line(r: int) -> str:
            return table_row([" ".join(grid[(r, c)][0].text.split()) if (r, c) in grid else "" for c in range(width)])

        header, body = line(rows[0]), [line(r) for r in rows[1:]]
        rule = table_rule(width)
        start = min(at)
        parts = []
        for k in range(0, max(len(body), 1), DATA_TABLE_ROWS):
            cell = grid[next((r, c) for r in (rows[1 + k:] if k else rows) for c in range(width) if (r, c) in grid)][0]
            text = "\n".join([header, rule, *body[k:k + DATA_TABLE_ROWS]])
            parts.append(Entry(cell.id, (), text, cell.source, cell.headings))
        if caption is not None and caption == start - 1 and self.entries[caption].headings == parts[0].headings:
            # The caption heads the table's first part: "Admission prices from 1 April 2026", then the table.
            start = caption
            at = at | {caption}
            parts[0] = replace(self.entries[caption], text=f"{self.entries[caption].text}\n\n{parts[0].text}")
        self.entries[start:] = [*parts, *(e for i, e in enumerate(self.entries[start:], start) if i not in at)]

    def _close_faq(self) -> None:
        faq, self.faq = self.faq, None
        if faq and faq.parts:   # a question with nothing after it answers nothing ("Was this page helpful?")
            source = Source(self.path, faq.headings[-1] if faq.headings else None, faq.line)
            self.entries.append(
                Entry(self._id(faq.line), (faq.question,), faq.text(), source, faq.headings)
            )


def _one_line(raw: str) -> str:
    """Return a block's text as one line (a heading's, a question's), whitespace and line breaks run together."""
    return clean(" ".join(raw.replace(_BR, " ").split()))


def _toggles(attrs: list[tuple[str, str | None]]) -> bool:
    """True for a link that opens part of its own page (an accordion's `href="#answer-3"`, `data-bs-toggle`), not
    another page."""
    return any(k in ("aria-controls", "aria-expanded", "data-toggle", "data-bs-toggle") or
               (k == "href" and (v or "").startswith("#")) for k, v in attrs)


def parse_html(text: str, path: str) -> list[Entry]:
    """Return the FAQ and paragraph entries of an HTML page."""
    text = _defused(text)
    reader = _PageReader(path)
    reader.feed(text)
    reader.close()
    if any(tag in reader.marked for tag in reader.hidden):
        # An element hidden by its class was never closed: it would hide the rest of the page. Read it again,
        # keeping such elements, rather than lose the page.
        reader = _PageReader(path, by_class=False)
        reader.feed(text)
        reader.close()
    return with_examples(reader.entries)


# A "<" with another "<" before any ">" opens no tag a browser would read ("a < b", "<a <a <a..."). The standard
# library's parser reads each such "<" to the end of the page, looking for the tag's end: a 60 kB page of "<a " took
# 27 s. Written as "&lt;", it is the text it was, read once.
_LONE_LT = re.compile(r"<(?=[^<>]*<)")


def _defused(text: str) -> str:
    """Return a page without its comments (each left as the line breaks it held, so lines keep their numbers) and
    with every "<" that opens no tag written as "&lt;", so that the parser reads it in linear time."""
    if "<!--" in text:
        parts, at = [], 0
        while (start := text.find("<!--", at)) >= 0:
            end = text.find("-->", start + 4)
            end = len(text) if end < 0 else end + 3   # a comment never closed runs to the end, as in a browser
            parts += [text[at:start], "\n" * text.count("\n", start, end)]
            at = end
        text = "".join(parts) + text[at:]
    return _LONE_LT.sub("&lt;", text) if "<" in text else text
