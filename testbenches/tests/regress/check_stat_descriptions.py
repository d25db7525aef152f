#!/usr/bin/env python3
"""Issue 23 (stats descriptions): every stat under `components` in stats.json carries a one-line
"desc" from the table in tlm/core/stat_descriptions.cpp, which savp writes only when the table
describes the stat in the unit the component reported. Runs shipped scenarios covering every engine
(dense, SALO, SpAtten, SPRINT with its ReRAM PIM, CHELA, traffic generators), every memory kind
(simple, ideal, DDR4, LPDDR4, HBM2, HBM2 stack, the shared SRAM), LT and AT, SoC task runs (per-
initiator groups, power gating), a model run and the points of a sweep, and fails naming every stat
without a description (missing from the table, or reported in a unit other than the table's).
It also fails naming every table entry (from `savp list stats`) that no run emitted: a description
of a stat that does not exist, or a run set that no longer covers it.
Usage: check_stat_descriptions.py SAVP SCENARIOS OUTDIR"""
import json
import os
import re
import shutil
import subprocess
import sys

savp, scenarios, out = sys.argv[1:4]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
env = dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE")

RUNS = [  # (name, scenario, --set overrides)
    ("dense-simple-LT", "default.json", []),
    ("dense-ideal-AT", "default.json", ["timing_mode=AT", "platform.memory.preset=ideal"]),
    ("salo-ddr4-AT", "salo/small.json", ["platform.memory.preset=ddr4", "timing_mode=AT"]),
    ("spatten", "spatten/small.json", []),
    ("chela-lpddr4", "chela/small.json", ["platform.memory.preset=lpddr4"]),
    ("sprint-pim", "sprint/vit-base-197.json", ["workload.heads=1", "workload.layers=1"]),
    ("traffic-hbm2-AT", "memory/hbm2-random-read.json", []),
    # 2:1 reads and writes, random: some reads find their burst in the write queue (22 of 100 000)
    ("traffic-hbm2-mixed", "memory/hbm2-random-read.json",
     ["workload.read_fraction=0.6667", "workload.requests=100000"]),
    ("traffic-hbm2-stack", "memory/hbm2-seq-read.json", ["platform.memory.preset=hbm2-stack"]),
    ("traffic-simple", "memory/simple-seq-read.json", []),
    ("soc-traffic-pair", "soc/traffic-pair-ddr4.json", ["outputs.alone=false"]),
    ("soc-sram", "soc/salo-kv-in-sram.json",
     ["outputs.alone=false", "tasks.0.workload.seq_len=1024", "tasks.0.workload.heads=1"]),
    ("soc-power-gating", "soc/power-gating.json", []),
    ("model", "models/tiny-llama-generate-dense.json", ["workload.numerics=off"]),
]
SWEEP = "sweeps/dense-small.json"


def run(args):
    r = subprocess.run([savp] + args, env=env, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        sys.exit(f"FAILED: savp {' '.join(args)} exited {r.returncode}: {r.stderr[-2000:]}")
    return r.stdout


def stats_of(obj, path=""):
    """(path, stat) for every {"value", "unit"} node below `obj` (actions are priced ledgers)."""
    for k, v in obj.items():
        if not isinstance(v, dict) or k == "actions":
            continue
        p = f"{path}.{k}" if path else k
        if "value" in v and "unit" in v:
            yield p, v
        else:
            yield from stats_of(v, p)


# The table, from the generator (one row per entry: | `name` | unit | desc |, under ### kind).
table = []
kind = None
for line in run(["list", "stats"]).splitlines():
    if line.startswith("### "):
        kind = line[4:].strip()
    m = re.match(r"\| `([^`]+)` \| ([^|]+) \| (.+) \|$", line)
    if m:
        table.append((kind, m.group(1), m.group(2).strip(), m.group(3).strip()))
problems = []
if len(table) < 50:
    problems.append(f"`savp list stats` printed {len(table)} entries")
for k, name, unit, desc in table:
    if not desc or not unit:
        problems.append(f"table entry {k}/{name}: empty unit or description")


def pattern_re(name):
    parts = re.split(r"(<[^>]+>)", name)
    return re.compile("".join(r"\d+" if p == "<n>" else ".+" if p.startswith("<") else re.escape(p)
                              for p in parts) + "$")


entries = [(k, name, unit, pattern_re(name)) for k, name, unit, _ in table]
used = set()
stats_files = []
for name, scen, sets in RUNS:
    d = os.path.join(out, name)
    args = ["run", os.path.join(scenarios, scen), "-o", d, "--quiet"]
    for s in sets:
        args += ["--set", s]
    run(args)
    stats_files.append((name, os.path.join(d, "stats.json")))
sweep_dir = os.path.join(out, "sweep")
run(["sweep", os.path.join(scenarios, SWEEP), "-o", sweep_dir, "-j", "1"])
points = sorted(os.listdir(os.path.join(sweep_dir, "points")))
for p in points:
    f = os.path.join(sweep_dir, "points", p, "stats.json")
    if os.path.exists(f):
        stats_files.append((f"sweep point {p}", f))
if not any(n.startswith("sweep point") for n, _ in stats_files):
    problems.append(f"the sweep {SWEEP} wrote no point stats.json under {sweep_dir}/points")

count = 0
for run_name, f in stats_files:
    stats = json.load(open(f))
    for comp, node in stats["components"].items():
        for path, st in stats_of(node):
            count += 1
            desc = st.get("desc")
            if not isinstance(desc, str) or not desc.strip():
                problems.append(f"{run_name}: {comp} stat {path} (unit {st['unit']}) has no description: "
                                "add it to tlm/core/stat_descriptions.cpp, or its unit differs from the table's")
            for k, ename, unit, rx in entries:
                if rx.match(path) and unit == st["unit"]:
                    used.add((k, ename))
for k, ename, unit, _ in entries:
    if (k, ename) not in used:
        problems.append(f"table entry {k}/{ename} ({unit}): no run emitted it")

print(f"{count} stats in {len(stats_files)} stats.json checked against {len(table)} table entries")
for p in sorted(set(problems)):
    print("FAILED: " + p)
sys.exit(1 if problems else 0)
