#!/usr/bin/env python3
"""SPRINT against its own claims on a small BERT-like job: the calibrated keep fraction is near its
target, the digital recompute is more accurate than the in-memory scores alone, the fetched fraction
is at most the kept fraction, and in-memory pruning beats the like-for-like baseline in time and
energy. Usage: check_sprint.py SAVP SCENARIO OUTDIR [--keep-tolerance X] [--head-tolerance Y]
[--set PATH=VALUE]... (The calibration scores without the analog noise, so with the noise on more keys
pass: widen the keep tolerance there.) With --head-tolerance every head's keep fraction must be within
Y x the target of it too: each head's threshold is calibrated on its own draw and converted to the
head's code units (without the conversion ViT-Base 197's heads kept 0.066 to 0.41 for 0.25)."""
import json, os, shutil, subprocess, sys

savp, scenario, out = sys.argv[1:4]
sets = sys.argv[4:]
tol, head_tol = 0.1, None
while sets[:1] in (["--keep-tolerance"], ["--head-tolerance"]):
    if sets[0] == "--keep-tolerance":
        tol = float(sets[1])
    else:
        head_tol = float(sets[1])
    sets = sets[2:]
shutil.rmtree(out, ignore_errors=True)
subprocess.run([savp, "run", scenario, "-o", out, "--quiet"] + sets, check=True)
stats = json.load(open(os.path.join(out, "stats.json")))
t = stats["totals"]
target = 0.25
problems = []
if head_tol is not None:
    for j in stats["jobs"]:
        k = j["engine_stats"]["keep_fraction"]
        if abs(k - target) > head_tol * target:
            problems.append("job %d (layer %d, head %d) keeps %.3f" % (j["index"], j["layer"], j["head"], k))
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
