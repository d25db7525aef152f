#!/usr/bin/env python3
"""A baseline that fails is visible (issue 23): the run exits 1 with its own figures in stats.json,
comparison.status "failed" and the error text itself (paths relative to OUTDIR, none into a
temporary), a summary line that says the baseline failed and why; in a sweep the point's status is
done_baseline_failed with the message in results.csv and results.jsonl.

usage: check_baseline_failure.py SAVP SCENARIO OUTDIR
"""
import csv
import json
import os
import shutil
import subprocess
import sys

FAIL = "outputs.baseline.tolerance_rel_l2=1e-9"  # the dense baseline's fp16 error is ~4e-4
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def main():
    savp, scenario, out = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    run = os.path.join(out, "run")
    r = subprocess.run([savp, "run", scenario, "-o", run, "--set", FAIL], capture_output=True, text=True)
    check(r.returncode == 1, f"run: exit {r.returncode}, expected 1:\n{r.stdout}{r.stderr}")
    stats = json.load(open(os.path.join(run, "stats.json")))
    c = stats.get("comparison", {})
    check(c.get("status") == "failed", f"comparison.status {c.get('status')!r}, expected 'failed'")
    err = c.get("error", "")
    check("outside the scoreboard tolerance" in err, f"comparison.error lacks the reason: {err!r}")
    check(run not in err and "baseline/summary.csv" in err, f"comparison.error names an absolute path: {err!r}")
    check("speedup_vs_baseline" not in stats["totals"], "a speedup without a baseline")
    check(stats["totals"]["jobs_failed"] == 0 and stats["totals"]["cycles"] > 0, "the run's own figures are missing")
    check("baseline (dense) FAILED" in r.stdout and "outside the scoreboard tolerance" in r.stdout,
          f"the summary does not say the baseline failed and why:\n{r.stdout}")

    ok = os.path.join(out, "ok")
    r = subprocess.run([savp, "run", scenario, "-o", ok, "--quiet"], capture_output=True, text=True)
    check(r.returncode == 0, f"passing baseline: exit {r.returncode}:\n{r.stderr}")
    c = json.load(open(os.path.join(ok, "stats.json"))).get("comparison", {})
    check(c.get("status") == "done" and "speedup" in c and "error" not in c, f"passing baseline: {c}")

    sweep = os.path.join(out, "sweep.json")
    with open(sweep, "w") as f:
        # An axis must name a path of the base: the baseline object itself, inline, tight then loose.
        dense = json.load(open(os.path.join(os.path.dirname(scenario), "..", "hardware", "dense-32x32.json")))
        json.dump({"base": scenario, "grid": {"outputs.baseline": [dict(dense, tolerance_rel_l2=1e-9),
                                                                   dict(dense, tolerance_rel_l2=0.5)]}}, f)
    sd = os.path.join(out, "sweep")
    r = subprocess.run([savp, "sweep", sweep, "-o", sd], capture_output=True, text=True)
    check(r.returncode == 1, f"sweep: exit {r.returncode}, expected 1 (a point's baseline failed):\n{r.stderr}")
    rows = list(csv.DictReader(open(os.path.join(sd, "results.csv"), newline="")))
    check([x["status"] for x in rows] == ["done_baseline_failed", "done"],
          f"results.csv statuses {[x['status'] for x in rows]}")
    check("error" in rows[0] and "outside the scoreboard tolerance" in rows[0]["error"],
          f"results.csv lacks the baseline's error: {rows[0]}")
    check(".tmp" not in rows[0].get("error", ""), f"results.csv error names a temporary: {rows[0]}")
    check(rows[0].get("latency_ns") and not rows[0].get("speedup_vs_baseline"),
          f"the point's own figures, and no speedup, expected: {rows[0]}")
    check(rows[1].get("speedup_vs_baseline") and not rows[1].get("error"), f"the passing point: {rows[1]}")
    jl = [json.loads(l) for l in open(os.path.join(sd, "results.jsonl"))]
    check(jl[0]["status"] == "done_baseline_failed" and "tolerance" in jl[0].get("error", ""),
          f"results.jsonl: {jl[0]}")
    check("done_baseline_failed" in open(os.path.join(sd, "report.html")).read(), "report.html lacks the status")
    if problems:
        sys.exit("\n".join(problems))
    print("ok")


main()
