"""Cold start and per-question latency of mlbot on the bundled article, beside plain Python in the same run.

Whole process: `mlbot ask "How long does it take to gain practical experience?"` (after one warm-up run that builds
the cache) against `python -c "import numpy"` and `python -c "pass"`, runs interleaved (the order rotates every
round), medians and p90, and the ratio mlbot/numpy (the acceptance bar is 2.5: ../shared/acceptance/coldstart.py).

In process: `mlbot.load()` in fresh interpreters (the first call, which imports numpy and mlbot's modules, and
repeat calls), and `bot.ask(q)` over the article's development set (data/dev-questions.jsonl): the first question
after loading, and steady state after one untimed pass, median and p99.

Uses this interpreter and the `mlbot` console script beside it, a temporary XDG_CACHE_HOME, MLBOT_NO_LOG=1 and
NO_COLOR=1. Prints Markdown. Figures go to docs/benchmarks.md with the command that produced them; this machine is
shared and noisy, so compare the ratios (same run), not the absolute times.

usage: python scripts/bench_speed.py [--runs 15] [--load-runs 5] [--passes 3]
"""
from __future__ import annotations

import argparse
import json
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

QUESTION = "How long does it take to gain practical experience?"
EXPECTED = "12 to 24 months"   # what the article says (the acceptance check looks for it too)
ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "data" / "dev-questions.jsonl"
PY = sys.executable
MLBOT = str(Path(sys.executable).with_name("mlbot"))

# Runs in a fresh interpreter: times mlbot.load() and bot.ask() over the dev set, prints one JSON line.
IN_PROCESS = r"""
import json, sys, time
dev, passes = sys.argv[1], int(sys.argv[2])
items = [json.loads(line) for line in open(dev, encoding="utf-8") if line.strip()]
t = time.perf_counter(); import mlbot; t_import = time.perf_counter() - t
t = time.perf_counter(); bot = mlbot.load(); t_load = time.perf_counter() - t
again = []
for _ in range(3):
    t = time.perf_counter(); mlbot.load(); again.append(time.perf_counter() - t)
t = time.perf_counter(); first = bot.ask(items[0]["question"]); t_first = time.perf_counter() - t
for it in items:                     # untimed pass: touches the memory-mapped arrays once
    bot.ask(it["question"])
lat, top1, n_in = [], 0, 0
for p in range(passes):
    for it in items:
        t = time.perf_counter(); r = bot.ask(it["question"]); lat.append(time.perf_counter() - t)
        if p == 0 and it["expected"] is not None:
            n_in += 1
            top1 += bool(r.results) and r.results[0].entry.id == it["expected"]
from mlbot import sentence
fresh = []                           # as new questions: the sentence model's cache of question vectors emptied
for it in items:
    sentence.forget_questions()
    t = time.perf_counter(); bot.ask(it["question"]); fresh.append(time.perf_counter() - t)
print(json.dumps(dict(import_=t_import, load=t_load, again=again, first=t_first, lat=lat, top1=top1, n_in=n_in,
                      n=len(items), fresh=fresh)))
"""


def timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, env=env, timeout=300)
    return time.perf_counter() - t, r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15, help="whole-process runs of each command (default: 15)")
    ap.add_argument("--load-runs", type=int, default=5, help="fresh interpreters timing mlbot.load() (default: 5)")
    ap.add_argument("--passes", type=int, default=3, help="timed passes over the dev set per process (default: 3)")
    args = ap.parse_args()
    if not Path(MLBOT).exists():
        sys.exit(f"no mlbot console script beside {PY}: install mlbot in this environment (pip install -e .)")

    src_before, where = source_fingerprint(), machine()
    root = Path(tempfile.mkdtemp(prefix="mlbot-bench-speed-"))
    env = {k: v for k, v in os.environ.items() if k != "MLBOT_DOCS"}
    env.update(XDG_CACHE_HOME=str(root / "cache"), XDG_DATA_HOME=str(root / "data"),
               XDG_STATE_HOME=str(root / "state"), MLBOT_NO_LOG="1", NO_COLOR="1")
    try:
        commands = {
            "mlbot ask": [MLBOT, "ask", QUESTION],
            'python -c "import numpy"': [PY, "-c", "import numpy"],
            'python -c "pass"': [PY, "-c", "pass"],
        }
        t_warm, r = timed(commands["mlbot ask"], env)   # warm-up: builds the cache
        answer_ok = r.returncode == 0 and EXPECTED in " ".join(r.stdout.decode("utf-8", "replace").split())
        if r.returncode:
            sys.exit(f"mlbot ask failed (exit {r.returncode}): {r.stderr.decode('utf-8', 'replace')[-400:]}")
        times: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for i in range(args.runs):
            for name in names[i % 3:] + names[:i % 3]:   # rotate the order so none always runs first
                dt, r = timed(commands[name], env)
                if r.returncode:
                    sys.exit(f"{name} failed (exit {r.returncode}): {r.stderr.decode('utf-8', 'replace')[-400:]}")
                times[name].append(dt)

        runs = []
        for _ in range(args.load_runs):
            r = subprocess.run([PY, "-c", IN_PROCESS, str(DEV), str(args.passes)], capture_output=True, text=True,
                               env=env, timeout=600)
            if r.returncode:
                sys.exit(f"in-process run failed: {r.stderr[-600:]}")
            runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    med = {name: statistics.median(xs) for name, xs in times.items()}
    ms = 1000
    print(f"### Whole-process cold start ({args.runs} interleaved runs each)\n")
    print("| command | median (ms) | p90 (ms) | min (ms) | ratio to `import numpy` |")
    print("|---|---:|---:|---:|---:|")
    for name, xs in times.items():
        print(f"| `{name}` | {med[name] * ms:.0f} | {pct(xs, .9) * ms:.0f} | {min(xs) * ms:.0f} | "
              f"{med[name] / med[names[1]]:.2f} |")
    ratio = med["mlbot ask"] / med[names[1]]
    print(f"\nmlbot ask / python+numpy (medians): **{ratio:.2f}** (bar 2.5: {'pass' if ratio <= 2.5 else 'FAIL'}); "
          f"mlbot ask minus python+numpy: {(med['mlbot ask'] - med[names[1]]) * ms:.0f} ms; "
          f"python+numpy / bare python: {med[names[1]] / med[names[2]]:.2f}")
    print(f"\nWarm-up run that built the cache: {t_warm * ms:.0f} ms; answer contains \"{EXPECTED}\": "
          f"{'yes' if answer_ok else 'NO'}")

    lat = [x for r in runs for x in r["lat"]]
    load = [r["load"] for r in runs]
    again = [x for r in runs for x in r["again"]]
    first = [r["first"] for r in runs]
    n = runs[0]["n"]
    print(f"\n### In process ({args.load_runs} fresh interpreters)\n")
    print("| measure | median (ms) | p90 / p99 (ms) | samples |")
    print("|---|---:|---:|---:|")
    print(f"| `import mlbot` | {statistics.median(r['import_'] for r in runs) * ms:.1f} | | {len(runs)} |")
    print(f"| `mlbot.load()`, first call (imports numpy and mlbot's modules) | {statistics.median(load) * ms:.1f} | "
          f"p90 {pct(load, .9) * ms:.1f} | {len(load)} |")
    print(f"| `mlbot.load()`, repeated | {statistics.median(again) * ms:.1f} | p90 {pct(again, .9) * ms:.1f} | "
          f"{len(again)} |")
    print(f"| `bot.ask(q)`, first question after load | {statistics.median(first) * ms:.2f} | "
          f"p90 {pct(first, .9) * ms:.2f} | {len(first)} |")
    print(f"| `bot.ask(q)`, dev set ({n} questions x {args.passes} passes, after one untimed pass) | "
          f"{statistics.median(lat) * ms:.2f} | p99 {pct(lat, .99) * ms:.2f} | {len(lat)} |")
    fresh = [x for r in runs for x in r["fresh"]]
    print(f"| `bot.ask(q)`, dev set as new questions (the sentence model's question cache emptied before each) | "
          f"{statistics.median(fresh) * ms:.2f} | p99 {pct(fresh, .99) * ms:.2f} | {len(fresh)} |")
    print(f"\nSanity: top-1 is the expected entry for {runs[0]['top1']}/{runs[0]['n_in']} in-scope dev questions "
          f"(not a quality figure: see scripts/bench_quality.py).")
    src_after = source_fingerprint()
    print(f"\nMachine: {where}; mlbot sources {src_before}"
          + ("" if src_after == src_before else f" **changed during the run (now {src_after})**"))
    print(f"\nCommand: `{PY} scripts/bench_speed.py --runs {args.runs} "
          f"--load-runs {args.load_runs} --passes {args.passes}` (cwd: the repository)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
