#!/usr/bin/env python3
"""The C++ model and the verilated RTL as an engine's backend must give the same run: outputs,
cycles, energy, traffic and every statistic in stats.json, bit for bit. Only run_info (wall clock)
and the resolved scenario (which names the backend) may differ.
usage: check_backends.py SAVP SCENARIO OUTDIR BACKEND_PATH [--set PATH=VALUE]...
BACKEND_PATH is the dotted --set path of the "backend" key (e.g. platform.accelerators.0.topk.backend)."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stats_diff import diff  # noqa: E402

os.environ["SAVP_PROTOCOL_CHECK"] = "1"
savp, scenario, outdir, backend_path = sys.argv[1:5]
sets = sys.argv[5:]


def run(backend):
    d = os.path.join(outdir, backend)
    subprocess.run([savp, "run", scenario, "-o", d, "--quiet", "--set", f"{backend_path}={backend}"] + sets,
                   check=True)
    return json.load(open(os.path.join(d, "stats.json")))


model, rtl = run("model"), run("rtl")
problems = []
for key in model:
    if key in ("run_info", "scenario"):
        continue
    diff(model[key], rtl.get(key), "/" + key, problems)
if problems:
    sys.exit(f"{len(problems)} differences:\n" + "\n".join(problems[:40]))
print("model and rtl backends agree on every statistic; cycles %d, energy %.6g pJ" %
      (model["totals"]["cycles"], model["totals"]["energy_pj"]))
