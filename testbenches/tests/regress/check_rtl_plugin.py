#!/usr/bin/env python3
"""A SpAtten scenario on a topk-v1 RTL plugin (built by savp rtl build) against the C++ model.
With "cycles": "model" the run must equal the model's in every statistic (the plugin's kept sets and
thresholds agreed with the scoreboard on every selection); with "cycles": "rtl" the kept sets (so
the outputs, accuracy and traffic) are the same while the top-k cycles are the plugin's: they must
differ from the model's (another micro-architecture) and are printed.
usage: check_rtl_plugin.py SAVP SCENARIO OUTDIR PLUGIN.so BACKEND_PATH [--set PATH=VALUE]..."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stats_diff import diff  # noqa: E402

savp, scenario, outdir, plugin, backend_path = sys.argv[1:6]
sets = sys.argv[6:]


def run(name, backend):
    d = os.path.join(outdir, name)
    subprocess.run([savp, "run", scenario, "-o", d, "--quiet", "--force", "--set", f"{backend_path}={backend}"] + sets,
                   check=True)
    return json.load(open(os.path.join(d, "stats.json")))


plugin_abs = os.path.abspath(plugin)
model = run("model", '"model"')
same = run("plugin-model-cycles", json.dumps({"rtl": {"path": plugin_abs, "cycles": "model"}}))
timed = run("plugin-rtl-cycles", json.dumps({"rtl": {"path": plugin_abs, "cycles": "rtl"}}))

problems = []
for key in model:
    if key not in ("run_info", "scenario"):
        diff(model[key], same.get(key), "/" + key, problems, ("model", "plugin"))
if problems:
    sys.exit("cycles=model: %d differences from the model run:\n%s" % (len(problems), "\n".join(problems[:40])))

kept_fields = ("max_abs_err", "rel_l2_err", "cosine", "probability_mass_kept", "top1_key_kept", "dram_bytes_read",
               "dram_bytes_written", "engine_stats")
for i, (m, t) in enumerate(zip(model["jobs"], timed["jobs"])):
    for f in kept_fields:
        if f == "engine_stats":  # all but the engine's cycles and the cycles each stage bounded
            timing = lambda k: k == "engine_cycles" or k.startswith("bound_cycles_")
            m = dict(m, engine_stats={k: v for k, v in m[f].items() if not timing(k)})
            t = dict(t, engine_stats={k: v for k, v in t[f].items() if not timing(k)})
        if m.get(f) != t.get(f):
            sys.exit(f"cycles=rtl: job {i} {f} differs: model {m.get(f)!r}, plugin {t.get(f)!r}")
mt = sum(j["phase_cycles"].get("layer_topk", 0) for j in model["jobs"])
pt = sum(j["phase_cycles"].get("layer_topk", 0) for j in timed["jobs"])
if mt == pt:
    sys.exit(f"cycles=rtl: the plugin's top-k cycles equal the model's ({mt}): the plugin's cycles were not used")
print(f"kept sets equal on every selection; top-k phase cycles: model {mt}, plugin {pt} (ratio {pt / mt:.3f}); "
      f"total cycles: model {model['totals']['cycles']}, plugin {timed['totals']['cycles']}")
