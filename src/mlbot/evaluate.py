"""Labelled questions -> metrics: top-1 accuracy, MRR@10, recall@5, refusals, and the threshold sweep."""
from __future__ import annotations

import bisect
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .model import Entry, Match, Reply

SWEEP = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90)
MIN_LABEL_TEXT = 8   # a shorter expected text ("Yes") would be found in too many answers: only an id can be that short


@dataclass(frozen=True)
class Labelled:
    question: str
    expected: str | None   # an entry id, an answer's or question's text, or None: the documents do not answer
    line: int = 0          # where it is in its file, for errors


@dataclass
class Outcome:
    labelled: Labelled
    reply: Reply
    rank: int | None        # 1-based rank of the expected entry in the top 10, None if absent (or unanswerable)


@dataclass
class Report:
    """What `mlbot eval` prints; to_dict() is its --json."""

    n_answerable: int
    n_unanswerable: int
    top1: float | None             # None (as the two below) without an answerable question to measure
    mrr10: float | None
    recall5: float | None
    refused: float | None          # share of unanswerable questions refused (no_answer or chitchat)
    threshold: float
    answered_right: float          # of answerable questions: answered (at the threshold) with the right entry
    offered_right: float = 0.0     # of answerable questions, not answered right: a "did you mean" offering the right one
    suggested_right: float = 0.0   # of answerable questions: refused, with the right entry suggested first
    sweep: list[dict] = field(default_factory=list)
    recommended: float | None = None
    misses: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def read_labelled(path: str | Path) -> list[Labelled]:
    """Return the labelled questions in a JSON Lines file. Raises UsageError naming the bad line."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise UsageError(f"no such file: {path} (eval needs JSON Lines of {{\"question\", \"expected\"}})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {path}: {e}") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            q, exp = d["question"], d["expected"]
            if not isinstance(q, str) or not (exp is None or isinstance(exp, (str, int))):
                raise TypeError
        except KeyError as e:
            # A misspelt or missing "expected" must not make the question one the documents do not answer.
            raise UsageError(f"{path}, line {n}: no {json.dumps(e.args[0])} (each line is {{\"question\": str, "
                             f"\"expected\": str, or null for a question the documents do not answer}})") from None
        except (ValueError, TypeError):
            raise UsageError(f"{path}, line {n}: expected {{\"question\": str, \"expected\": str or null}}") from None
        if not q.strip():
            raise UsageError(f"{path}, line {n}: the question is empty")
        out.append(Labelled(q, None if exp is None else str(exp), n))
    if not out:
        raise UsageError(f"{path} holds no labelled questions")
    return out


def check_labels(kb, labelled: list[Labelled], path: str | Path) -> None:
    """Raise UsageError naming the lines whose expected answer is no entry of kb (counted as misses, a typo in a
    label or an entry since removed would pass for a wrong answer), or more than one (either would pass for right)."""
    wanted = {x.expected for x in labelled if x.expected is not None}
    if not wanted:
        return
    entries = list(kb.entries())
    ids = {e.id for e in entries}
    by_question: dict[str, set[int]] = {}
    for i, e in enumerate(entries):
        for q in e.questions:
            by_question.setdefault(_plain(q), set()).add(i)
    texts = [_plain(e.text) for e in entries]
    every_text = "\x00".join(texts)
    starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    matches: dict[str, set[int]] = {}
    for w in wanted - ids:
        want = _plain(w)
        found = set(by_question.get(want, ()))
        at = every_text.find(want) if len(want) >= MIN_LABEL_TEXT else -1
        while at >= 0 and len(found) < 2:   # two entries are enough to say so
            i = bisect.bisect_right(starts, at) - 1
            found.add(i)
            at = every_text.find(want, starts[i] + len(texts[i]))
        matches[w] = found
    bad = [x for x in labelled if x.expected is not None and x.expected in matches and not matches[x.expected]]
    if bad:
        raise UsageError(f"{_lines(path, bad)}: the expected answer {bad[0].expected[:60]!r}"
                         f"{' (and others)' if len(bad) > 1 else ''} is no entry of the documents. Give an entry's id "
                         f"as `mlbot ask --json` shows it, the text of its question, or a part of its answer of "
                         f"{MIN_LABEL_TEXT} characters or more; or null for a question they do not answer")
    both = [x for x in labelled if x.expected is not None and len(matches.get(x.expected, ())) > 1]
    if both:
        a, b = sorted(matches[both[0].expected])[:2]
        raise UsageError(f"{_lines(path, both)}: the expected answer {both[0].expected[:60]!r}"
                         f"{' (and others)' if len(both) > 1 else ''} is in more than one entry "
                         f"({entries[a].id}, {entries[b].id}): give the id of the one meant, or more of its text")


def _lines(path: str | Path, bad: list[Labelled]) -> str:
    lines = ", ".join(str(x.line) for x in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    return f"{path}, line{'s' if len(bad) > 1 else ''} {lines}"


def is_expected(m: Match, expected: str) -> bool:
    """True when a match is the expected entry: by id, or by its answer's or a question's text."""
    return _is_entry(m.entry, expected)


def _is_entry(e: Entry, expected: str) -> bool:
    if e.id == expected:
        return True
    want = _plain(expected)
    if len(want) < MIN_LABEL_TEXT:
        return False
    return want in _plain(e.text) or any(want == _plain(q) for q in e.questions)


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def evaluate(bot, labelled: list[Labelled]) -> Report:
    """Return the metrics of bot on labelled questions, with a threshold sweep over the confidence."""
    outcomes = []
    for item in labelled:
        reply = bot.ask(item.question, top_k=10)
        rank = None
        if item.expected is not None:
            rank = next((i for i, m in enumerate(reply.results, 1) if is_expected(m, item.expected)), None)
        outcomes.append(Outcome(item, reply, rank))
    ans = [o for o in outcomes if o.labelled.expected is not None]
    un = [o for o in outcomes if o.labelled.expected is None]
    n = max(len(ans), 1)
    top1 = sum(o.rank == 1 for o in ans) / n
    sweep = []
    for t in SWEEP:
        answered = [o for o in ans if _answers(o.reply, t)]
        right = [o for o in answered if o.rank == 1]
        false_answers = [o for o in un if _answers(o.reply, t)]
        sweep.append({
            "threshold": t,
            "answered": len(answered) / n,
            "accuracy": len(right) / len(answered) if answered else None,
            "right": len(right) / n,
            "unanswerable_answered": len(false_answers) / len(un) if un else None,
        })
    # Without a question the documents do not answer, refusing costs nothing measured: any threshold past 0 only
    # loses answers, and recommending 0 (never refuse) would be the file's blind spot speaking.
    recommended = _recommend(sweep) if un and ans else None
    return Report(
        n_answerable=len(ans), n_unanswerable=len(un), top1=top1 if ans else None,
        mrr10=sum(1 / o.rank for o in ans if o.rank) / n if ans else None,
        recall5=sum(1 for o in ans if o.rank and o.rank <= 5) / n if ans else None,
        refused=sum(o.reply.status in ("no_answer", "chitchat") for o in un) / len(un) if un else None,
        threshold=bot.threshold,
        answered_right=sum(o.rank == 1 and _answers(o.reply, bot.threshold) for o in ans) / n,
        offered_right=sum(_offered(o) and not (o.rank == 1 and _answers(o.reply, bot.threshold)) for o in ans) / n,
        suggested_right=sum(o.reply.status == "no_answer" and _suggested(bot, o) for o in ans) / n,
        sweep=sweep, recommended=recommended,
        misses=[{"question": o.labelled.question, "expected": o.labelled.expected,
                 "got": o.reply.results[0].entry.id if o.reply.results else None,
                 "got_question": o.reply.results[0].name if o.reply.results else None, "status": o.reply.status,
                 "rank": o.rank, "offered": _offered(o)}
                for o in outcomes if (o.rank != 1 if o.labelled.expected else _answers(o.reply, bot.threshold))],
    )


def _offered(o: Outcome) -> bool:
    """True when the reply is a "did you mean" and the expected entry is one of its choices. It is the first choice,
    but not answered, when the top answer's confidence is under the threshold: a section's paragraphs offered
    together (Bot._one_section)."""
    return o.reply.status == "ambiguous" and o.rank is not None and o.rank <= o.reply.choices


def _suggested(bot, o: Outcome) -> bool:
    """True when the first thing suggested with a refusal is the expected entry (the chat lets it be picked)."""
    return bool(o.reply.suggested) and _is_entry(bot.kb.entry(o.reply.suggested[0]), o.labelled.expected)


def _answers(reply: Reply, threshold: float) -> bool:
    """True when the bot would commit to its top answer at this threshold (a tie still shows it first)."""
    return bool(reply.results) and reply.status != "chitchat" and reply.confidence >= threshold


def _recommend(sweep: list[dict]) -> float | None:
    """Return the threshold that maximises right answers minus wrong ones (wrong = wrong entry or answered
    when there is no answer), preferring the lower threshold on a tie."""
    best, best_t = None, None
    for row in sweep:
        acc = row["accuracy"] or 0.0
        wrong = row["answered"] * (1 - acc) + (row["unanswerable_answered"] or 0.0)
        value = row["right"] - wrong
        if best is None or value > best + 1e-9:
            best, best_t = value, row["threshold"]
    return best_t
