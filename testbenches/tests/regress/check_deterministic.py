#!/usr/bin/env python3
"""Runs a scenario twice, into two output directories of different paths, and checks that
stats.json is byte-identical apart from run_info (no output path leaks into it; with
outputs.baseline, its comparison too), and that the other outputs are byte-identical. A different
seed must change the results (so the check can fail).
Usage: check_deterministic.py SAVP SCENARIO OUTDIR [--set PATH=VALUE]..."""
import json
import os
import subprocess
import sys

# Every run in the test suite has the TLM base-protocol checker on every socket.
os.environ["SAVP_PROTOCOL_CHECK"] = "1"

savp, scenario, out = sys.argv[1], sys.argv[2], sys.argv[3]
extra_args = sys.argv[4:]


def run(tag, *extra):
    d = os.path.join(out, tag)
    subprocess.run([savp, "run", scenario, "-o", d, "--quiet", *extra_args, *extra], check=True)
    with open(os.path.join(d, "stats.json"), "rb") as f:
        raw = f.read()
    stats = json.loads(raw)
    assert "run_info" in stats
    del stats["run_info"]
    return json.dumps(stats, sort_keys=False), d


a, da = run("a")
b, db = run(os.path.join("b", "a-longer-path"))
if a != b:
    ja, jb = json.loads(a), json.loads(b)
    diff = [k for k in ja if ja.get(k) != jb.get(k)]
    sys.exit("stats.json differs between two runs of the same scenario (in %s)" % diff)
for name in ("summary.csv", "resolved.json"):
    if open(os.path.join(da, name), "rb").read() != open(os.path.join(db, name), "rb").read():
        sys.exit(name + " differs between two runs")
c, _ = run("c", "--set", "seed=99")
if json.loads(c)["totals"]["max_abs_err"] == json.loads(a)["totals"]["max_abs_err"]:
    sys.exit("a different seed gave the same results: the data does not depend on the seed")
print("deterministic: ok")
