"""A knowledge base's own threshold, derived from its alternate questions (mlbot.calibrate)."""
from __future__ import annotations

import json

from mlbot.bot import Bot
from mlbot.calibrate import DEFAULT_THRESHOLD, MIN_PROBES, STEPS, TARGET, derive_threshold, threshold_of
from mlbot.model import Entry, Source
from mlbot.rank import probe_of
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


DISHES = [("Beef stew", "braising steak", "Heat the oven to 160C", "Brown the beef in batches in hot oil",
           "Cover and cook in the oven for three hours"),
          ("Lemon cake", "caster sugar", "Heat the oven to 180C", "Beat the butter and sugar until pale",
           "Bake for forty minutes until a skewer comes out clean"),
          ("Pancakes", "plain flour", "Whisk the flour, eggs and milk into a smooth batter",
           "Rest the batter for half an hour", "Fry thin pancakes in a hot buttered pan"),
          ("Lentil soup", "red lentils", "Soften the onion and carrot in olive oil", "Add the lentils and stock",
           "Simmer for twenty five minutes and blend half of it")]


def recipe_book(numbered: bool) -> str:
    parts = ["# Family recipes\n\nThe recipes we cook most, written down so they do not get lost.\n"]
    for name, staple, *steps in DISHES:
        method = ("\n".join(f"{i}. {s}." for i, s in enumerate(steps, 1)) if numbered
                  else " ".join(f"{s}." for s in steps))
        parts.append(f"## {name}\n\nServes four.\n\n### Ingredients\n\nYou need {staple}, salt and pepper.\n\n"
                     f"### Method\n\n{method}\n")
    return "\n".join(parts)


def test_a_paragraph_is_probed_by_its_opening_words_not_a_list_number():
    assert probe_of("1. Heat the oven to 160C.\n2. Brown the beef in batches. Then rest it.") == \
        "Heat the oven to 160C Brown the beef in batches"
    assert probe_of("Serves four.") == "Serves four."
    assert probe_of("In an era where machine learning matters to everyone. More text here.") == \
        "In an era where machine learning matters to everyone"


def test_numbered_steps_do_not_make_a_documents_answers_look_sure():
    # The score scale is the median score of the documents' own openings asked of them; a numbered method probed
    # by "1" scored low, pulled the scale down and so every answer's confidence up (a recipe book's opening lines
    # were offered at 93% for "what temperature for the stew in the oven").
    from mlbot.ingest.markdown import parse_markdown
    numbered, prose = (kb_of(parse_markdown(recipe_book(n), "recipes.md")).meta for n in (True, False))
    for key in ("scale", "scale_sense"):
        if key in prose:
            assert numbered[key] >= 0.9 * prose[key], key
