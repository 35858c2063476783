"""The public collections the quality benchmark reads (from ../shared/data, never copied into the project),
turned into mlbot entries and labelled queries. Shared by bench_quality.py and tune_quality.py."""
from __future__ import annotations

import collections
import csv
import json
import os
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from mlbot.model import Entry, Source

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"


@dataclass
class Collection:
    name: str
    entries: list[Entry]
    tune: list[tuple[str, str | None]]     # (question, expected entry id or None)
    test: list[tuple[str, str | None]]
    parts: list[Collection] | None = None  # documents asked each on its own (their tests, in order, make up test)


def data_dir(arg: str | None) -> Path | None:
    p = Path(arg or os.environ.get("MLBOT_BENCH_DATA") or DEFAULT_DATA)
    return p if p.is_dir() else None


def _entry(eid: str, questions: list[str], answer: str, path: str) -> Entry:
    return Entry(eid, tuple(questions), answer, Source(path, None, 1))


def stackfaq(data: Path) -> Collection | None:
    """StackFAQ: one entry per thread (question + answers); rephrasings as queries, split by thread parity."""
    f = data / "stackfaq" / "stackExchange-FAQ.xml"
    if not f.exists():
        return None
    entries, tune, test = [], [], []
    for i, p in enumerate(ET.parse(f).getroot().findall("qapair")):
        ans = "\n\n".join(x.text.strip() for x in p.findall("answer"))
        entries.append(_entry(f"t{i}", [p.find("question").text.strip()], ans, "stackfaq.jsonl"))
        for r in p.findall("rephr"):
            t = " ".join((r.text or "").split())
            if t and t != "*":
                (tune if i % 2 == 0 else test).append((t, f"t{i}"))
    return Collection("stackfaq", entries, tune, test)


def banking77(data: Path, k: int = 10) -> Collection | None:
    """Banking77: the first k training questions of each category as alternate questions; the remaining training
    questions are the tuning queries, test.csv the test queries."""
    d = data / "banking77"
    if not (d / "train.csv").exists():
        return None
    by = collections.defaultdict(list)
    with open(d / "train.csv", newline="") as f:
        for row in csv.DictReader(f):
            by[row["category"]].append(" ".join(row["text"].split()))
    entries = [_entry(c, by[c][:k], f"Category: {c.replace('_', ' ')}", "banking77.jsonl") for c in sorted(by)]
    tune = [(q, c) for c in sorted(by) for q in by[c][k:k + 25]]
    with open(d / "test.csv", newline="") as f:
        test = [(" ".join(r["text"].split()), r["category"]) for r in csv.DictReader(f)]
    return Collection("banking77", entries, tune, test)


def article() -> Collection:
    """The bundled article and its development set (tuning and test are the same: it is small)."""
    from mlbot.ingest.text import parse_text
    text = (ROOT / "data" / "ml-engineer.txt").read_text(encoding="utf-8")
    entries = parse_text(text, "ml-engineer.txt")
    qs = [json.loads(line) for line in (ROOT / "data" / "dev-questions.jsonl").read_text().splitlines() if line]
    labelled = [(d["question"], d["expected"]) for d in qs]
    return Collection("article", entries, labelled, labelled)


def fresh() -> list[Collection]:
    """The sets in scripts/fresh/: questions written after the weights were fitted, for the report only (they have
    no tuning half, and tune_quality.py never loads them)."""
    from mlbot import ingest
    folder = ROOT / "scripts" / "fresh"

    def read(name: str) -> list[dict]:
        return [json.loads(line) for line in (folder / name).read_text(encoding="utf-8").splitlines() if line]

    art = article()
    out = [Collection("article (fresh)", art.entries, [], [(d["question"], d["expected"]) for d in read("article.jsonl")]),
           Collection("article (blind)", art.entries, [],
                      [(d["question"], d["expected"]) for d in read("article-blind.jsonl")]),
           Collection("article (blind 2)", art.entries, [],
                      [(d["question"], d["expected"]) for d in read("article-blind2.jsonl")])]
    for name, doc in (("handbook", "handbook.md"), ("library", "library.html"), ("bike shop", "bikeshop.csv")):
        [found] = ingest.discover([folder / doc])
        entries = ingest.parse_file(found)
        by_question = {e.questions[0]: e.id for e in entries if e.questions}
        labels = read(doc.rsplit(".", 1)[0] + ".jsonl")
        out.append(Collection(f"{name} (fresh)", entries, [],
                              [(d["question"], d["expected"] and by_question[d["expected"]]) for d in labels]))
    out.extend(multidoc(name) for name in MULTIDOC)
    out.append(shapes())
    out.append(shapes("prose"))
    out.append(shapes("prose held out"))
    out.extend(shapes(f"prose round {n}") for n in PROSE_ROUNDS)
    return out


MULTIDOC = {"multidoc/devtool": "a tool's docs site, 12 pages (fresh)",
            "multidoc/hr": "a company handbook, 10 pages (fresh)",
            "multidoc2/saas": "a booking app's help centre, 12 pages (held out)",
            "multidoc2/library": "a library's staff wiki, 10 pages (held out)",
            "multidoc3/clinic": "a clinic's patient pages, 12 pages (held out)",
            "multidoc3/cli": "a command-line tool's docs, 12 pages, no home page (held out)",
            "multidoc4/bakery": "a bakery's pages, 13 files (held out)",
            "multidoc4/api": "a weather API's docs, 12 pages, no home page (held out)"}


def multidoc(where: str) -> Collection:
    """scripts/fresh/multidoc*/NAME: a folder of documents asked as one knowledge base, as a user points mlbot at
    their docs (pages with a home page, in subfolders); each question names its answer by a passage of one file."""
    from mlbot import ingest
    sub, name = where.split("/")
    folder = ROOT / "scripts" / "fresh" / sub
    entries = [e for found in ingest.discover([folder / name]) for e in ingest.parse_file(found)]
    labelled = []
    for line in (folder / f"{name}.questions.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        want = " ".join((d["expected"] or "").split())
        [eid] = [e.id for e in entries if e.source.path == d["file"] and want in " ".join(e.text.split())] \
            if d["expected"] is not None else [None]
        labelled.append((d["question"], eid))
    return Collection(MULTIDOC[where], entries, [], labelled)


PROSE_ROUNDS = range(4, 11)   # scripts/fresh/prose4 ... prose10: each written after the round before had judged changes


def shapes(kind: str = "shapes") -> Collection:
    """tests/data/shapes: fifty FAQ documents in as many shapes, each asked its own questions on its own (the
    businesses have nothing to do with each other); their questions name their answer by a piece of its text.
    kind="prose": tests/data/prose, sixteen prose documents asked the same way; "prose held out":
    scripts/fresh/prose, eight more that nothing was changed for; "prose round N" (PROSE_ROUNDS):
    scripts/fresh/proseN, eight more, written after round N - 1 had judged changes (round 4 after round 3, the held
    out set)."""
    from mlbot import ingest
    rounds = {f"prose round {n}": n for n in PROSE_ROUNDS}
    fresh = ROOT / "scripts" / "fresh"
    folder = fresh / "prose" if kind == "prose held out" else fresh / f"prose{rounds[kind]}" if kind in rounds \
        else ROOT / "tests" / "data" / kind
    parts = []
    for f in sorted(folder.glob("*.questions.jsonl")):
        [doc] = [d for d in folder.iterdir() if d.name.startswith(f.name.removesuffix("questions.jsonl"))
                 and d.suffix not in (".jsonl",) and d.name != "README.md"]
        entries = ingest.parse_file(ingest.discover([doc])[0])
        labelled = []
        for line in f.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            # Whitespace runs together, as `mlbot eval` matches: a kept line break is two spaces and a newline.
            want = " ".join((d["expected"] or "").split())
            [eid] = [e.id for e in entries if want in " ".join(e.text.split())] if d["expected"] is not None else [None]
            labelled.append((d["question"], eid))
        parts.append(Collection(doc.name, entries, [], labelled))
    name = {"shapes": "50 shapes, each on its own (fresh)", "prose": "16 prose documents, each on its own",
            "prose held out": "8 prose documents held out (fresh)"}.get(kind) \
        or f"8 prose documents, round {rounds[kind]} (fresh)"
    return Collection(name, [e for p in parts for e in p.entries], [], [x for p in parts for x in p.test], parts)


def load_all(data_arg: str | None) -> list[Collection]:
    data = data_dir(data_arg)
    out = [article()]
    if data is None:
        print(f"public data not found (looked in {data_arg or DEFAULT_DATA}); StackFAQ (TakeLab, Karan & Snajder "
              f"2018) and Banking77 (PolyAI, CC BY 4.0) are skipped. Pass --data DIR.", file=sys.stderr)
        return out
    for c in (stackfaq(data), banking77(data)):
        if c is not None:
            out.append(c)
    return out


def out_of_scope(collections_: list[Collection]) -> dict[str, list[str]]:
    """Questions each collection cannot answer: the other collections' queries (and the article's off-topic set)."""
    by = {c.name: c for c in collections_}
    art_off = [q for q, e in by["article"].test if e is None]
    oos = {}
    if "stackfaq" in by and "banking77" in by:
        oos["stackfaq"] = [q for q, _ in by["banking77"].test[::6]] + art_off
        oos["banking77"] = [q for q, _ in by["stackfaq"].test] + art_off
    return oos
