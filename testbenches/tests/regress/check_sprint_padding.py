#!/usr/bin/env python3
"""SPRINT padding removal on a padded batch: the same outputs (accuracy) with and without it, the
padded queries and keys skipped only with it, and fewer cycles.
Usage: check_sprint_padding.py SAVP SCENARIO OUTDIR [--set PATH=VALUE]..."""
import json, os, shutil, subprocess, sys

savp, scenario, out = sys.argv[1:4]
sets = sys.argv[4:]
res = {}
for removal in ["true", "false"]:
    d = os.path.join(out, removal)
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([savp, "run", scenario, "-o", d, "--quiet", "--set", "outputs.baseline=null",
                    "--set", "platform.accelerators.0.padding_removal=" + removal] + sets, check=True)
    res[removal] = json.load(open(os.path.join(d, "stats.json")))
on, off = res["true"], res["false"]
problems = []
if abs(on["totals"]["rel_l2_err"] - off["totals"]["rel_l2_err"]) > 1e-12:
    problems.append("accuracy differs: %r vs %r" % (on["totals"]["rel_l2_err"], off["totals"]["rel_l2_err"]))
skipped = sum(j["engine_stats"]["padded_queries_skipped"] + j["engine_stats"]["padded_keys_skipped"] for j in on["jobs"])
computed = sum(j["engine_stats"]["padded_keys_computed"] for j in on["jobs"])
computed_off = sum(j["engine_stats"]["padded_keys_computed"] for j in off["jobs"])
if skipped == 0 or computed != 0 or computed_off == 0:
    problems.append("padding skipped %d, computed %d with removal, %d without" % (skipped, computed, computed_off))
if not on["totals"]["cycles"] < off["totals"]["cycles"]:
    problems.append("cycles %d with removal, %d without" % (on["totals"]["cycles"], off["totals"]["cycles"]))
if problems:
    sys.exit("; ".join(problems))
print("padding removal: %d vs %d cycles, same accuracy" % (on["totals"]["cycles"], off["totals"]["cycles"]))
