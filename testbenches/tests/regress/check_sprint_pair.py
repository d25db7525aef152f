#!/usr/bin/env python3
"""SPRINT run twice with one setting changed; the pair must show what the setting claims, with the
same outputs:
  padding: padding removal on vs off on a padded batch: the padded queries and keys skipped only
           with it, fewer cycles;
  pointer: rotating vs in-order pointer: more keys scored while fetching, fewer cycles.
Usage: check_sprint_pair.py padding|pointer SAVP SCENARIO OUTDIR [--set PATH=VALUE]..."""
import json, os, shutil, subprocess, sys

mode, savp, scenario, out = sys.argv[1:5]
sets = sys.argv[5:]
key, first, second = {"padding": ("padding_removal", "true", "false"),
                      "pointer": ("pointer", "rotating", "in_order")}[mode]
res = {}
for v in (first, second):
    d = os.path.join(out, v)
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([savp, "run", scenario, "-o", d, "--quiet", "--set", "outputs.baseline=null",
                    "--set", "platform.accelerators.0.%s=%s" % (key, v)] + sets, check=True)
    res[v] = json.load(open(os.path.join(d, "stats.json")))
a, b = res[first], res[second]
stat = lambda s, k: sum(j["engine_stats"][k] for j in s["jobs"])
problems = []
if a["totals"]["rel_l2_err"] != b["totals"]["rel_l2_err"]:
    problems.append("outputs differ: rel L2 %r vs %r" % (a["totals"]["rel_l2_err"], b["totals"]["rel_l2_err"]))
if not a["totals"]["cycles"] < b["totals"]["cycles"]:
    problems.append("cycles %d with %s, %d with %s" % (a["totals"]["cycles"], first, b["totals"]["cycles"], second))
if mode == "padding":
    skipped = stat(a, "padded_queries_skipped") + stat(a, "padded_keys_skipped")
    if skipped == 0 or stat(a, "padded_keys_computed") != 0 or stat(b, "padded_keys_computed") == 0:
        problems.append("padding skipped %d, computed %d with removal, %d without" % (
            skipped, stat(a, "padded_keys_computed"), stat(b, "padded_keys_computed")))
elif not stat(a, "keys_scored_while_fetching") > stat(b, "keys_scored_while_fetching"):
    problems.append("keys scored while fetching: %d rotating, %d in order" % (
        stat(a, "keys_scored_while_fetching"), stat(b, "keys_scored_while_fetching")))
if problems:
    sys.exit("; ".join(problems))
print("%s: %d cycles with %s vs %d with %s, same outputs" % (mode, a["totals"]["cycles"], first, b["totals"]["cycles"], second))
