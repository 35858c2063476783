"""The review queue -> the terminal: its groups of logged questions, what was answered and the candidates to attach
them to (a rich table, or plain text). Logged questions are untrusted text: shown through one_line(), never as markup.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .sanitize import one_line

if TYPE_CHECKING:
    from rich.console import RenderableType

    from .review import Review, ReviewGroup

_SHOWN_STATUS = {"no_answer": "refused", "ambiguous": "ambiguous", "bad": "marked bad"}


def _review_lines(g: ReviewGroup) -> dict[str, list[str]]:
    """Return a group's parts as lines of plain text: heading, questions, answers given and candidates."""
    from .feedback import normalise

    last = g.group.last_seen.replace("T", " ").rstrip("Z")[:16]
    statuses = ", ".join(f"{_SHOWN_STATUS.get(k, k)} ×{n}" for k, n in g.group.statuses.items())
    asked: dict[str, list[int]] = {}
    texts: dict[str, str] = {}
    for item in reversed(g.group.items):
        # A follow-up is shown with the question it followed, as the bot read it ("and on team?" is no question
        # alone); the same follow-up after two questions is two lines.
        key = normalise(item.as_read)
        asked.setdefault(key, []).append(item.id)
        texts.setdefault(key, one_line(item.question)[:200] + (
            f"  (after “{one_line(item.follows)[:120]}”)" if item.follows else ""))
    questions = [f"[{', '.join(map(str, ids[:5]))}{', …' if len(ids) > 5 else ''}] {texts[k]}"
                 for k, ids in list(asked.items())[:8]]
    if len(asked) > 8:
        questions.append(f"… and {len(asked) - 8} more")
    answers = [f"{one_line(a.entry)} ({_confidences(a)}{f', ×{a.count}' if a.count > 1 else ''}) "
               f"“{one_line(a.text)[:70]}”" for a in g.group.answers[:3]]
    from .review import WHY
    candidates = [f"{c.number}. {one_line(c.entry)}  {one_line(c.question)[:60]}  ({WHY.get(c.why, c.why)})"
                  for c in g.candidates[:5]]
    where = [f"asked of other documents: {one_line(g.elsewhere)}"] if g.elsewhere else []
    return {"heading": [f"{g.label}  {g.group.count}× · last asked {last} · {statuses}"],
            "questions": questions, "answers": answers, "candidates": candidates, "where": where}


def _confidences(a) -> str:
    """An answer's confidence as shown: "34%", or "3–34%" when it was given at several (one figure misstated them)."""
    lo, hi = f"{a.lowest:.0f}", f"{a.highest:.0f}"
    return f"{hi}%" if lo == hi else f"{lo}–{hi}%"


def _review_summary(queue: Review, docs: str = "") -> tuple[str, list[str]]:
    n = sum(g.group.count for g in queue.groups)
    head = (f"{n} question{'s' * (n != 1)} to review in {len(queue.groups)} group{'s' * (len(queue.groups) != 1)}"
            if queue.groups else "Nothing to review: no question was refused, ambiguous or marked /bad.")
    notes = []
    if queue.other_docs:
        notes.append(f"{queue.other_docs} more question{'s' * (queue.other_docs != 1)} were asked of other "
                     f"documents (mlbot review --all).")
    if queue.groups:
        notes.append(f"Fix a group: mlbot review{docs} --attach g1 --to 1  (a candidate number, 'top' for the "
                     f"answer given, or an entry id)")
        notes.append(f"Drop it:     mlbot review{docs} --dismiss g1  (or item numbers, the ones in brackets)")
    return head, notes


def plain_review(queue: Review, docs: str = "") -> str:
    """Return the review queue as plain text (`docs`: the --docs options to repeat in the commands it suggests)."""
    head, notes = _review_summary(queue, docs)
    out = [head]
    for g in queue.groups:
        parts = _review_lines(g)
        out += ["", parts["heading"][0]]
        out += [f"    {line}" for line in parts["where"] + parts["questions"]]
        if parts["answers"]:
            out.append("    answered with: " + "; ".join(parts["answers"]))
        out += [("    candidates:    " if n == 0 else "                   ") + line
                for n, line in enumerate(parts["candidates"])]
    if notes:
        out.append("")
    return "\n".join(out + notes)


def rich_review(queue: Review, docs: str = "") -> RenderableType:
    """Return the review queue as a rich renderable: a summary, a table of the groups, and how to act on them
    (`docs`: the --docs options to repeat in the commands it suggests)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head, notes = _review_summary(queue, docs)
    shown: list = [Text(head, style="bold")]
    if queue.groups:
        table = Table(show_lines=True, expand=True)
        table.add_column("group", no_wrap=True, style="bold cyan")
        table.add_column("questions (item numbers)", ratio=3)
        table.add_column("answered with", ratio=2)
        table.add_column("candidates (--to N)", ratio=2)
        for g in queue.groups:
            parts = _review_lines(g)
            first = Text(f"{g.label}\n{g.group.count}×\n", style="bold cyan")
            first.append("\n".join(f"{_SHOWN_STATUS.get(k, k)} {n}" for k, n in g.group.statuses.items()),
                         style="dim")
            table.add_row(first, Text("\n".join(parts["where"] + parts["questions"])),
                          Text("\n".join(parts["answers"]) or "—", style="dim"),
                          Text("\n".join(parts["candidates"]) or "—"))
        shown.append(table)
    shown += [Text(note, style="dim") for note in notes]
    return Group(*shown)
