"""XML FAQ files, as a CMS or a help centre exports them: every element that holds a question child and an answer
child (`<item><question>…</question><answer>…</answer></item>`, `<qapair>`, an RSS `<item>`'s title and description)
is an entry; more question children are alternate phrasings. An answer written in HTML (often in CDATA) is read as
its text; the names of the groups around an entry (`<category name="Billing">`, or their `<title>`) are its headings.

Read with expat, event by event: entity declarations are refused (a "billion laughs" file is no FAQ), and nothing is
fetched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.parsers import expat

from ..model import Entry
from . import warn
from .tables import _draft, _merge, _Row
from .text import clean

_QUESTIONS = ("question", "q", "query", "title", "subject")
_ANSWERS = ("answer", "a", "response", "body", "description", "content", "text")
_NAMES = ("name", "title", "label", "heading")
_ERROR = "no questions or answers found; expected elements like <item><question>…</question><answer>…</answer></item>"
MAX_DEPTH = 64


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    line: int
    content: list[str | _Element] = field(default_factory=list)   # text and elements, in document order

    @property
    def children(self) -> list[_Element]:
        return [c for c in self.content if isinstance(c, _Element)]


def parse_xml(text: str, path: str) -> list[Entry]:
    """Return the entries of an XML FAQ file. Raises ValueError when it is not well-formed XML or holds no question
    and answer."""
    root = _tree(text)
    rows: list[_Row] = []
    drafts: list[int] = []
    _walk(root, (), rows, drafts)
    if drafts:
        n = len(drafts)
        warn(f"{path}: skipped {n} {'entries' if n > 1 else 'entry'} marked as a draft or unpublished")
    entries = _merge(rows, path)
    if not entries:
        raise ValueError(_ERROR)
    return entries


def _tree(text: str) -> _Element:
    """Return the document's elements as a tree, each with its line."""
    parser = expat.ParserCreate("UTF-8")   # the text is decoded already (ingest); a declared encoding is moot
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root = _Element("", {}, 1)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) > MAX_DEPTH:
            raise ValueError(f"XML nested more than {MAX_DEPTH} deep")
        e = _Element(tag.rsplit(":", 1)[-1].lower(), {k.lower(): v for k, v in attrs.items()},
                     parser.CurrentLineNumber)
        stack[-1].content.append(e)
        stack.append(e)

    def end(tag: str) -> None:
        stack.pop()

    def data(chars: str) -> None:
        stack[-1].content.append(chars)

    def entity(*args) -> None:
        raise ValueError("it declares entities, which mlbot does not expand")

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(text, True)
    except expat.ExpatError as e:
        raise ValueError(f"not well-formed XML (line {e.lineno}: {expat.ErrorString(e.code)})") from None
    return root


def _walk(e: _Element, headings: tuple[str, ...], rows: list[_Row], drafts: list[int]) -> None:
    """Add a row for each element of e's tree that holds a question and an answer; the others are groups. An item
    marked as a draft (`status="draft"`, `<draft>true</draft>`) is left out, its line added to `drafts`."""
    pairs: dict[int, tuple[str | None, str | None]] = {}   # each element's question and answer tags, if it has them
    holds: dict[int, bool] = {}   # does the element hold, below its children, one that has both?

    def pair(node: _Element) -> tuple[str | None, str | None]:
        if id(node) not in pairs:
            tags = {c.tag for c in node.children}
            q = next((t for t in _QUESTIONS if t in tags), None)
            pairs[id(node)] = (q, next((t for t in _ANSWERS if t in tags and t != q), None))
        return pairs[id(node)]

    def holds_item(node: _Element) -> bool:
        if id(node) not in holds:
            holds[id(node)] = any(all(pair(c)) or holds_item(c) for c in node.children)
        return holds[id(node)]

    todo = [(e, headings)]
    while todo:
        node, heads = todo.pop()
        by_tag: dict[str, list[_Element]] = {}
        for c in node.children:
            by_tag.setdefault(c.tag, []).append(c)
        q_tag, a_tag = pair(node)
        # A group's own title and description are no question: it holds others that have both ("<category><title>
        # ... <item><question>..."). An item's other children ("<tags><tag>") are only its details.
        group = any(holds_item(c) or all(pair(c)) for c in node.children if c.tag not in (q_tag, a_tag))
        if q_tag and a_tag and not group:
            if _draft(node.attrs) or _draft({t: _all_text(by_tag[t][0]) for t in ("status", "state", "draft")
                                             if t in by_tag}):
                drafts.append(node.line)
                continue
            questions = [_all_text(x) for x in by_tag[q_tag]]
            answer = "\n".join(_all_text(x) for x in by_tag[a_tag])
            ident = node.attrs.get("id")
            rows.append(_Row(ident or None, questions, answer, node.line, heads))
            continue
        name = next((clean(node.attrs[k]) for k in _NAMES if node.attrs.get(k, "").strip()), None) or next(
            (clean(_all_text(by_tag[k][0])) for k in _NAMES if k in by_tag and not by_tag[k][0].children), None)
        inner = (*heads, name) if name and node.children else heads
        todo.extend((c, inner) for c in reversed(node.children) if c.children)


def _all_text(e: _Element) -> str:
    """Return the text of an element and all inside it, in document order (inline markup such as <b> read as its
    words)."""
    out, todo = [], [e]
    while todo:
        node = todo.pop()
        if isinstance(node, str):
            out.append(node)
        else:
            todo.extend(reversed(node.content))
    return "".join(out)
