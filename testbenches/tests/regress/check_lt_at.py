#!/usr/bin/env python3
"""LT and AT runs of one scenario must compute the same data and count the same engine actions and
memory bytes (one core serves both modes); only timing may differ.
usage: check_lt_at.py SAVP SCENARIO OUTDIR [--set PATH=VALUE]..."""
import json
import os
import subprocess
import sys

# Every run in the test suite has the TLM base-protocol checker on every socket.
os.environ["SAVP_PROTOCOL_CHECK"] = "1"

savp, scenario, outdir = sys.argv[1:4]
sets = sys.argv[4:]


def run(mode):
    d = os.path.join(outdir, mode)
    subprocess.run([savp, "run", scenario, "-o", d, "--quiet", "--set", "timing_mode=" + mode] + sets, check=True)
    return json.load(open(os.path.join(d, "stats.json")))


lt, at = run("LT"), run("AT")
problems = []
for key in ("max_abs_err", "rel_l2_err", "cosine", "dram_bytes_read", "dram_bytes_written", "jobs"):
    if lt["totals"][key] != at["totals"][key]:
        problems.append(f"totals.{key}: LT {lt['totals'][key]} != AT {at['totals'][key]}")
for name, comp in lt["components"].items():
    if not name.startswith("top.") or name.startswith("top.memory") or name.startswith("top.bus") or "check" in name:
        continue  # engine components: their action counts must agree
    for action, a in comp.get("actions", {}).items():
        b = at["components"].get(name, {}).get("actions", {}).get(action)
        if b is None or a["count"] != b["count"]:
            problems.append(f"{name}.{action}: LT {a['count']} != AT {b and b['count']}")
if problems:
    sys.exit("\n".join(problems))
print("LT and AT agree on data, engine actions and bytes; cycles LT %d, AT %d" %
      (lt["totals"]["cycles"], at["totals"]["cycles"]))
