"""An evaluation Report -> the terminal: a summary and the threshold sweep as bars (rich, or plain text)."""
from __future__ import annotations

from .evaluate import Report
from .render import safe


def _pct(x: float | None) -> str:
    return "  —  " if x is None else f"{100 * x:5.1f}%"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _unrecommended(r: Report) -> str | None:
    """Why no threshold is recommended, when none is."""
    if r.recommended is not None:
        return None
    if not r.n_unanswerable:
        return ('no threshold recommended: no question is marked unanswerable ("expected": null), so refusing '
                'cannot be weighed against answering; add some the documents do not answer')
    return "no threshold recommended: no question is answerable, so answering cannot be weighed"


def plain_report(r: Report) -> str:
    """Return the report as plain text."""
    lines = [
        f"questions: {r.n_answerable} answerable, {r.n_unanswerable} unanswerable",
        f"top-1 accuracy: {_pct(r.top1)}   MRR@10: {_num(r.mrr10)}   recall@5: {_pct(r.recall5)}",
        f"unanswerable refused at threshold {r.threshold:g}: {_pct(r.refused)}",
        f"answered and right at threshold {r.threshold:g}: {_pct(r.answered_right)}"
        f"   (and {_pct(r.offered_right).strip()} more offered as a choice of a \"did you mean\")",
        f"refused, with the right answer suggested first: {_pct(r.suggested_right)}",
        "",
        "threshold  answered  accuracy  unanswerable answered",
    ]
    for row in r.sweep:
        mark = "  <- recommended" if row["threshold"] == r.recommended else ""
        lines.append(f"{row['threshold']:>9}  {_pct(row['answered'])}    {_pct(row['accuracy'])}    "
                     f"{_pct(row['unanswerable_answered'])}{mark}")
    if _unrecommended(r):
        lines.append(_unrecommended(r))
    if r.misses:
        lines.append("")
        lines.append(f"misses ({len(r.misses)}):")
        for m in r.misses[:20]:
            lines.append(_miss(m))
    return "\n".join(lines)


def rich_report(r: Report):
    """Return the report as a rich renderable, the sweep drawn as bars."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text.assemble(
        ("top-1 ", "bold"), f"{_pct(r.top1)}   ", ("MRR@10 ", "bold"), f"{_num(r.mrr10)}   ",
        ("recall@5 ", "bold"), f"{_pct(r.recall5)}   ", ("unanswerable refused ", "bold"), _pct(r.refused),
        f"   ({r.n_answerable} answerable, {r.n_unanswerable} unanswerable, threshold {r.threshold:g})")
    t = Table(title="threshold sweep", title_justify="left", box=None)
    for col in ("threshold", "answered", "", "accuracy of answered", "", "unanswerable answered"):
        t.add_column(col, no_wrap=True)
    for row in r.sweep:
        mark = " ◀ recommended" if row["threshold"] == r.recommended else ""
        t.add_row(f"{row['threshold']}{mark}", _pct(row["answered"]), _bar(row["answered"], "cyan"),
                  _pct(row["accuracy"]), _bar(row["accuracy"], "green"), _pct(row["unanswerable_answered"]))
    right = Text.assemble((f"answered and right at {r.threshold:g} ", "bold"), _pct(r.answered_right).strip(),
                          f"   (and {_pct(r.offered_right).strip()} more offered as a choice of a \"did you mean\"; "
                          f"refused with the right answer suggested first: {_pct(r.suggested_right).strip()})")
    parts = [head, right, t]
    if _unrecommended(r):
        parts.append(Text(_unrecommended(r), style="dim"))
    if r.misses:
        parts.append(Text(f"misses ({len(r.misses)}):", style="bold"))
        parts.extend(Text(_miss(m)) for m in r.misses[:20])
    return Group(*parts)


def _miss(m: dict) -> str:
    """Return one miss as a line: the question, what was expected, what came first (by id and question) and how."""
    got = safe(m["got"]) + (f" “{safe(m['got_question'])}”" if m.get("got_question") else "")
    expected = "no answer" if m["expected"] is None else safe(m["expected"])
    return f"  {safe(m['question'])!r}: expected {expected}, got {got} ({_status(m)})"


def _status(miss: dict) -> str:
    return f"{miss['status']}, offered as choice {miss['rank']}" if miss.get("offered") else miss["status"]


def _bar(x: float | None, style: str, width: int = 12):
    from rich.text import Text
    n = 0 if x is None else round(x * width)
    return Text("█" * n + "·" * (width - n), style=style)
