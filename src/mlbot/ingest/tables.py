"""Tables of questions and answers: CSV and TSV with a header row (QnA Maker's export loads as is), JSON, JSON
Lines and YAML (a static site's `_data/faq.yml`). Rows that share an answer become one entry whose questions are the
alternate phrasings, in order of first appearance; an entry's line is that of its first row. JSON and YAML may group
their entries (`{"categories": [{"name": "Billing", "items": [...]}]}`): a group's name is the heading of the
entries in it."""
from __future__ import annotations

import bisect
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Entry, Source
from . import SkippedFile, warn
from .text import clean, kept_breaks, looks_like_question

_QUESTION = ("question", "questions", "q", "query")
_ANSWER = ("answer", "answers", "a", "response")
# A help centre's export (Zendesk, Freshdesk): articles by title and body, where no column names a question.
_TITLE = ("title", "subject", "topic")
_BODY = ("description", "body", "content", "details", "text", "article")
# An answer written in HTML (a help centre's export): it opens with a tag, and closes one of these somewhere.
_HTML_ANSWER = re.compile(r"\s*<[a-zA-Z!][\s\S]*</(?:p|div|li|ul|ol|span|strong|b|em|i|a|h[1-6]|table|td|tr|blockquote)>",
                          re.IGNORECASE)
_UNPUBLISHED = frozenset({"draft", "unpublished", "archived", "deleted", "hidden"})
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")
_HEADER_ERROR = ("no question and answer columns in the header; expected e.g. 'Question,Answer' (or 'Title,Description'"
                 " as a help centre exports its articles)")
_JSON_ERROR = ("no questions or answers found; expected a list of objects like "
               '{"question": "...", "answer": "..."} ("questions" may list alternate phrasings)')
# Keys that hold the list of entries when a JSON document is an object (QnA Maker's export uses qnaDocuments).
_LIST_KEYS = ("faq", "faqs", "entries", "items", "data", "questions", "qna", "qnalist", "qnadocuments", "records",
              "articles")
HEADER_ROWS = 5   # a table's header is one of its first five rows
_CATEGORY = ("category", "section", "topic")   # a flat export's column (or key) naming each entry's group
_GROUP_NAMES = ("name", "title", "category", "section", "topic", "group", "heading", "label")


@dataclass
class _Row:
    id: str | None
    questions: list[str]
    answer: str
    line: int
    headings: tuple[str, ...] = ()


def _merge(rows: Iterable[_Row], path: str) -> list[Entry]:
    """Return one entry per distinct answer (rows without an answer never merge), blank rows dropped."""
    kept: list[_Row] = []   # one per entry: its id settled, its questions gathered from every row
    by_answer: dict[str, _Row] = {}
    for row in rows:
        questions = [q for q in (clean(_unescape(q)) for q in row.questions) if q]
        answer = clean(row.answer)
        if "<" in answer and _HTML_ANSWER.match(answer):
            answer = _html_text(answer)
        else:
            answer = kept_breaks(answer)
        if not questions and not answer:
            continue
        first = by_answer.get(answer) if answer else None
        if first is None:
            first = _Row(row.id or f"{path}:{row.line}", [], answer, row.line, tuple(map(_unescape, row.headings)))
            kept.append(first)
            if answer:
                by_answer[answer] = first
        for q in questions:
            if q not in first.questions:
                first.questions.append(q)
    return [Entry(str(r.id), tuple(r.questions), r.answer, Source(path, r.headings[-1] if r.headings else None, r.line),
                  r.headings) for r in kept]


def _unescape(text: str) -> str:
    """Return text with HTML's character references read ("Billing &amp; accounts"), when it has any."""
    if "&" not in text or not _ENTITY.search(text):
        return text
    import html
    return html.unescape(text)


def _html_text(answer: str) -> str:
    """Return an answer written in HTML as Markdown text, its paragraphs apart and its lists as Markdown's (html.py
    reads it)."""
    from .html import parse_html
    parts = [x for e in parse_html(answer, "") for x in (*e.questions[:1], e.text) if x]
    return "\n\n".join(parts)


def _column(names: list[str], wanted: tuple[str, ...]) -> int | None:
    """Return the column named one of `wanted`, else the first whose name holds one of them as a word of three
    letters or more ("FAQ Question", "Answer (EN)"; not "Answer ID"), else None."""
    exact = next((names.index(w) for w in wanted if w in names), None)
    if exact is not None:
        return exact
    words = [set(re.findall(r"[a-z]+", n)) for n in names]
    return next((i for i, ws in enumerate(words)
                 if any(w in ws for w in wanted if len(w) > 2) and not ws & {"id", "no", "number", "count"}), None)


def qa_columns(header: list[str], first_cells: list[str] | None = None) -> tuple[int, int, bool] | None:
    """Return (question column, answer column, whether `header` is a header row) of a table of questions and
    answers, or None: its header names both columns, or (when its rows' first cells are given) it has two columns
    and at least two thirds of those first cells ask. Shared by CSV and the tables of Markdown and HTML."""
    names = [c.strip().lstrip("\ufeff").lower() for c in header]
    q, a = _column(names, _QUESTION), _column(names, _ANSWER)
    if q is not None and a is not None:
        return q, a, True
    if first_cells and len(header) == 2 and sum(map(looks_like_question, first_cells)) * 3 >= len(first_cells) * 2:
        return 0, 1, False
    return None


def _title_columns(header: list[str]) -> tuple[int, int, bool] | None:
    """Return (title column, body column, True) of a help centre's export ("title,description"), or None."""
    names = [c.strip().lstrip("\ufeff").lower() for c in header]
    q, a = _column(names, _TITLE), _column(names, _BODY)
    return (q, a, True) if q is not None and a is not None and q != a else None


def _parse_delimited(text: str, path: str, delimiter: str) -> list[Entry]:
    """Return the entries of a CSV or TSV table whose header names its question and answer columns."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    numbered: list[tuple[int, list[str]]] = []
    try:
        before = 0
        for cells in reader:   # a quoted field may span lines, so a row starts just after the previous one ended
            numbered.append((before + 1, cells))
            before = reader.line_num
    except csv.Error as e:
        raise ValueError(f"line {reader.line_num}: {e}") from None
    # The header: the first row naming question and answer columns, among the first few (a spreadsheet export may
    # put a title row above it).
    filled = [k for k, (_, cells) in enumerate(numbered) if any(c.strip() for c in cells)][:HEADER_ROWS]
    for k in filled:
        if columns := qa_columns(numbered[k][1]) or _title_columns(numbered[k][1]):
            break
    else:
        raise ValueError(_HEADER_ERROR)
    qi, ai, _ = columns
    names = [c.strip().lstrip("\ufeff").lower() for c in numbered[k][1]]
    ii, si = _column(names, ("id",)), _column(names, ("status", "state"))
    gi = _column(names, _CATEGORY)

    def cell(cells: list[str], i: int | None) -> str:
        return cells[i] if i is not None and i < len(cells) else ""

    # A help centre's export holds its drafts too ("do not publish until..."): rows whose status says so are not
    # answers yet.
    rows = [(n, c) for n, c in numbered[k + 1:] if not _draft({"status": cell(c, si)})]
    if skipped := len(numbered) - k - 1 - len(rows):
        s = "s" if skipped > 1 else ""
        warn(f"{path}: skipped {skipped} row{s} whose status is draft, archived or unpublished")
    return _merge((_Row(clean(cell(c, ii)) or None, [cell(c, qi)], cell(c, ai), n,
                        (g,) if (g := clean(cell(c, gi))) and gi not in (qi, ai) else ()) for n, c in rows), path)


def parse_csv(text: str, path: str) -> list[Entry]:
    """Return the entries of a CSV table. Its delimiter is the one of `,` `;` tab `|` that splits the header into
    question and answer columns (a spreadsheet saved in a European locale writes `;`), else `,`."""
    first = [x for x in text.split("\n", 2 * HEADER_ROWS)[:2 * HEADER_ROWS] if x.strip()][:HEADER_ROWS]
    for delimiter in sorted(",;\t|", key="".join(first).count, reverse=True):
        for line in first:
            try:
                header = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:   # the whole text is read below, and its error reported there
                continue
            if qa_columns(header):
                return _parse_delimited(text, path, delimiter)
    return _parse_delimited(text, path, ",")


def parse_tsv(text: str, path: str) -> list[Entry]:
    """Return the entries of a tab-separated table, such as QnA Maker's export."""
    return _parse_delimited(text, path, "\t")


def _strings(value: Any) -> list[str]:
    """Return the text values of a JSON string, number or list of them."""
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if isinstance(v, (str, int, float)) and not isinstance(v, bool)]


def _row(obj: dict[Any, Any], line: int, titled: bool = False) -> _Row | None:
    """Return a JSON object's id, questions, answer and category (as its heading), or None when it has neither
    question nor answer. `titled`: an object with neither may be a help centre's article, its title the question and
    its body the answer (only an object that holds no group of others: a group's title and description are no
    question)."""
    keys = {str(k).lower(): v for k, v in obj.items()}
    questions = [q for key in _QUESTION for q in _strings(keys.get(key))]
    answer = next((a for key in (*_ANSWER, "text") if (a := "\n".join(_strings(keys.get(key))))), "")
    if titled and not any(map(clean, questions)) and not clean(answer):
        title = next((q for key in _TITLE if (q := _strings(keys.get(key)))), [])
        body = next((a for key in _BODY if (a := "\n".join(_strings(keys.get(key))))), "")
        if any(map(clean, title)) and clean(body):   # both, or it is no article
            questions, answer = title, body
    if not any(map(clean, questions)) and not clean(answer):
        return None
    ident = keys.get("id")
    group = next((g for k in _CATEGORY if isinstance(v := keys.get(k), str) and (g := clean(v))), None)
    return _Row(str(ident) if isinstance(ident, (str, int, float, bool)) and ident != "" else None,
                questions, answer, line, (group,) if group else ())


def _evaluation(obj: dict[Any, Any]) -> bool:
    """True for a question labelled for `mlbot eval` ({"question": ..., "expected": ...}, no answer): kept beside the
    documents it tests, it is no entry, and read as one it answered its own question with "no answer"."""
    keys = {str(k).lower() for k in obj}
    return "expected" in keys and not keys.intersection((*_ANSWER, *_BODY))


def _evaluation_only(path: str, n: int, entries: list[Entry]) -> None:
    """Skip a file of `mlbot eval` questions with a message saying so, or warn of the n such lines among entries."""
    if n and not entries:
        raise SkippedFile(f'skipped {path}: questions for `mlbot eval` ("question" and "expected", no answer), '
                          f'not an FAQ')
    if n:
        warn(f'{path}: skipped {n} {"entries" if n > 1 else "entry"} with "expected" and no answer (questions for '
             f'`mlbot eval`)')


def _draft(obj: dict[Any, Any]) -> bool:
    """True for an object a help centre marks as not published: `"draft": true`, or a status such as "draft"."""
    keys = {str(k).lower(): v for k, v in obj.items()}
    status, draft = keys.get("status", keys.get("state")), keys.get("draft")
    return draft is True or (isinstance(draft, str) and draft.strip().lower() in ("true", "yes", "1")) or (
        isinstance(status, str) and status.strip().lower() in _UNPUBLISHED)


def _object_list(values: Iterable[Any]) -> list[Any] | None:
    return next((v for v in values if isinstance(v, list) and any(isinstance(x, dict) for x in v)), None)


def _items(data: Any, depth: int = 0) -> list[Any]:
    """Return the objects a JSON document holds: a list, a list under a key like "faq", or a single object."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return []
    keys = {str(k).lower(): v for k, v in data.items()}
    found = _object_list(keys.get(k) for k in _LIST_KEYS)
    if found is None and _row(data, 1):
        return [data]
    if found is None:
        lists = [(str(k), v) for k, v in data.items() if _object_list([v]) is not None]
        if len(lists) > 1:   # {"en": [...], "fr": [...]}: each list a group, named by its key
            return [{"name": k, "items": v} for k, v in lists]
        found = lists[0][1] if lists else None
    if found is None and depth < 2:   # e.g. {"data": {"faq": [...]}}
        found = next((f for v in data.values() if isinstance(v, dict) and (f := _items(v, depth + 1))), None)
    return found or []


def _grouped(items: list[Any], headings: tuple[str, ...] = (), depth: int = 0) -> Iterator[tuple[Any, tuple[str, ...]]]:
    """Yield each object of items with the names of the groups it sits in: an object without both a question and
    an answer that holds a list of objects is a group of them."""
    for obj in items:
        row = _row(obj, 1) if isinstance(obj, dict) else None
        inner = _object_list(obj.values()) if isinstance(obj, dict) and depth < 8 else None
        if inner is None or (row is not None and row.questions and clean(row.answer)):
            yield obj, headings
            continue
        keys = {str(k).lower(): v for k, v in obj.items()}
        name = next((n for k in _GROUP_NAMES if isinstance(v := keys.get(k), str) and (n := clean(v))), None)
        yield from _grouped(inner, (*headings, name) if name else headings, depth + 1)


def _rows(data: Any, path: str) -> tuple[list[_Row], int]:
    """Return the question-and-answer rows a JSON or YAML document holds, each with the names of its groups, at the
    line its object carries (a YAML mapping's), else 1, and how many of its objects are `mlbot eval`'s questions
    (skipped). Drafts are skipped, with a warning."""
    drafts = evaluation = 0
    rows: list[_Row] = []
    for obj, headings in _grouped(_items(data)):
        if isinstance(obj, dict) and _draft(obj):
            drafts += 1
            continue
        if isinstance(obj, dict) and _evaluation(obj):
            evaluation += 1
            continue
        row = _row(obj, getattr(obj, "line", 1), titled=True) if isinstance(obj, dict) else None
        if row is not None:
            row.headings = (*headings, *(g for g in row.headings if g not in headings))   # its groups', then its own
            rows.append(row)
    if drafts:
        warn(f"{path}: skipped {drafts} {'entries' if drafts > 1 else 'entry'} marked as a draft or unpublished")
    return rows, evaluation


def parse_json(text: str, path: str) -> list[Entry]:
    """Return the entries of a JSON document. Raises ValueError when it holds no question or answer."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    # Lines are found by searching for each object's first string in order: the json module reports no positions.
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    cursor = 0
    rows, evaluation = _rows(data, path)
    for row in rows:
        needle = (row.questions or [row.answer])[0]
        for encoded in dict.fromkeys((json.dumps(needle, ensure_ascii=False), json.dumps(needle))):
            at = text.find(encoded, cursor)
            if at >= 0:
                brace = text.rfind("{", cursor, at)
                row.line = bisect.bisect_right(line_starts, brace if brace >= 0 else at)
                cursor = at + len(encoded)
                break
    entries = _merge(rows, path)
    _evaluation_only(path, evaluation, entries)
    if not entries:
        raise ValueError(_JSON_ERROR)
    return entries


def parse_yaml(text: str, path: str) -> list[Entry]:
    """Return the entries of a YAML document (or several, `---` between them), read as JSON is: a list of questions
    and answers, a list under a key like "faq", or groups of them. Raises ValueError when it cannot be parsed or holds
    no question or answer."""
    import yaml  # only a YAML document pays for the import

    try:
        # Control characters (a terminal's escape sequences) are dropped as every reader drops them: PyYAML would
        # refuse the whole file for one.
        documents = list(yaml.load_all(_YAML_UNPRINTABLE.sub("", text), Loader=_yaml_loader()))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or "not valid YAML"
        raise ValueError(f"{problem} (line {mark.line + 1})" if mark else problem) from None
    except RecursionError:
        raise ValueError("YAML nested too deeply") from None
    read = [_rows(data, path) for data in documents]
    entries = _merge([row for rows, _ in read for row in rows], path)
    _evaluation_only(path, sum(n for _, n in read), entries)
    if not entries:
        raise ValueError(_JSON_ERROR.replace("objects like", "mappings like"))
    return entries


_YAML_UNPRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


class _Mapping(dict):
    """A YAML mapping, with the line it starts on."""

    line = 1


def _yaml_loader():
    """Return PyYAML's safe loader (plain data, never objects), made to keep each mapping's line, to read every
    scalar as the text it is ("answer: Yes" is "Yes", not true; "2024-01-31" not a date) and to refuse aliases: an
    alias repeats a node without copying it, and a few nested ones (the "billion laughs") would make the walk over
    the document's groups take forever. An FAQ has no need of them."""
    import yaml

    class Loader(yaml.SafeLoader):
        yaml_implicit_resolvers: dict = {}

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not read", event.start_mark)
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):
            out = _Mapping(super().construct_mapping(node, deep=True))
            out.line = node.start_mark.line + 1
            return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, Loader.construct_mapping)
    return Loader


def parse_jsonl(text: str, path: str) -> list[Entry]:
    """Return the entries of a JSON Lines file, one object a line.

    Malformed lines are skipped with a warning (see `mlbot.ingest.warn`); raises ValueError when no line is usable.
    """
    rows: list[_Row] = []
    bad: list[int] = []
    evaluation = 0
    for n, line in enumerate(text.split("\n"), 1):   # not splitlines(): U+2028 is legal inside a JSON string
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            obj = None
        if not isinstance(obj, dict):
            bad.append(n)
        elif _evaluation(obj):
            evaluation += 1
        elif row := _row(obj, n):
            rows.append(row)
    entries = _merge(rows, path)
    _evaluation_only(path, evaluation, entries)
    if bad and not entries:
        raise ValueError(f"no line holds a JSON object (line {bad[0]} is the first bad one)")
    if not entries and text.strip():
        raise ValueError(_JSON_ERROR)
    if bad:
        s = "s" if len(bad) > 1 else ""
        shown = ", ".join(map(str, bad[:5])) + (", ..." if len(bad) > 5 else "")
        warn(f"{path}: skipped {len(bad)} malformed line{s} (line{s} {shown})")
    return entries
