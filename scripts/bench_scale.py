"""Scale, side by side with bm25s (and tantivy when importable) in one run, on a synthetic knowledge base.

For each N: N Markdown paragraphs drawn from a Zipf-distributed vocabulary of ~200k word forms, generated exactly
as ../shared/acceptance/scale.py does (same code, same seed, same 300 queries: 5 random words of a random
paragraph), written once to a temp folder and read by every system. Measured:

- index build: `mlbot index --docs DIR` (whole process, wall time and peak RSS) against bm25s tokenize + index
  (in process, as scale.py does; peak RSS of its own subprocess, so both peaks are whole-process peaks);
- query latency: `mlbot.load([DIR]).ask(q, top_k=10)` against bm25s tokenize + retrieve (k=10), p50 and p99;
- recall@10: the share of the 300 queries whose source paragraph (matched by text) is in the top 10;
- `mlbot.load` on a warm cache, and the index size on disk;
- cold one-shot `mlbot ask --docs DIR --json q` against `python -c "import numpy"`, interleaved, medians.

Ratios (same run; the acceptance bars): build/bm25s <= 1.5, query p50/bm25s <= 1.0, cold ask/python+numpy <= 8.
Peak RSS comes from /usr/bin/time -f %M when present, else from polling the process tree with psutil.

Prints one Markdown table per N and the command. Figures go to docs/benchmarks.md; the machine is shared and
noisy, so compare the ratios (same run), not the absolute times.

usage: python scripts/bench_scale.py [N ...] [--queries 300] [--cold-runs 5] [--no-tantivy] [--json FILE]
       (N defaults to 10000 200000; 1000000 works: about 4 minutes on 2 cores, with `mlbot index` peaking at
       11 GB of RSS in docs/benchmarks.md's run)
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import machine, pct, source_fingerprint  # noqa: E402

PY = sys.executable
MLBOT = str(Path(sys.executable).with_name("mlbot"))
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def generate(n: int, root: Path) -> dict:
    """Write the synthetic knowledge base of scale.py into root/kb, its paragraphs (one a line) into
    root/paras.txt and the queries with their source paragraph into root/q.json; return a summary."""
    import numpy as np

    # --- from ../shared/acceptance/scale.py, unchanged (same seed and draw order, so figures are comparable) ---
    N = n
    rng = np.random.default_rng(7)
    syll = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "or", "in", "dra", "po", "che", "lan", "ty", "gor", "ex",
            "qui", "ba", "zen", "fi"]
    V = 200_000
    words = np.array(["".join(rng.choice(syll, rng.integers(2, 5))) + str(i % 7 if i > 5000 else "")
                      for i in range(V)])
    p = 1 / np.arange(1, V + 1) ** 1.1; p /= p.sum()  # noqa: E702
    docs = root / "kb"; docs.mkdir()  # noqa: E702
    lens = rng.integers(25, 90, N); toks = rng.choice(V, size=int(lens.sum()), p=p)  # noqa: E702
    paras, o = [], 0
    for L in lens: paras.append(" ".join(words[toks[o:o + L]]) + "."); o += L  # noqa: E701, E702
    per = 2000
    for f in range(0, N, per):
        (docs / f"part{f // per:04d}.md").write_text(f"# Part {f // per}\n\n" + "\n\n".join(paras[f:f + per]) + "\n")
    qidx = rng.integers(0, N, 300)
    queries = [" ".join(rng.choice(paras[i].rstrip(".").split(), 5, replace=False)) for i in qidx]
    # --- end of scale.py's generator ---
    n_tokens = int(lens.sum())
    del toks, lens, words, p
    with open(root / "paras.txt", "w", encoding="utf-8") as fh:
        for para in paras:
            fh.write(para + "\n")
    (root / "q.json").write_text(json.dumps([[q, int(i), paras[i]] for q, i in zip(queries, qidx)]))
    kb_bytes = sum(f.stat().st_size for f in docs.iterdir())
    del paras, queries
    gc.collect()
    return {"tokens": n_tokens, "kb_mb": kb_bytes / 1e6, "files": math.ceil(N / per)}


# Each runs in its own interpreter and prints one JSON line. A paragraph's identity is its text.
MLBOT_QUERIES = r"""
import json, sys, time, statistics
qfile, docs, nq = sys.argv[1], sys.argv[2], int(sys.argv[3])
qs = json.load(open(qfile, encoding="utf-8"))[:nq]
import mlbot
t = time.perf_counter(); bot = mlbot.load([docs]); t_load = time.perf_counter() - t
t = time.perf_counter(); mlbot.load([docs]); t_again = time.perf_counter() - t
norm = lambda s: " ".join(s.split())
lat, hits, status = [], 0, {}
for q, i, src in qs:
    t = time.perf_counter(); rep = bot.ask(q, top_k=10); lat.append(time.perf_counter() - t)
    hits += any(norm(m.entry.text) == norm(src) for m in rep.results[:10])
    status[rep.status] = status.get(rep.status, 0) + 1
print(json.dumps(dict(load=t_load, again=t_again, lat=lat, recall=hits / len(qs), status=status)))
"""

BM25S = r"""
import json, resource, sys, time
paras_file, qfile, nq, save_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(paras_file, encoding="utf-8") as fh:
    paras = [line.rstrip("\n") for line in fh]
qs = json.load(open(qfile, encoding="utf-8"))[:nq]
import bm25s
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
ret = bm25s.BM25(); ret.index(bm25s.tokenize(paras, show_progress=False), show_progress=False)
t_index = time.perf_counter() - t
lat, hits = [], 0
for q, i, src in qs:
    t = time.perf_counter()
    res, _ = ret.retrieve(bm25s.tokenize([q], show_progress=False), k=10, show_progress=False)
    lat.append(time.perf_counter() - t)
    hits += any(paras[j] == src for j in res[0].tolist())
ret.save(save_dir)
print(json.dumps(dict(index=t_index, rss_before_mb=before / 1024, lat=lat, recall=hits / len(qs),
                      version=bm25s.__version__)))
"""

TANTIVY = r"""
import json, resource, sys, time
paras_file, qfile, nq, index_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(paras_file, encoding="utf-8") as fh:
    paras = [line.rstrip("\n") for line in fh]
qs = json.load(open(qfile, encoding="utf-8"))[:nq]
import tantivy
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
sb = tantivy.SchemaBuilder(); sb.add_integer_field("id", stored=True); sb.add_text_field("body", stored=False)
index = tantivy.Index(sb.build(), path=index_dir)
w = index.writer(heap_size=256_000_000, num_threads=1)
for i, para in enumerate(paras):
    w.add_document(tantivy.Document(id=i, body=para))
w.commit(); w.wait_merging_threads()
index.reload()
t_index = time.perf_counter() - t
searcher = index.searcher()
lat, hits = [], 0
for q, i, src in qs:
    t = time.perf_counter()
    top = [searcher.doc(a)["id"][0] for _, a in searcher.search(index.parse_query(q, ["body"]), 10).hits]
    lat.append(time.perf_counter() - t)
    hits += any(paras[j] == src for j in top)
print(json.dumps(dict(index=t_index, rss_before_mb=before / 1024, lat=lat, recall=hits / len(qs))))
"""


def run_measured(cmd: list[str], env: dict, timeout: float) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run cmd; return (wall seconds, peak RSS in MB of the process (tree, with psutil), the finished process)."""
    if GNU_TIME:
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
            t = time.perf_counter()
            r = subprocess.run([GNU_TIME, "-f", "%M", "-o", out.name, *cmd], capture_output=True, text=True,
                               env=env, timeout=timeout)
            wall = time.perf_counter() - t
            lines = [x for x in Path(out.name).read_text().split() if x.isdigit()]
            return wall, (int(lines[-1]) / 1024 if lines else float("nan")), r
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    ps, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            rss = sum(c.memory_info().rss for c in [ps, *ps.children(recursive=True)])
            peak = max(peak, rss)
        except psutil.Error:
            pass
        if time.perf_counter() - t > timeout:
            proc.kill()
            raise subprocess.TimeoutExpired(cmd, timeout)
        time.sleep(0.05)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    return wall, peak / 2**20, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def num(x: float) -> str:
    """Return x with about three significant digits."""
    return f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def tree_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def tree_files(path: Path) -> set[str]:
    return {str(f.relative_to(path)) for f in path.rglob("*")} if path.exists() else set()


class BenchError(Exception):
    """A measured process failed: reported for its N, and the next N still runs."""


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def child_json(r: subprocess.CompletedProcess, what: str) -> dict:
    if r.returncode:
        raise BenchError(f"{what} failed (exit {r.returncode}):\n{r.stderr[-1500:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench(n: int, args: argparse.Namespace, with_tantivy: bool) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"mlbot-bench-scale-{n}-"))
    docs, cache = root / "kb", root / "cache"
    env = {k: v for k, v in os.environ.items() if k != "MLBOT_DOCS"}
    env.update(XDG_CACHE_HOME=str(cache), XDG_DATA_HOME=str(root / "data"), XDG_STATE_HOME=str(root / "state"),
               MLBOT_NO_LOG="1", NO_COLOR="1")
    res: dict = {"N": n}
    try:
        log(f"N={n}: generating the corpus in {root}")
        t = time.perf_counter()
        res["corpus"] = generate(n, root)
        res["corpus"]["seconds"] = time.perf_counter() - t
        nq = args.queries
        qfile, pfile = str(root / "q.json"), str(root / "paras.txt")

        log(f"N={n}: mlbot index")
        wall, rss, r = run_measured([MLBOT, "index", "--docs", str(docs)], env, args.timeout)
        if r.returncode:
            raise BenchError(f"mlbot index failed (exit {r.returncode}):\n{r.stderr[-1500:]}")
        res["mlbot"] = {"index": wall, "rss_mb": rss, "index_stdout": r.stdout.strip().splitlines()}
        res["mlbot"]["disk_mb"] = tree_bytes(cache / "mlbot") / 1e6
        res["mlbot"]["index_mb"] = sum(tree_bytes(d) for d in (cache / "mlbot").glob("*/build-*")) / 1e6
        files_before = tree_files(cache / "mlbot")

        log(f"N={n}: mlbot queries through the Python API")
        r = subprocess.run([PY, "-c", MLBOT_QUERIES, qfile, str(docs), str(nq)], capture_output=True, text=True,
                           env=env, timeout=args.timeout)
        res["mlbot"].update(child_json(r, "mlbot queries"))
        res["mlbot"]["load_rebuilt"] = tree_files(cache / "mlbot") != files_before

        log(f"N={n}: cold one-shot asks against python -c 'import numpy', interleaved")
        qs = json.loads(Path(qfile).read_text())
        cold, base, cold_status = [], [], []
        for k in range(args.cold_runs):
            q = qs[k % len(qs)][0]
            t = time.perf_counter()
            r = subprocess.run([MLBOT, "ask", "--docs", str(docs), "--json", q], capture_output=True, env=env,
                               timeout=args.timeout)
            cold.append(time.perf_counter() - t)
            if r.returncode not in (0, 1):   # 1 is "no answer", a reply like any other
                raise BenchError(f"mlbot ask failed (exit {r.returncode}):\n"
                                 f"{r.stderr[-1500:].decode(errors='replace')}")
            cold_status.append(json.loads(r.stdout)["status"])
            t = time.perf_counter()
            subprocess.run([PY, "-c", "import numpy"], capture_output=True, env=env)
            base.append(time.perf_counter() - t)
        del qs
        res["cold"] = {"ask": cold, "numpy": base, "status": cold_status}

        log(f"N={n}: bm25s")
        wall, rss, r = run_measured([PY, "-c", BM25S, pfile, qfile, str(nq), str(root / "bm25s-index")], env,
                                    args.timeout)
        res["bm25s"] = child_json(r, "bm25s")
        res["bm25s"].update(rss_mb=rss, process_s=wall, disk_mb=tree_bytes(root / "bm25s-index") / 1e6)

        if with_tantivy:
            log(f"N={n}: tantivy")
            (root / "tantivy-index").mkdir()
            wall, rss, r = run_measured([PY, "-c", TANTIVY, pfile, qfile, str(nq), str(root / "tantivy-index")],
                                        env, args.timeout)
            res["tantivy"] = child_json(r, "tantivy")
            res["tantivy"].update(rss_mb=rss, process_s=wall, disk_mb=tree_bytes(root / "tantivy-index") / 1e6)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return res


def report(res: dict) -> str:
    """Return the Markdown tables for one N."""
    m, b, t = res["mlbot"], res["bm25s"], res.get("tantivy")
    systems = [x for x in (m, b, t) if x]
    c = res["corpus"]
    ms = 1000
    for x in systems:
        x["p50"], x["p99"] = statistics.median(x["lat"]), pct(x["lat"], .99)
    cold, base = statistics.median(res["cold"]["ask"]), statistics.median(res["cold"]["numpy"])
    rb, rq, rc = m["index"] / b["index"], m["p50"] / b["p50"], cold / base

    def verdict(ok: bool) -> str:
        return "pass" if ok else "**FAIL**"

    def row(label: str, key: str, scale: float = 1.0, pctg: bool = False, bar: str = "", ratio: bool = True,
            bold: bool = False) -> str:
        cells = [f"{x[key]:.1%}" if pctg else num(x[key] * scale) for x in systems]
        r = m[key] / b[key] if ratio and b[key] else None
        rs = "" if r is None else (f"**{num(r)}**" if bold else num(r))
        return f"| {label} | " + " | ".join(cells) + f" | {rs} | {bar} |"

    out = [f"### N = {res['N']:,} paragraphs ({c['tokens']:,} words, {num(c['kb_mb'])} MB of Markdown in "
           f"{c['files']} files)\n",
           "| measure | mlbot | bm25s |" + (" tantivy |" if t else "") + " mlbot/bm25s | bar |",
           "|---|---:|---:|" + ("---:|" if t else "") + "---:|---|",
           row("index build, wall (s)", "index", bar=f"<= 1.5: {verdict(rb <= 1.5)}", bold=True),
           row("index build, peak RSS of the process (MB)", "rss_mb"),
           row("query p50 (ms)", "p50", ms, bar=f"<= 1.0: {verdict(rq <= 1.0)}", bold=True),
           row("query p99 (ms)", "p99", ms),
           row("recall@10: source paragraph in the top 10", "recall", pctg=True, ratio=False),
           row("index on disk (MB; mlbot: the whole cache, with its per-file parse cache)", "disk_mb"),
           f"| `mlbot.load([DIR])` on the warm cache, first / repeat call (s) | {num(m['load'])} / "
           f"{num(m['again'])} | |" + (" |" if t else "") + " | |",
           "",
           "| cold one-shot, whole process | median (s) | runs | ratio | bar |",
           "|---|---:|---:|---:|---|",
           f"| `mlbot ask --docs DIR --json q` | {num(cold)} | {len(res['cold']['ask'])} | **{num(rc)}** | "
           f"<= 8: {verdict(rc <= 8)} |",
           f"| `python -c \"import numpy\"` | {num(base)} | {len(res['cold']['numpy'])} | 1 | |",
           ""]
    notes = []
    if m.get("load_rebuilt"):
        notes.append("**`mlbot.load([DIR])` wrote to the cache: it did not reuse the index `mlbot index` built**"
                     + (" (the mlbot sources changed in between, which may explain it)."
                        if res.get("src_after", res.get("src")) != res.get("src") else "."))
    notes.append("mlbot's replies to the timed queries: "
                 + ", ".join(f"{v} {k}" for k, v in sorted(m["status"].items())) + ".")
    notes.append(f"mlbot's index proper (build-* folder) is {num(m.get('index_mb', float('nan')))} MB of that.")
    notes.append(f"bm25s's peak includes {b['rss_before_mb']:.0f} MB held before indexing (interpreter, bm25s "
                 f"and the paragraphs read from disk)"
                 + (f"; tantivy's {t['rss_before_mb']:.0f} MB" if t else "") + ".")
    if t:
        notes.append("tantivy: on-disk index, one indexing thread, 256 MB writer heap, default query parser (OR); "
                     "its query time includes fetching the 10 stored ids.")
    notes.append(f"Generating the corpus took {c['seconds']:.0f} s.")
    if "src" in res:
        notes.append(f"mlbot sources {res['src']}" + ("." if res["src_after"] == res["src"] else
                     f", **changed during this N's run (now {res['src_after']})**."))
    out.append(" ".join(notes) + "\n")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000, 200_000], metavar="N",
                    help="paragraphs in the knowledge base (default: 10000 200000)")
    ap.add_argument("--queries", type=int, default=300, help="queries timed, at most 300 (default: 300)")
    ap.add_argument("--cold-runs", type=int, default=5, help="interleaved cold one-shot runs (default: 5)")
    ap.add_argument("--no-tantivy", action="store_true", help="leave tantivy out even when it is importable")
    ap.add_argument("--timeout", type=float, default=7200, help="seconds allowed to one subprocess (default: 7200)")
    ap.add_argument("--json", metavar="FILE", help="also write the raw measurements to FILE")
    args = ap.parse_args()
    if not Path(MLBOT).exists():
        sys.exit(f"no mlbot console script beside {PY}: install mlbot in this environment (pip install -e .)")
    args.queries = max(1, min(args.queries, 300))
    with_tantivy = not args.no_tantivy and subprocess.run([PY, "-c", "import tantivy"],
                                                          capture_output=True).returncode == 0
    where = machine()
    results = []
    for n in args.sizes:
        src_before = source_fingerprint()
        try:
            res = bench(n, args, with_tantivy)
        except (BenchError, subprocess.TimeoutExpired) as e:
            src_after = source_fingerprint()
            changed = "" if src_after == src_before else \
                f" (mlbot sources changed during the run: {src_before} -> {src_after})"
            log(f"N={n}: {e}")
            print(f"### N = {n:,} paragraphs: FAILED at {time.strftime('%H:%M:%S')}{changed}\n\n```\n{e}\n```\n",
                  flush=True)
            results.append({"N": n, "error": str(e), "src": src_before, "src_after": src_after})
            continue
        res["src"], res["src_after"] = src_before, source_fingerprint()
        results.append(res)
        print(report(res), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
    print(f"Machine: {where}")
    cmd = " ".join([PY, "scripts/bench_scale.py", *sys.argv[1:]])
    print(f"Command: `{cmd}` (cwd: the repository; peak RSS via "
          f"{'/usr/bin/time -f %M' if GNU_TIME else 'psutil polling'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
