#!/usr/bin/env python3
"""One cycle accounting (issue 23): on shipped scenarios, one per engine, in LT and AT, every job,
every engine (components) and the totals satisfy cycles = compute (sum of phase_cycles) +
stall_cycles and stall_cycles = sum of stall_cycles_by_cause, whose causes are disjoint (no parent
key beside dotted children); operand_read_stall_cycles_by_phase sums to the operand_reads cause;
the summary prints each engine's split.

usage: check_cycle_split.py SAVP SCENARIOS_DIR OUTDIR
"""
import json
import os
import subprocess
import sys

RUNS = [  # (scenario, --set overrides): every engine type
    ("salo/small.json", ["outputs.baseline=null"]),
    ("default.json", []),  # dense
    ("spatten/small.json", []),
    ("chela/small.json", []),
    ("sprint/vit-base-197.json", ["workload.layers=1", "workload.heads=2", "outputs.baseline=null"]),
    ("soc/traffic-pair-ddr4.json", []),  # traffic generators, as tasks
]
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def split_ok(where, cycles, phases, stalls, causes, by_phase=None):
    check(all("." not in k for k in causes), f"{where}: stall causes are not disjoint: {sorted(causes)}")
    check(sum(phases.values()) + stalls == cycles,
          f"{where}: compute {sum(phases.values())} + stalls {stalls} != cycles {cycles}")
    check(sum(causes.values()) == stalls, f"{where}: causes {causes} sum to {sum(causes.values())}, stalls {stalls}")
    check(set(causes) == {"descriptor_fetch", "operand_reads", "write_drain"}, f"{where}: causes {sorted(causes)}")
    if by_phase is not None:
        check(sum(by_phase.values()) == causes.get("operand_reads"),
              f"{where}: operand reads by phase {by_phase} != {causes.get('operand_reads')}")


def main():
    savp, scenarios, out = sys.argv[1:4]
    for scenario, sets in RUNS:
        for mode in ("LT", "AT"):
            d = os.path.join(out, scenario.replace("/", "-") + "-" + mode)
            cmd = [savp, "run", os.path.join(scenarios, scenario), "-o", d, "--set", "timing_mode=" + mode]
            for s in sets:
                cmd += ["--set", s]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"{scenario} {mode}: exit {r.returncode}\n{r.stderr}")
                continue
            st = json.load(open(os.path.join(d, "stats.json")))
            name = f"{scenario} {mode}"
            for j in st["jobs"]:
                split_ok(f"{name} job {j['index']}", j["cycles"], j["phase_cycles"], j["stall_cycles"],
                         j["stall_cycles_by_cause"], j.get("operand_read_stall_cycles_by_phase", {}))
            t = st["totals"]
            split_ok(f"{name} totals", t["cycles"], t.get("phase_cycles", {}), t["stall_cycles"],
                     t.get("stall_cycles_by_cause", {}))
            check(t.get("compute_cycles") == sum(t.get("phase_cycles", {}).values()), f"{name}: totals.compute_cycles")
            engines = 0
            for c, v in st["components"].items():
                if "busy_cycles" not in v:
                    continue
                engines += 1
                val = lambda p: {k[len(p):]: int(x["value"]) for k, x in v.items() if k.startswith(p)}
                split_ok(f"{name} {c}", int(v["busy_cycles"]["value"]), val("phase_cycles."),
                         int(v["stall_cycles"]["value"]), val("stall_cycles_by_cause."))
                check(f"cycles of {c}: {int(v['busy_cycles']['value'])} = compute " in r.stdout,
                      f"{name}: the summary lacks {c}'s cycle split:\n{r.stdout}")
            check(engines > 0, f"{name}: no engine in components")
    if problems:
        sys.exit("\n".join(problems))
    print("ok")


main()
