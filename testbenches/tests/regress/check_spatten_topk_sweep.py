#!/usr/bin/env python3
"""Issue 25 item 1 (SpAtten top-k parallelism): runs a SpAtten scenario at topk_parallelism P = 1, 2,
4, ..., 64 and fails unless (a) the throughput (1 / totals.cycles) never falls as P grows, and (b)
every job reports which pipeline stage bounds its rows: engine_stats bound_cycles_qk, _softmax,
_topk and _pv, non-negative, summing to more than zero and to no more than the job's compute
cycles. Prints the sweep (cycles, throughput relative to P = 1, the bounding stage).
Usage: check_spatten_topk_sweep.py SAVP SCENARIO OUTDIR [--set PATH=VALUE]..."""
import json
import os
import shutil
import subprocess
import sys

savp, scenario, out = sys.argv[1:4]
extra = sys.argv[4:]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
env = dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE")
STAGES = ("qk", "softmax", "topk", "pv")
errors = []
rows = []
for p in (1, 2, 4, 8, 16, 32, 64):
    d = os.path.join(out, f"P{p}")
    cmd = [savp, "run", scenario, "-o", d, "--quiet", "--set", f"platform.accelerators.0.topk_parallelism={p}"] + extra
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {r.returncode}\n{r.stderr}")
    with open(os.path.join(d, "stats.json")) as f:
        stats = json.load(f)
    bound = dict.fromkeys(STAGES, 0.0)
    for j in stats["jobs"]:
        es = j.get("engine_stats", {})
        for s in STAGES:
            key = f"bound_cycles_{s}"
            if key not in es:
                errors.append(f"P={p} job {j['index']}: engine_stats has no {key}")
                continue
            if es[key] < 0:
                errors.append(f"P={p} job {j['index']}: {key} = {es[key]} < 0")
            bound[s] += es[key]
    total_bound = sum(bound.values())
    compute = stats["totals"]["compute_cycles"]
    if total_bound <= 0 or total_bound > compute:
        errors.append(f"P={p}: bound cycles sum to {total_bound}, outside (0, compute_cycles {compute}]")
    rows.append((p, stats["totals"]["cycles"], max(STAGES, key=lambda s: bound[s]), bound))

base = rows[0][1]
print("| P | cycles | throughput vs P=1 | bounding stage | bound cycles qk / softmax / topk / pv |")
print("|---|---|---|---|---|")
for p, cycles, stage, bound in rows:
    split = " / ".join(f"{bound[s]:.0f}" for s in STAGES)
    print(f"| {p} | {cycles} | {base / cycles:.3f}x | {stage} | {split} |")
for (p0, c0, _, _), (p1, c1, _, _) in zip(rows, rows[1:]):
    if c1 > c0:
        errors.append(f"throughput falls from P={p0} ({c0} cycles) to P={p1} ({c1} cycles)")
if errors:
    sys.exit("FAIL:\n  " + "\n  ".join(errors))
print("PASS: throughput non-decreasing in P; every job names its bounding stage")
