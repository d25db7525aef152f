#!/usr/bin/env python3
"""SPRINT against its own claims on a small BERT-like job: the calibrated keep fraction is near its
target, the digital recompute is more accurate than the in-memory scores alone, the fetched fraction
is at most the kept fraction, and in-memory pruning beats the like-for-like baseline in time and
energy. Usage: check_sprint.py SAVP SCENARIO OUTDIR [--keep-tolerance X] [--set PATH=VALUE]...
(The calibration scores without the analog noise, so with the noise on more keys pass: widen the
keep tolerance there.)"""
import json, os, shutil, subprocess, sys

savp, scenario, out = sys.argv[1:4]
sets = sys.argv[4:]
tol = 0.1
if sets[:1] == ["--keep-tolerance"]:
    tol, sets = float(sets[1]), sets[2:]
shutil.rmtree(out, ignore_errors=True)
subprocess.run([savp, "run", scenario, "-o", out, "--quiet"] + sets, check=True)
t = json.load(open(os.path.join(out, "stats.json")))["totals"]
target = 0.25
problems = []
if abs(t["keep_fraction"] - target) > tol:
    problems.append("keep_fraction %.3f, calibrated to %.2f" % (t["keep_fraction"], target))
if not t["accuracy"]["rel_l2_err"] < t["accuracy_no_recompute"]["rel_l2_err"]:
    problems.append("recompute %.4f not better than no recompute %.4f"
                    % (t["accuracy"]["rel_l2_err"], t["accuracy_no_recompute"]["rel_l2_err"]))
if not 0 < t["new_fetch_fraction"] <= t["keep_fraction"]:
    problems.append("new_fetch_fraction %.4f outside (0, keep_fraction]" % t["new_fetch_fraction"])
if not (t["speedup_vs_baseline"] > 1 and t["energy_reduction_vs_baseline"] > 1):
    problems.append("speedup %.2f, energy reduction %.2f vs the baseline" % (t["speedup_vs_baseline"],
                                                                              t["energy_reduction_vs_baseline"]))
if problems:
    sys.exit("; ".join(problems))
print("keep %.3f, new fetch %.4f, rel L2 %.4f (no recompute %.4f), speedup %.2fx, energy %.2fx" % (
    t["keep_fraction"], t["new_fetch_fraction"], t["accuracy"]["rel_l2_err"], t["accuracy_no_recompute"]["rel_l2_err"],
    t["speedup_vs_baseline"], t["energy_reduction_vs_baseline"]))
