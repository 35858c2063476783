"""Reply -> what the terminal shows: rich renderables on a terminal, plain text when piped.

Document text is untrusted: control characters and escape sequences are stripped before anything is shown, and
it reaches rich only as Markdown source or `Text` objects, never as console markup.
"""
from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING

from .model import Match, Reply
from .sanitize import one_line, strip_controls

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

SUBTITLE_HEADING = 40   # characters of a heading shown under an answer (the whole of it in /sources and plain text)
CUT_OFF = "The document stops here: this answer is cut off mid-sentence, and mlbot will not guess the rest."


# Documents whose text is Markdown as mlbot reads them: written in it, or in a markup their reader turns into it
# (reStructuredText's *emphasis*, Org's /italics/). Text from the others (plain text, HTML, FAQ tables, PDF) is
# shown as written: its "<Enter>", "*.log" or "2*3*4" are not Markdown, which would drop or slant them.
MARKDOWN_SOURCES = (".md", ".markdown", ".mdx", ".rst", ".adoc", ".asciidoc", ".org", ".docx", ".ipynb")
_LITERAL = re.compile(r"[\\<&_]|(?<!\*)\*(?!\*)|^[ \t]*#")   # bold made by a reader ("**Q?**") stays bold
_HL_START, _HL_END = "\ue000", "\ue001"   # where the highlighted sentence goes, kept apart from the text's own


def markdown_source(text: str, path: str) -> str:
    """Return an answer's text as Markdown to render: as it is from a Markdown document, else with the characters
    Markdown would read as markup escaped, outside code fences."""
    if path.lower().endswith(MARKDOWN_SOURCES):
        return text
    lines = text.split("\n")
    code = fenced_lines_of(lines)
    return "\n".join(x if fenced else _LITERAL.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], x)
                     for x, fenced in zip(lines, code))


_STRONG = re.compile(r"(`+)(.+?)\1|(\*\*)(?=\S)(.+?)(?<=\S)\*\*")   # inline code first: it keeps its stars


def plain_text(text: str, path: str) -> str:
    """Return an answer's text as plain output shows it: a Markdown document's strong emphasis ("**Wi-Fi**") without
    its marks, as HTML's <strong> comes; code, fenced or inline, and every other document's text as written ("__init__"
    and "2 ** 3" are not emphasis)."""
    if not path.lower().endswith(MARKDOWN_SOURCES) or "**" not in text:
        return text
    lines = text.split("\n")
    code = fenced_lines_of(lines)
    return "\n".join(x if fenced else _STRONG.sub(lambda m: m[0] if m[1] else m[4], x)
                     for x, fenced in zip(lines, code))


def fenced_lines_of(lines: list[str]) -> list[bool]:
    """Return, for each line, whether it is fenced code (the readers' rules), read only for text with a fence."""
    if not any("```" in x or "~~~" in x for x in lines):
        return [False] * len(lines)
    from .ingest.text import fenced_lines
    return fenced_lines(lines)


def safe(text: str | None) -> str:
    """Return text with terminal escape sequences and control characters removed (newlines and tabs stay)."""
    return strip_controls(text or "")


def where(m: Match, heading_chars: int | None = None) -> str:
    """Return where an answer is: its file, the heading it sits under (cut to heading_chars) and its line."""
    s = m.entry.source
    parts = [safe(s.path)]
    if s.heading:
        heading = one_line(s.heading)
        if heading_chars and len(heading) > heading_chars:
            heading = heading[:heading_chars - 1].rstrip() + "…"
        parts.append(heading)
    return " › ".join(parts) + f", {s.place}"


def label(confidence: float) -> str:
    return f"{confidence:.0f}%"


# ------------------------------------------------------------------------------------------------ plain text

def plain_reply(reply: Reply, *, explain: bool = False, numbered: bool = False) -> str:
    """Return reply as plain text: no colour, no wrapping (for pipes and files). numbered: the
    suggestions after a refusal can be picked by number (the chat)."""
    out: list[str] = []
    if reply.status == "chitchat":
        return safe(reply.message)
    if reply.read_as:
        out.append(f"(read as: {safe(reply.read_as)})")
    if reply.status == "no_answer":
        out.append(reply.message)
        if reply.suggestions:
            out.append("You could ask (type a number to ask):" if numbered else "You could ask:")
            out.extend(f"  {numbered_item(n, q) if numbered else '- ' + safe(q)}"
                       for n, q in enumerate(reply.suggestions, 1))
        if explain and reply.results:
            out.append("")
            out.append(f"Closest match ({label(reply.results[0].confidence)}, below the threshold):")
            out.append(plain_match(reply.results[0]))
        return "\n".join(out)
    if reply.status == "ambiguous":
        out.append("Did you mean one of these?")
        shown = reply.results[:reply.choices]
        for n, (m, name) in enumerate(zip(shown, choice_names(shown)), 1):
            out.append(f"{numbered_item(n, name)}  ({label(m.confidence)})")
            out.append(_indent(plain_match(m)))
        if numbered:
            out.append(_pick_line(len(shown)))
        return "\n".join(out)
    m = reply.results[0]
    if reply.context_used:
        out.append(f"(reading this as a follow-up to: {safe(reply.context_used)})")
    out.append(plain_match(m))
    return "\n".join(out)


def _pick_line(n: int) -> str:
    return f"Type {', '.join(str(k) for k in range(1, n))} or {n} to pick one, or ask something else."


def plain_match(m: Match) -> str:
    lines = [safe(plain_text(m.entry.text, m.entry.source.path)) or "(the document asks this but gives no answer)"]
    if m.entry.truncated:
        lines.append(f"[{CUT_OFF}]")
    lines.append("")
    if m.matched_question or m.entry.question:
        lines.append(f"Matched: {safe(m.matched_question or m.entry.question)}")
    lines.append(f"Source: {where(m)}")
    lines.append(f"Confidence: {label(m.confidence)}" if m.shown_as is None else f"({safe(m.shown_as)})")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("   " + line if line else line for line in text.splitlines())


_OWN_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(?=\S)")


def numbered_item(n: int, name: str, pad: int = 0) -> str:
    """Return name as item n of a menu the user picks from by number ("3. Turn on notifications"), escaped."""
    return f"{n:>{pad}}. {_unnumbered(safe(name))}"


def _unnumbered(name: str) -> str:
    """Return a name without a number of its own at its start (a heading "1. Create a form"): in a numbered menu,
    "4. 1. Create a form" reads as two numbers to type."""
    return _OWN_NUMBER.sub("", name, count=1)


def _choice_name(m: Match, n_words: int = 12) -> str:
    """Return what names a match among others: its question, else the heading that names a paragraph, else the
    paragraph's first words."""
    return safe(m.name) or _first_words(m.entry.text, n_words)


def choice_names(matches: tuple[Match, ...] | list[Match]) -> list[str]:
    """Return the names of choices shown together (_choice_name); two paragraphs under one heading, both named by
    it, are told apart by their first words ("Opening hours: The practice is closed on …")."""
    names = [_choice_name(m) for m in matches]
    return [f"{name}: {_first_words(m.entry.text, 6)}" if names.count(name) > 1 and m.name else name
            for name, m in zip(names, matches)]


def told_apart(named: list[tuple[int, str]], entry) -> list[str]:
    """Return the names of (entry index, name) pairs listed together, a name shared by several paragraphs followed
    by each one's first words (`entry(i)` returns entry i), as choice_names tells choices apart."""
    names = [name for _, name in named]
    return [f"{name}: {_first_words(entry(i).text, 6)}" if names.count(name) > 1 else name for i, name in named]


def _first_words(text: str, n: int = 12) -> str:
    words = safe(text).split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


# ---------------------------------------------------------------------------------------------------- rich

# Narrower, a panel holds a few letters a line, and at COLUMNS=1 to 4 none at all: an empty box, exit 0.
MIN_WIDTH = 20


def console(*, stderr: bool = False, file=None, width: int | None = None, soft_wrap: bool = False) -> Console:
    """Return a rich console (as wide as the terminal, or `width`), never narrower than MIN_WIDTH: COLUMNS=0 means
    "ask the terminal", as it does for shutil, and a smaller width is MIN_WIDTH, for the terminal to wrap."""
    # NO_COLOR (no-color.org) asks for no colour, not for no layout: answers keep their boxes, tables and wrapping,
    # with no escape sequence at all (rich writes none without a colour system, not even bold).
    no_color = bool(os.environ.get("NO_COLOR")) and not os.environ.get("FORCE_COLOR")
    c = _console_class()(stderr=stderr, file=file, width=width, highlight=False, soft_wrap=soft_wrap,
                         **({"color_system": None} if no_color else {}))
    if width is None and c.width < MIN_WIDTH:
        import shutil
        c.width = max(MIN_WIDTH, shutil.get_terminal_size().columns)
    return c


@functools.cache
def _console_class():
    from rich.console import Console

    class QuietPipeConsole(Console):
        """A console that lets a closed pipe (`mlbot chat < questions | head`) end mlbot as a broken pipe, which
        cli.main turns into a quiet exit 0, where rich's own handler exits 1. It does not crop what it prints to
        the terminal's width: everything but a code line too wide for it is wrapped before, and such a line goes
        out whole, for the terminal to wrap (_markdown_class)."""

        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

        def print(self, *objects, crop: bool = False, **kwargs) -> None:
            super().print(*objects, crop=crop, **kwargs)

    return QuietPipeConsole


def rich_reply(reply: Reply, *, explain: bool = False, numbered: bool = False) -> RenderableType:
    """Return reply as a rich renderable: the answer as Markdown in a panel, its source and confidence below."""
    from rich.console import Group
    from rich.text import Text

    if reply.status == "chitchat":
        return Text(safe(reply.message))
    read_as = [Text(f"(read as: {safe(reply.read_as)})", style="dim")] if reply.read_as else []
    if reply.status == "no_answer":
        parts: list = [*read_as, Text(reply.message, style="yellow")]
        if reply.suggestions:
            parts.append(Text("You could ask (type a number to ask):" if numbered else "You could ask:", style="dim"))
            parts.extend(Text(f"  {numbered_item(n, q) if numbered else '• ' + safe(q)}")
                         for n, q in enumerate(reply.suggestions, 1))
        if explain and reply.results:
            parts.append(match_panel(reply.results[0], title_prefix="Closest (below the threshold): "))
        return Group(*parts)
    if reply.status == "ambiguous":
        parts = [*read_as, Text("Did you mean one of these?", style="bold yellow")]
        shown = reply.results[:reply.choices]
        for n, (m, name) in enumerate(zip(shown, choice_names(shown)), 1):
            parts.append(match_panel(m, title_prefix=f"{n}. ", name=_unnumbered(name)))
        if numbered:
            parts.append(Text(_pick_line(len(shown)), style="dim"))
        return Group(*parts)
    parts = read_as
    if reply.context_used:
        parts.append(Text(f"(reading this as a follow-up to: {safe(reply.context_used)})", style="dim"))
    parts.append(match_panel(reply.results[0]))
    return Group(*parts)


def match_panel(m: Match, *, title_prefix: str = "", name: str | None = None) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel
    from rich.rule import Rule
    from rich.text import Text

    hl = safe(m.highlight)
    text, before, after = _shortened(safe(m.entry.text), hl)
    body: list = [Text(f"[… {before:,} characters before]", style="italic dim")] if before else []
    if not text:
        body.append(Text("(the document asks this but gives no answer)", style="italic"))
    else:
        at = _place(hl, text)
        # Not a sentence with a lone "*" ("wildcards like *.example.com", or one starting inside *emphasis*):
        # bold around it would pair with that star and change the text.
        if at is not None and "**" not in hl and hl.count("*") % 2 == 0:
            # A list item's marker stays outside the bold, or the item would run into the one above it.
            from .rows import LIST_ITEM  # loaded with the index already
            marker = LIST_ITEM.match(hl)
            start, end = at[0] + (len(marker[0]) if marker else 0), at[1]
            text = f"{text[:start]}{_HL_START}{text[start:end]}{_HL_END}{text[end:]}"
        text = markdown_source(text, m.entry.source.path).replace(_HL_START, "**").replace(_HL_END, "**")
        # hyperlinks=False: a link shows its target after its text, so a document cannot dress one address up as
        # another in a terminal hyperlink.
        body.append(_markdown_class()(text, hyperlinks=False))
    if after:
        body.append(Text(f"[… {after:,} more characters: 'mlbot ask --json' or the document has it whole]",
                         style="italic dim"))
    if m.entry.truncated:
        body.append(Text(CUT_OFF, style="italic yellow"))
    # A numbered choice needs a name to pick it by, as the plain rendering names it.
    asked = (name or _choice_name(m)) if title_prefix else safe(m.matched_question or m.entry.question)
    title = Text(title_prefix + asked, style="bold")
    said = f"confidence {label(m.confidence)}" if m.shown_as is None else safe(m.shown_as)

    widest = _widest_code_line(text) if text else 0

    def panel(width: int) -> RenderableType:
        subtitle = Text(_footer(m, said, width - 6), style="dim")   # the corners, and a blank and a rule each side
        head = title.copy()
        if head.cell_len > width - 6:
            head.truncate(width - 6, overflow="ellipsis")   # rich would crop it without a sign
        colour = _colour(m.confidence)
        if widest + CODE_PADDING > width - 4:
            # A code line wider than the panel could hold would be broken, with borders, where a copy must have the
            # command whole: such an answer is drawn between two rules, and the line goes out unbroken.
            return Group(Rule(head, align="left", style=colour) if head.plain else Rule(style=colour), *body,
                         Rule(subtitle, align="right", style=colour))
        return Panel(_Trimmed(Group(*body)), title=head if head.plain else None, title_align="left",
                     subtitle=subtitle, subtitle_align="right", border_style=colour, padding=(0, 1))
    # Prose reads best in lines of moderate length: in a wide terminal the box stops at READING_WIDTH. A table or
    # code gets the whole width, which its columns and unbroken lines use.
    from .rows import has_table  # loaded with the index already
    return _Fitted(panel, None if widest or has_table(m.entry.text) else READING_WIDTH)


LONG_ANSWER = 6000   # characters of prose an answer's box shows at most: a page-long paragraph would flood the screen


def _shortened(text: str, hl: str) -> tuple[str, int, int]:
    """Return text as a box shows it, and how many characters it leaves out before and after: prose longer than
    LONG_ANSWER ends at the last sentence end before that (a 68 KB terms-and-conditions line would scroll the chat
    away), and starts at the highlight, the sentence that answers, when that lies further on. Code and tables are
    shown whole, cut they could read wrong; plain output and JSON always have the whole text."""
    from .rows import FENCES, has_table  # loaded with the index already
    if len(text) <= LONG_ANSWER or has_table(text) or any(f in text for f in FENCES):
        return text, 0, 0
    at = _place(hl, text)
    start = at[0] if at is not None and at[1] > LONG_ANSWER else 0
    rest = text[start:]
    end = max(rest.rfind(". ", 0, LONG_ANSWER), rest.rfind("\n", 0, LONG_ANSWER))
    end = end + 1 if end > LONG_ANSWER // 2 else LONG_ANSWER
    return rest[:end].rstrip(), start, len(rest) - end


CODE_PADDING = 2   # rich pads a code block by a column each side


def _widest_code_line(text: str) -> int:
    """The width of an answer's widest line of fenced code (0 without any)."""
    if "```" not in text and "~~~" not in text:
        return 0
    from rich.cells import cell_len

    from .ingest.text import fenced_lines  # the readers' fence rules, imported only for an answer with code
    lines = text.split("\n")
    return max((cell_len(x) for x, fenced in zip(lines, fenced_lines(lines)) if fenced), default=0)


# Raw HTML in a Markdown answer that is not an element a page would use is text the writer meant to show:
# "log in as <username>" (rich drops every inline tag but <kbd>).
HTML_ELEMENTS = frozenset("""a abbr b big br cite code del dfn em font i img ins kbd mark q s samp small span strike
strong sub sup time tt u var wbr""".split())
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def _fit_words(table, console, options) -> bool:
    """Give a table's columns widths that keep each one's longest word whole, the room left shared by how much more
    each would take; False when its words alone are wider than the terminal. rich narrows the widest columns
    first, and broke "submissions" in a column of ten though the table had room for it."""
    from rich.measure import Measurement
    unbounded = options.update(width=10**6)
    cols = []
    for column in table.columns:
        sizes = [Measurement.get(console, unbounded, c) for c in (column.header, *column.cells)]
        cols.append((max(m.minimum for m in sizes), max(m.maximum for m in sizes)))
    least = Measurement.get(console, unbounded, table)
    words = sum(lo for lo, _ in cols)
    room = options.max_width - (least.minimum - words)   # less the padding and rules
    if room < words:
        return False
    if least.maximum <= options.max_width:
        return True   # it fits as it is
    spare, wants = room - words, [hi - lo for lo, hi in cols]
    total = sum(wants) or 1
    for column, (lo, _), want in zip(table.columns, cols, wants):
        column.width = lo + spare * want // total
    return True


def _stacked(table):
    """Return a rich Markdown table as lines: each row's first cell (bold), then its other cells under it, each after
    its column's header."""
    from rich.console import Group
    from rich.text import Text
    def text(x) -> Text:   # rich's Markdown gives its cells and headers as Text
        return x if isinstance(x, Text) else Text(str(x))
    headers = [text(c.header) for c in table.columns]
    rows = []
    for cells in zip(*([text(x) for x in c.cells] for c in table.columns)):
        rows.append(Text.assemble(cells[0], style="bold"))
        rows += [Text.assemble("  ", header, ": ", cell) for header, cell in zip(headers[1:], cells[1:])]
    return Group(*rows)


@functools.cache
def _markdown_class():
    """rich's Markdown as an answer needs it: code lines too wide for the terminal kept whole, table cells folded, a
    placeholder in angle brackets ("<username>") shown, "<br>" a line break, and an address written as itself
    (<https://…>) shown once, not followed by itself in brackets."""
    from rich.cells import cell_len
    from rich.markdown import CodeBlock, Markdown, TableElement
    from rich.segment import Segment
    from rich.syntax import Syntax

    class WholeLinesCode(CodeBlock):
        def __rich_console__(self, console, options):
            code = str(self.text).rstrip()
            if max(map(cell_len, code.split("\n"))) + CODE_PADDING <= options.max_width:
                yield from super().__rich_console__(console, options)
                return
            for line in Syntax(code, self.lexer_name, theme=self.theme).highlight(code).split("\n"):
                yield from line.render(console)
                yield Segment.line()

    class FoldedTable(TableElement):
        """A table whose cells, in a narrow terminal, break a long path or address over lines instead of ending it
        in "…": what was cut is often what was asked."""

        def __rich_console__(self, console, options):
            for table in super().__rich_console__(console, options):
                if not _fit_words(table, console, options):
                    # Too narrow for its longest words: each row as its first cell over the others, each after its
                    # header. Folded, the headers broke mid-word ("Manag" over "e") and could not be read.
                    yield _stacked(table)
                    continue
                for column in table.columns:
                    column.overflow = "fold"
                # No blank edge rows: after the blank line between blocks, the table's empty top edge made two
                # blank lines under the sentence that leads into it.
                table.show_edge = False
                yield table

    class AnswerMarkdown(Markdown):
        elements = {**Markdown.elements, "fence": WholeLinesCode, "code_block": WholeLinesCode,
                    "table_open": FoldedTable}

        def __init__(self, markup: str, **kwargs) -> None:
            super().__init__(markup, **kwargs)
            for block in self.parsed:
                if block.children:
                    block.children = list(_as_shown(block.children))

    return AnswerMarkdown


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:|//", re.IGNORECASE)


def _as_shown(tokens):
    """Yield inline Markdown tokens as an answer shows them (_markdown_class)."""
    relative = []   # for each link open: whether its target is a page of the documents' own site ("billing.md")
    for t in tokens:
        if t.type in ("link_open", "link_close") and t.markup == "autolink":
            continue   # its text alone: the address
        if t.type == "link_open":
            relative.append(not _SCHEME.match(str(t.attrs.get("href") or "")))
            if relative[-1]:
                continue   # its text alone: "see Billing", not "see Billing (billing.md)", a path no reader can open
        elif t.type == "link_close" and relative and relative.pop():
            continue
        if t.type == "html_inline":
            tag = _TAG.match(t.content)
            if tag is None or tag[1].lower() not in HTML_ELEMENTS:
                t.type = "text"
            elif tag[1].lower() == "br":
                t.type = "hardbreak"
        yield t


def _place(hl: str, text: str) -> tuple[int, int] | None:
    """Where the highlight is in an answer's text (its line breaks read as spaces), unless it is the whole of it;
    None when it is not there or would cross a paragraph or a line that starts anew (a list item)."""
    if not hl or " ".join(hl.split()) == " ".join(text.split()):
        return None
    start = text.find(hl)
    if start >= 0:
        span = (start, start + len(hl))
    else:
        found = re.search(r"\s+".join(map(re.escape, hl.split())), text)
        if found is None:
            return None
        span = found.span()
    inside = text[span[0]:span[1]]
    from .rows import LIST_ITEM  # loaded with the index already
    if "\n\n" in inside or any(LIST_ITEM.match(x.lstrip()) for x in inside.split("\n")[1:]):
        return None
    return span


class _Trimmed:
    """A renderable without the blank lines rich's Markdown puts above a table or list that opens an answer, or
    below one that ends it: a box of a table alone began with two empty rows. Lines are cut at the width, so this
    serves only where nothing is wider (a panel; code too wide for one is drawn between rules, match_panel)."""

    def __init__(self, renderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        lines = console.render_lines(self.renderable, options, pad=False)
        text = ["".join(s.text for s in line).strip() for line in lines]
        first = next((i for i, t in enumerate(text) if t), len(lines))
        last = max((i for i, t in enumerate(text) if t), default=-1)
        for line in lines[first:last + 1]:
            yield from line
            yield Segment.line()


READING_WIDTH = 100   # columns an answer's box spans at most, unless it holds a table or code


class _Fitted:
    """A renderable made for the width it is given (at most `widest`): an answer's footer fits the terminal it is
    shown in."""

    def __init__(self, make, widest: int | None = None) -> None:
        self.make = make
        self.widest = widest

    def __rich_console__(self, console, options):
        if self.widest is None or options.max_width <= self.widest:
            yield self.make(options.max_width)
        else:
            yield from console.render(self.make(self.widest), options.update_width(self.widest))


def _footer(m: Match, said: str, room: int) -> str:
    """Return where an answer is and `said` (its confidence), in `room` characters if they fit: a long heading is
    cut, then left out, then the line, then the file, so that the confidence is never what the border cuts off."""
    full = f"{where(m, SUBTITLE_HEADING)} · {said}"
    if len(full) <= room:
        return full
    s = m.entry.source
    bare = f"{safe(s.path)}, {s.place} · {said}"
    budget = room - len(bare) - 3   # " › " before the heading
    if s.heading and budget >= 8:
        return f"{where(m, budget)} · {said}"
    file_only = f"{safe(s.path)} · {said}"
    return bare if len(bare) <= room else file_only if len(file_only) <= room else said


def _colour(confidence: float) -> str:
    return "green" if confidence >= 70 else "cyan" if confidence >= 50 else "yellow"


# ---------------------------------------------------------------------------------------------- explanations

FIELD_NAMES = {
    "question_word": "question words", "joined_word": "all phrasings", "text_word": "answer words",
    "doc_word": "whole entry", "question_bigram": "question phrases", "joined_bigram": "all phrasings' phrases",
    "text_bigram": "answer phrases", "doc_bigram": "entry phrases", "question_char": "question spelling",
    "joined_char": "all phrasings' spelling", "text_char": "answer spelling", "doc_char": "entry spelling",
    "meaning_doc": "entry meaning", "meaning_question": "question meaning",
    "sense_doc": "sentence model, entry", "sense_question": "sentence model, question",
    "sense_piece": "sentence model, best sentence",
}


# What the top result of an explained reply is: an answer only when the reply answered.
_EXPLAINED = {"answered": ("Why: ", "Why this answer: "), "ambiguous": ("First choice: ", "First choice: "),
              "no_answer": ("Closest, not answered: ", "Closest, not answered: ")}


def _explained(x) -> tuple[str, str]:
    """Return how an explanation names its top result, in plain text and in rich (_EXPLAINED)."""
    return _EXPLAINED.get(x.status, _EXPLAINED["answered"])


def plain_explanation(x) -> str:
    """Return an Explanation (bot.explain) as plain text, its columns as wide as their widest cell."""
    shown = [*x.top_terms, *x.runner_terms[:6]]
    field_w = max((len(FIELD_NAMES.get(c.field, c.field)) for c in shown), default=0)
    term_w = max((len(_term(c)) for c in shown), default=0)

    def rows(terms) -> list[str]:
        return [f"  {FIELD_NAMES.get(c.field, c.field):<{field_w}}  {_term(c):<{term_w}}  +{c.points:.3f}"
                for c in terms]

    lines = [f"{_explained(x)[0]}{_name(x.top)} scored {x.top.score:.3f} "
             f"({label(x.top.confidence)})", *rows(x.top_terms)]
    if not x.top_terms:
        lines.append("  (no single term stands out)")
    if x.note:
        lines.insert(1, f"  The question {x.note}.")
    if x.runner_up is not None:
        lines.append(f"Runner-up: {_name(x.runner_up)} scored {x.runner_up.score:.3f} "
                     f"({label(x.runner_up.confidence)})")
        lines.extend(rows(x.runner_terms[:6]))
    return "\n".join(lines)


def rich_explanation(x) -> RenderableType:
    """Return an Explanation as a rich table of matched terms, with the runner-up below."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    def table(terms) -> Table:
        t = Table(box=None, padding=(0, 2), show_header=True, header_style="dim")
        t.add_column("matched in")
        t.add_column("term")
        t.add_column("points", justify="right")
        for c in terms:
            t.add_row(FIELD_NAMES.get(c.field, c.field), Text(_term(c)), f"+{c.points:.3f}")
        return t

    parts: list = [Text.assemble((_explained(x)[1], "bold"), _name(x.top),
                                 f" — score {x.top.score:.3f}, confidence {label(x.top.confidence)}"),
                   *([Text(f"The question {x.note}.", style="dim")] if x.note else []),
                   table(x.top_terms)]
    if x.runner_up is not None:
        parts += [Text.assemble(("Runner-up: ", "bold"), _name(x.runner_up),
                                f" — score {x.runner_up.score:.3f}, confidence {label(x.runner_up.confidence)}"),
                  table(x.runner_terms[:6])]
    return Group(*parts)


def _term(c) -> str:
    # Character n-grams keep their word-boundary spaces: quote them so " lon" and "lon " read apart.
    return f"'{safe(c.term)}'" if c.field.endswith("_char") else safe(c.term)


def _name(m: Match) -> str:
    return _choice_name(m, 10)
