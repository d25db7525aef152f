#!/usr/bin/env python3
"""SPRINT's rotating pointer: scoring the kept keys already on chip while the new ones are fetched
is faster than stopping at the first missing key, with the same outputs.
Usage: check_sprint_pointer.py SAVP SCENARIO OUTDIR [--set PATH=VALUE]..."""
import json, os, shutil, subprocess, sys

savp, scenario, out = sys.argv[1:4]
sets = sys.argv[4:]
res = {}
for p in ["rotating", "in_order"]:
    d = os.path.join(out, p)
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([savp, "run", scenario, "-o", d, "--quiet", "--set", "outputs.baseline=null",
                    "--set", "platform.accelerators.0.pointer=" + p] + sets, check=True)
    res[p] = json.load(open(os.path.join(d, "stats.json")))
r, o = res["rotating"]["totals"], res["in_order"]["totals"]
early = lambda s: sum(j["engine_stats"]["keys_scored_while_fetching"] for j in s["jobs"])
if r["rel_l2_err"] != o["rel_l2_err"] or not r["cycles"] < o["cycles"] or not early(res["rotating"]) > early(res["in_order"]):
    sys.exit("rotating: %d cycles, %d keys early, rel L2 %r; in order: %d cycles, %d keys early, rel L2 %r" % (
        r["cycles"], early(res["rotating"]), r["rel_l2_err"], o["cycles"], early(res["in_order"]), o["rel_l2_err"]))
print("rotating %d cycles vs in order %d, same outputs" % (r["cycles"], o["cycles"]))
