#!/usr/bin/env python3
"""Scale benchmark: wall time, CPU time, peak RSS and simulated cycles of one attention head as the
sequence grows, with numerics on and off (workload.numerics), for the scenarios of
scenarios/bench/scale/ (SALO and CHELA at 4K, 16K, 64K and 256K tokens, the dense engine at 4K and
16K), and the growth of each from one size to the next (SALO's and CHELA's work is linear in the
tokens: 256K / 64K should be 4x; the dense engine's is quadratic).

Every run is `savp run SCENARIO --set workload.seq_len=N --set workload.numerics=on|off --quiet
--no-report -o DIR` started with an argument vector (no shell); wall time from the clock around it,
CPU time and peak RSS from the child's own rusage (os.wait4), cycles from stats.json totals.cycles.

usage: scripts/bench_scale.py [--build build] [--engines salo,chela,dense] [--numerics on,off]
                              [--sizes salo=4096,16384 ...] [--max-memory 16G]
A run whose memory estimate exceeds --max-memory is refused by savp (exit 2) and shown as such.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = {
    "salo": "scenarios/bench/scale/salo-longformer.json",
    "chela": "scenarios/bench/scale/chela-lm.json",
    "dense": "scenarios/bench/scale/dense-attention.json",
}
SIZES = {"salo": [4096, 16384, 65536, 262144], "chela": [4096, 16384, 65536, 262144], "dense": [4096, 16384]}


def run_one(savp, scenario, seq_len, numerics, outdir, max_memory):
    """(wall s, CPU s, peak RSS MB, cycles) of one run, or a string saying why there is none."""
    cmd = [savp, "run", scenario, "--set", f"workload.seq_len={seq_len}", "--set", f"workload.numerics={numerics}",
           "--quiet", "--no-report", "--force", "-o", outdir, "--max-memory", max_memory]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {err.strip().splitlines()[-1] if err.strip() else ''}"
    with open(os.path.join(outdir, "stats.json")) as f:
        cycles = json.load(f)["totals"]["cycles"]
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, cycles


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--engines", default="salo,chela,dense")
    ap.add_argument("--numerics", default="off,on")
    ap.add_argument("--sizes", nargs="*", default=[], help="ENGINE=N,N,... (tokens)")
    ap.add_argument("--max-memory", default="16G")
    a = ap.parse_args()
    savp = os.path.join(a.build, "bin", "savp")
    sizes = dict(SIZES)
    for s in a.sizes:
        engine, _, values = s.partition("=")
        if engine not in SCENARIOS or not values:
            sys.exit(f"--sizes {s}: expected ENGINE=N,N with ENGINE one of {', '.join(SCENARIOS)}")
        sizes[engine] = [int(v) for v in values.split(",")]
    engines = a.engines.split(",")
    for e in engines:
        if e not in SCENARIOS:
            sys.exit(f"--engines: unknown engine {e} (known: {', '.join(SCENARIOS)})")
    work = tempfile.mkdtemp(prefix="savp-bench-scale-")
    print("| engine | tokens | numerics | wall (s) | CPU (s) | peak RSS (MB) | simulated cycles | "
          "growth: wall / CPU / cycles vs previous size |")
    print("|---|---:|---|---:|---:|---:|---:|---|")
    try:
        for engine in engines:
            for numerics in a.numerics.split(","):
                prev = None
                for n in sizes[engine]:
                    r = run_one(savp, os.path.join(ROOT, SCENARIOS[engine]), n, numerics,
                                os.path.join(work, f"{engine}-{n}-{numerics}"), a.max_memory)
                    if isinstance(r, str):
                        print(f"| {engine} | {n} | {numerics} | - | - | - | - | {r} |", flush=True)
                        prev = None
                        continue
                    wall, cpu, rss, cycles = r
                    growth = ""
                    if prev:
                        growth = (f"x{n / prev[0]:g} tokens: {wall / prev[1]:.2f} / {cpu / prev[2]:.2f} / "
                                  f"{cycles / prev[3]:.3f}")
                    print(f"| {engine} | {n} | {numerics} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {cycles} | {growth} |",
                          flush=True)
                    prev = (n, wall, cpu, cycles)
                    shutil.rmtree(os.path.join(work, f"{engine}-{n}-{numerics}"), ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
