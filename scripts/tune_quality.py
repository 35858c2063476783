"""Fit the ranking's field weights and the confidence curve on the tuning halves of the quality collections
(never the test halves). usage: python scripts/tune_quality.py [--data DIR] [--trials N] [--learn] [--fit]
[--without-sense]

Each field's score for every (query, entry) pair is computed once; weights are then searched over those
matrices, so thousands of settings cost seconds."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality_data import fresh, load_all, out_of_scope

from mlbot import rank as rank_mod
from mlbot import store as store_mod
from mlbot.analyze import content_terms
from mlbot.rank import _field
from mlbot.store import build

IN_USE = rank_mod.SENSE_WEIGHTS   # the set tuned: rank.SENSE_WEIGHTS, or rank.WEIGHTS with --without-sense


def field_scores(kb, queries):
    """Return {field: (n_queries x n_entries) scores}, gold entry index per query (-1: none) and coverage."""
    ids = {kb.entry(i).id: i for i in range(kb.n_entries)}
    out = {}
    cov = np.zeros(len(queries))
    for name in rank_mod.WEIGHTS:   # every field, whichever set is tuned
        f = _field(kb, name)
        m = np.zeros((len(queries), kb.n_entries), np.float32)
        if f is not None and name.startswith(("meaning_", "sense_")):
            for qi, (q, _) in enumerate(queries):
                sims = f.scores(q)
                if sims is not None:
                    m[qi] = sims[0] if name.endswith("_doc") else sims[1] if name.endswith("_question") else sims[2]
        elif f is not None:
            space = kb.spaces[f.space]
            for qi, (q, _) in enumerate(queries):
                qv = space.vector(q)
                ents, vals = f.entry_scores(qv) if name.startswith("semantic_") else \
                    f.entry_scores(qv, cover=name.startswith("cover_"))
                m[qi, ents] = vals
                if name == "doc_word":
                    cov[qi] = kb.spaces["word"].coverage(content_terms(q))
        out[name] = m
    gold = np.array([ids.get(e, -1) if e is not None else -1 for _, e in queries])
    return out, gold, cov


def p1(scores, gold, w):
    total = sum(w[k] * scores[k] for k in w if w[k])
    ok = gold >= 0
    return float(np.mean(total[ok].argmax(axis=1) == gold[ok]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--trials", type=int, default=0, help="random weight settings to try")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--learn", action="store_true", help="fit the weights by softmax cross-entropy")
    ap.add_argument("--fit", action="store_true", help="fit the confidence calibration on the tuning halves")
    ap.add_argument("--without-sense", action="store_true",
                    help="tune rank.WEIGHTS and CALIBRATION, for indexes without the sentence model (default: "
                         "rank.SENSE_WEIGHTS and SENSE_CALIBRATION)")
    ap.add_argument("--emphasis", default=None,
                    help="collections that weigh more in --learn, as NAME=FACTOR[,NAME=FACTOR] (default: "
                         "stackfaq=2,article=3; stackfaq=2 with --without-sense)")
    a = ap.parse_args()
    global IN_USE
    if a.without_sense:
        store_mod.SENSE_MAX_ENTRIES = -1
        IN_USE = rank_mod.WEIGHTS
    a.emphasis = a.emphasis or ("stackfaq=2" if a.without_sense else "stackfaq=2,article=3")
    cols = load_all(a.data)
    pre = {}
    for c in cols:
        kb = build(c.entries, [], [])
        pre[c.name] = field_scores(kb, c.tune)
    names = list(rank_mod.WEIGHTS)
    for n in names:
        print(f"{n:<18}", " ".join(f"{c} {p1(s, g, {n: 1.0}):.3f}" for c, (s, g, _) in pre.items()))
    cur = {c: p1(s, g, IN_USE) for c, (s, g, _) in pre.items()}
    print("current", " ".join(f"{k} {v:.3f}" for k, v in cur.items()))
    rng = np.random.default_rng(a.seed)
    results = []
    for _ in range(a.trials):
        w = dict(zip(names, np.round(rng.dirichlet(np.ones(len(names)) * 0.4), 2).tolist()))
        res = {c: p1(s, g, w) for c, (s, g, _) in pre.items()}
        results.append((min(res.values()) + sum(res.values()), res, w))
    for _, res, w in sorted(results, key=lambda x: -x[0])[:5]:
        print(" ".join(f"{k} {v:.3f}" for k, v in res.items()), {k: v for k, v in w.items() if v})
    if a.learn:
        emphasis = {k: float(v) for k, v in (x.split("=") for x in a.emphasis.split(",") if x)}
        w = learn_weights(pre, names, emphasis=emphasis)
        res = {c: p1(s, g, w) for c, (s, g, _) in pre.items()}
        print("learned", " ".join(f"{k} {v:.3f}" for k, v in res.items()))
        print({k: round(v, 3) for k, v in w.items() if v > 0.0005})
        # The fresh sets are never fitted on; they are printed because the article's development set is both tuned
        # and reported on, and a weighting that suits it may not suit new questions (docs/benchmarks.md).
        # Their sum, in questions, is what to judge by: one set alone moves by a question or two either way.
        right = np.zeros(2, int)
        for c in fresh():
            now = new = n = 0
            for part in c.parts or [c]:   # documents asked each on its own
                s, g, _ = field_scores(build(part.entries, [], []), part.test)
                k = int((g >= 0).sum())
                now, new, n = now + round(p1(s, g, IN_USE) * k), new + round(p1(s, g, w) * k), n + k
            right += (now, new)
            print(f"  {c.name}: current {now} of {n}, learned {new}")
        print(f"  all fresh sets: current {right[0]}, learned {right[1]}")
    if a.fit:
        fit_calibration(cols, pre)


def learn_weights(pre, names, temperature=10.0, l2=1e-3, emphasis=None):
    """Return non-negative field weights (summing to 1) minimising the softmax cross-entropy of the gold entry,
    each collection weighing the same (or as `emphasis` says)."""
    from scipy.optimize import minimize
    data = []
    for c, (s, g, _) in pre.items():
        ok = g >= 0
        S = np.stack([s[n][ok] for n in names], axis=-1).astype(np.float64)   # q x e x f
        data.append((S, g[ok], (emphasis or {}).get(c, 1.0)))

    def loss(beta):
        b = np.abs(beta)
        total, grad = 0.0, np.zeros_like(b)
        for S, g, e in data:
            z = temperature * S @ b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            n = len(g)
            total += e * -np.log(p[np.arange(n), g] + 1e-12).mean()
            dz = p.copy()
            dz[np.arange(n), g] -= 1
            grad += e * temperature * np.einsum("qe,qef->f", dz, S) / n
        total += l2 * (b ** 2).sum()
        grad += 2 * l2 * b
        return total, grad * np.sign(beta + 1e-12)

    best = None
    for seed in range(5):
        x0 = np.random.default_rng(seed).dirichlet(np.ones(len(names)))
        r = minimize(loss, x0, jac=True, method="L-BFGS-B")
        if best is None or r.fun < best.fun:
            best = r
    b = np.abs(best.x)
    b /= b.sum()
    return dict(zip(names, b.tolist()))


def calibration_rows(cols, pre):
    """Return (features, right) for the top answer of every tuning query and of out-of-scope questions."""
    X, y, weights, groups = [], [], [], []
    oos = out_of_scope(cols)
    w = IN_USE
    for c in cols:
        kb = build(c.entries, [], [])
        for queries, gold_known in ((c.tune, True), ([(q, None) for q in oos.get(c.name, [])[::3]], False)):
            if not queries:
                continue
            scores, gold, cov = pre[c.name] if gold_known else field_scores(kb, queries)
            total = sum(w[k] * scores[k] for k in w if w[k])
            order = np.argsort(-total, axis=1)
            s1 = total[np.arange(len(total)), order[:, 0]]
            s2 = total[np.arange(len(total)), order[:, 1]] if total.shape[1] > 1 else np.zeros(len(total))
            right = (order[:, 0] == gold) & (gold >= 0)
            scale = kb.meta["scale" if IN_USE is rank_mod.WEIGHTS else "scale_sense"]
            size = np.log(kb.n_entries)
            X += [[a / scale, (a - b) / scale, v, size] for a, b, v in zip(s1, s2, cov)]
            y += right.astype(int).tolist()
        n_c = len(y) - len(weights)
        weights += [1.0 / n_c] * n_c      # each collection weighs the same, whatever its size
        groups += [c.name] * n_c
    weights = np.array(weights) * len(weights) / len(cols)
    return np.array(X), np.array(y), weights, np.array(groups)


TARGET = 0.965


def fit_calibration(cols, pre) -> None:
    from sklearn.linear_model import LogisticRegression
    X, y, weights, groups = calibration_rows(cols, pre)
    m = LogisticRegression(C=10.0, max_iter=1000).fit(X, y, sample_weight=weights)
    print("calibration (intercept, score, margin, coverage):", round(float(m.intercept_[0]), 3),
          [round(float(x), 3) for x in m.coef_[0]])
    z = m.decision_function(X)
    # The smallest shift of the curve that makes "confidence >= 70" right at least TARGET of the time on every
    # tuning collection. The margin over the 95% promised is for the test halves: at 95.5%, Banking77's test half
    # came out at 94.9% once the word vectors were fused in.
    shift = 0.0
    for shift in np.arange(0.0, 4.0, 0.05):
        sel = 1 / (1 + np.exp(-(z - shift))) >= 0.7
        if all(y[sel & (groups == g)].mean() >= TARGET for g in set(groups) if (sel & (groups == g)).sum() > 20):
            break
    name = "CALIBRATION" if IN_USE is rank_mod.WEIGHTS else "SENSE_CALIBRATION"
    print(f"shift {shift:.2f}: {name} = ({float(m.intercept_[0]) - shift:.3f}, "
          + ", ".join(f"{float(x):.3f}" for x in m.coef_[0]) + ")")
    p = 1 / (1 + np.exp(-(z - shift)))
    for g in sorted(set(groups)):
        s = groups == g
        print(f"  {g}: answered at >= 30: {(p[s] >= 0.3).mean():.1%}, right {y[s & (p >= 0.3)].mean():.1%}; "
              f">= 70: {(p[s] >= 0.7).mean():.1%}, right {y[s & (p >= 0.7)].mean():.1%}")
    for lo in (0.3, 0.5, 0.7, 0.9):
        sel = p >= lo
        print(f"  tuning: confidence >= {lo:.0%}: {sel.mean():.1%} of questions, right {y[sel].mean():.1%}")


if __name__ == "__main__":
    main()
