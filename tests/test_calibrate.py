"""A knowledge base's own threshold, derived from its alternate questions (mlbot.calibrate)."""
from __future__ import annotations

import json

from mlbot.bot import Bot
from mlbot.calibrate import DEFAULT_THRESHOLD, MIN_PROBES, STEPS, TARGET, derive_threshold, threshold_of
from mlbot.model import Entry, Source
from mlbot.store import build

THINGS = ["printer", "scanner", "badge", "laptop", "monitor", "headset", "locker", "parking", "wifi", "vpn",
          "payroll", "invoice", "expense", "holiday", "training", "mentor", "desk", "kitchen", "shuttle", "gym"]
VERBS = [("reset", "start over with"), ("order", "get a new"), ("return", "give back")]


def faq(alternates: int = 2) -> list[Entry]:
    """Sixty entries (a verb for each of twenty things), each with its question and `alternates` rephrasings."""
    out = []
    for thing in THINGS:
        for verb, other in VERBS:
            qs = [f"How do I {verb} my {thing}?", f"I want to {other} my {thing}", f"{thing} {verb} steps"]
            out.append(Entry(f"{verb}-{thing}", tuple(qs[:1 + alternates]),
                             f"To {verb} your {thing}, open the {thing} page and press {verb.title()}.",
                             Source("faq.jsonl", None, len(out) + 1)))
    return out


def kb_of(entries):
    return build(entries, [], [])


def test_without_alternates_there_is_nothing_to_derive():
    assert derive_threshold(faq(alternates=0), kb_of) is None
    few = faq(alternates=0)[: MIN_PROBES - 1]
    few = [Entry(e.id, e.questions + ("another way to ask",), e.text, e.source) for e in few]
    assert derive_threshold(few, kb_of) is None   # fewer held-out phrasings than MIN_PROBES


def test_the_derived_threshold_is_the_lowest_step_that_meets_the_target():
    entries = faq(alternates=2)
    d = derive_threshold(entries, kb_of)
    assert d is not None
    assert d["probes"] == 2 * len(entries)   # each alternate held out once (two rounds)
    assert d["value"] in STEPS and d["value"] >= DEFAULT_THRESHOLD
    assert 0 <= d["answered"] <= 1 and 0 <= d["top1"] <= 1
    # Either the target is met at the value, or the value is the highest step there is.
    assert d["precision"] >= TARGET or d["value"] == STEPS[-1]


def test_a_round_holds_out_at_most_max_probes_per_round_phrasings(monkeypatch):
    from mlbot import calibrate

    monkeypatch.setattr(calibrate, "MAX_PROBES_PER_ROUND", 40)
    d = derive_threshold(faq(alternates=2), kb_of)
    assert d is not None and d["probes"] == 2 * 40   # two rounds (two alternates each), 40 entries sampled


def test_the_bot_answers_at_the_derived_threshold_unless_told_otherwise():
    kb = kb_of(faq(alternates=0))
    assert Bot(kb).threshold == DEFAULT_THRESHOLD
    kb.meta["threshold"] = {"value": 45.0, "probes": 90, "precision": 0.93, "answered": 0.6, "top1": 0.8}
    assert threshold_of(kb.meta) == 45.0
    assert Bot(kb).threshold == 45.0
    assert Bot(kb, 10).threshold == 10


def test_index_and_info_say_where_the_threshold_comes_from(run_mlbot, tmp_path):
    docs = tmp_path / "faq.jsonl"
    docs.write_text("".join(json.dumps({"id": e.id, "questions": list(e.questions), "answer": e.text}) + "\n"
                            for e in faq(alternates=2)), encoding="utf-8")
    p = run_mlbot("index", "--docs", str(docs))
    assert p.returncode == 0, p.stderr
    assert b"derived from 120 alternate questions" in p.stdout
    info = json.loads(run_mlbot("info", "--json", "--docs", str(docs)).stdout)
    assert info["threshold"]["probes"] == 120 and info["threshold_value"] == info["threshold"]["value"]
    reply = json.loads(run_mlbot("ask", "--json", "--docs", str(docs), "How do I reset my badge?").stdout)
    assert reply["threshold"] == info["threshold_value"]   # the reply was decided at the derived threshold

    plain = tmp_path / "plain.md"
    plain.write_text("# Help\n\n## How do I reset my badge?\n\nAsk at the front desk.\n", encoding="utf-8")
    out = run_mlbot("info", "--docs", str(plain)).stdout.decode()
    assert "threshold: 20, the default" in out
