"""Two-turn conversations, measured: a first question, then a short follow-up that means something only after it
("and annually?", "can I pause it?"), asked in one Session of the chat, against the follow-up asked on its own.

Reads the JSON Lines sets of scripts/fresh/followups (fields in its README): each line names its documents' folder,
the first question, the follow-up and the text that answers the follow-up, or null when the documents do not. A
follow-up is right when the top answer holds that text, and, for an unanswerable one, when the bot refuses. Counted
by kind (connective, pronoun, bare), by whether the follow-up's key word is absent from the documents, and by
whether the answer lies in the first answer's section.

With no FILE, the first set (scripts/fresh/followups); the second, held out for the next change to follow-ups:
python scripts/bench_conversations.py scripts/fresh/followups2/*.jsonl

usage: python scripts/bench_conversations.py [FILE.jsonl ...] [--json]
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import mlbot
from mlbot.evaluate import is_expected

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((ROOT / "scripts" / "fresh" / "followups").glob("*.jsonl"))


def outcome(reply, expected: str | None) -> str:
    """'right', 'wrong' or 'refused' for an answerable follow-up; 'refused' or 'wrong' for an unanswerable one."""
    if reply.status != "answered":
        return "refused"
    return "right" if expected is not None and is_expected(reply.results[0], expected) else "wrong"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=SETS)
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args()
    bots: dict[str, mlbot.Bot] = {}
    rows = []
    for f in args.files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            docs = item["docs"]
            if docs not in bots:
                bots[docs] = mlbot.load([str(ROOT / docs)])
            bot = bots[docs]
            session = bot.session()
            session.ask(item["first"])
            turn = session.ask(item["follow_up"])
            alone = bot.ask(item["follow_up"])
            rows.append({"item": item, "chat": outcome(turn, item["expected"]), "alone": outcome(alone, item["expected"]),
                         "context": turn.context_used is not None})
    groups = {"all answerable": [r for r in rows if r["item"]["expected"] is not None]}
    for kind in ("connective", "pronoun", "bare"):
        groups[f"  {kind}"] = [r for r in groups["all answerable"] if r["item"]["kind"] == kind]
    groups["  key word absent from the documents"] = [r for r in groups["all answerable"] if r["item"]["unseen_word"]]
    groups["  answer in the first answer's section"] = [r for r in groups["all answerable"]
                                                        if r["item"]["same_passage"]]
    groups["  answer elsewhere"] = [r for r in groups["all answerable"] if r["item"]["same_passage"] is False]
    groups["unanswerable"] = [r for r in rows if r["item"]["expected"] is None]
    table = {name: {side: dict(Counter(r[side] for r in rs)) | {"n": len(rs)} for side in ("chat", "alone")}
             | {"context used": sum(r["context"] for r in rs)} for name, rs in groups.items()}
    if args.json:
        print(json.dumps(table, indent=2))
        return 0
    print(f"{len(rows)} two-turn conversations from {len(args.files)} file(s)\n")
    print("| follow-ups | n | in the chat: right / wrong / refused | asked alone: right / wrong / refused | "
          "answered from context |")
    print("|---|---|---|---|---|")
    for name, t in table.items():
        c, a = t["chat"], t["alone"]
        cells = [f"{x.get('right', 0)} / {x.get('wrong', 0)} / {x.get('refused', 0)}" for x in (c, a)]
        print(f"| {name.strip()} | {c['n']} | {cells[0]} | {cells[1]} | {t['context used']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
