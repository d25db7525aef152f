#!/usr/bin/env python3
"""Power over time (outputs.power, issue 22): power.csv, the power tracks in trace.json and
totals.power_avg_w / power_peak_w.

usage: check_power.py SAVP SCENARIOS OUTDIR PART
  sums   on shipped scenarios of every engine and memory kind (simple memory, DDR4, HBM2, the shared
         SRAM with leakage, SPRINT's ReRAM): power.csv has one dynamic and one static column per
         component of energy_by_component_pj; every bin's energy (W x bin width) adds up to the
         component's energy and to totals.energy_pj (1e-9 relative); the average is the energy over
         the simulated time, the peak the highest bin; trace.json carries one power track per
         component and the total; the bins are as wide as asked.
  gap    the two-phase SoC scenario soc/power-two-phase.json (a second task with start_ns well after
         the first ends): the bins
         of the idle gap carry no engine or bus power, only the DRAM's background and refresh, and
         the bins of both phases carry engine power.
  gating soc/power-gating.json (issue 22, power_gating): the busy dense array's logic leaks only over
         its busy periods (its jobs merged across idle gaps <= break-even) and pays one wake-up per
         period (a "wakeup" action of gateable leakage x break-even time, dynamic energy, in the bin
         of the period's start); the idle SALO's logic leaks nothing and never wakes; both keep
         their SRAM's leakage for the whole run; without gating every component leaks all run; the
         power bins still add up; the rest of stats.json is unchanged by gating.
  off    without outputs.power: no power.csv, no power totals, no power tracks in trace.json.
Exit 0 when every check passes.
"""
import csv
import json
import os
import subprocess
import sys

SAVP, SCENARIOS, OUT, PART = sys.argv[1:5]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def run(scenario, outdir, *sets):
    args = [SAVP, "run", scenario, "-o", outdir, "--force", "-q"]
    for s in sets:
        args += ["--set", s]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{scenario}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    with open(os.path.join(outdir, "stats.json")) as f:
        return json.load(f)


def read_power(outdir):
    with open(os.path.join(outdir, "power.csv")) as f:
        rows = list(csv.reader(f))
    return rows[0], [[float(x) for x in r] for r in rows[1:]]


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-9


def check_sums(name, outdir, stats, bin_ns):
    header, rows = read_power(outdir)
    totals = stats["totals"]
    comps = sorted(totals["energy_by_component_pj"])
    want = (["bin_start_ns", "bin_end_ns"] + [c + ".dynamic_w" for c in comps] + [c + ".static_w" for c in comps]
            + ["total_w"])
    check(header == want, f"{name}: power.csv header {header} != {want}")
    if header != want:
        return
    check(totals["power_bin_ns"] == bin_ns, f"{name}: power_bin_ns {totals['power_bin_ns']} != {bin_ns}")
    n = len(comps)
    energy = [0.0] * n
    peak = 0.0
    for i, r in enumerate(rows):
        check(close(r[0], i * bin_ns) and close(r[1], (i + 1) * bin_ns), f"{name}: bin {i} bounds {r[:2]}")
        check(close(sum(r[2:2 + 2 * n]), r[-1]), f"{name}: bin {i} total {r[-1]} != its columns")
        peak = max(peak, r[-1])
        for c in range(n):
            energy[c] += (r[2 + c] + r[2 + n + c]) * bin_ns * 1e3  # W x ns = 1e3 pJ
    for c, comp in enumerate(comps):
        got, exp = energy[c], totals["energy_by_component_pj"][comp]
        check(close(got, exp), f"{name}: {comp}: bins hold {got} pJ, energy_by_component_pj {exp}")
    check(close(sum(energy), totals["energy_pj"]), f"{name}: bins hold {sum(energy)} pJ, energy_pj {totals['energy_pj']}")
    check(close(peak, totals["power_peak_w"], 1e-12), f"{name}: peak {peak} != power_peak_w {totals['power_peak_w']}")
    end_ns = totals["simulated_ns"]
    # power.csv prints 15 significant digits
    check(rows[-1][1] >= end_ns * (1 - 1e-12) and rows[-1][0] < end_ns,
          f"{name}: {len(rows)} bins do not end with the run ({end_ns} ns)")
    check(totals["power_avg_w"] > 0 and totals["power_avg_w"] <= totals["power_peak_w"] * (1 + 1e-12),
          f"{name}: power_avg_w {totals['power_avg_w']} not in (0, peak]")
    return comps, rows


def check_tracks(name, outdir, comps):
    with open(os.path.join(outdir, "trace.json")) as f:
        trace = json.load(f)
    pids = {e["pid"] for e in trace["traceEvents"] if e.get("ph") == "M" and e["name"] == "process_name"
            and e["args"]["name"] == "power"}
    check(len(pids) == 1, f"{name}: trace.json has no \"power\" group")
    names = {e["name"] for e in trace["traceEvents"] if e.get("ph") == "C" and e["pid"] in pids}
    want = {c + " W" for c in comps} | {"total W"}
    check(names == want, f"{name}: power tracks {sorted(names)} != {sorted(want)}")


def sums():
    cases = [
        ("default", "default.json", []),                           # dense, simple memory
        ("salo-ddr4", "salo/small.json", ["platform.memory.preset=ddr4", "timing_mode=AT"]),
        ("spatten-hbm2", "spatten/small.json", []),
        ("chela", "chela/small.json", []),
        ("sprint", "sprint/vit-base-197.json", ["workload.heads=1", "workload.layers=1"]),
        ("sram-leak", "soc/salo-kv-in-sram.json",
         ["outputs.alone=false", "platform.sram.leakage_mw_per_kib=0.01", "platform.sram.leakage_source=test"]),
    ]
    for name, scen, sets in cases:
        for bin_ns in (1000.0, 250.0):
            outdir = os.path.join(OUT, f"{name}-{int(bin_ns)}")
            power = "outputs.power=true" if bin_ns == 1000.0 else f'outputs.power={{"power_bin_ns": {bin_ns}}}'
            stats = run(os.path.join(SCENARIOS, scen), outdir, power, "outputs.trace=true", *sets)
            got = check_sums(f"{name} bins {bin_ns}", outdir, stats, bin_ns)
            if got:
                check_tracks(name, outdir, got[0])
            if name == "sram-leak" and got:
                comps, rows = got
                c = comps.index("top.sram")
                static = [r[2 + len(comps) + c] for r in rows]
                check(all(s > 0 for s in static[:-1]), f"{name}: the SRAM leaks in every bin: {static[:5]}")
                # Every component leaks what stats.json area.leakage_by_component_mw says, in every
                # bin wholly inside the run (none: zero static power).
                leak = stats["area"]["leakage_by_component_mw"]
                for k, comp in enumerate(comps):
                    want_w = leak.get(comp, 0.0) * 1e-3
                    check(all(close(r[2 + len(comps) + k], want_w, 1e-6) for r in rows[:-1]),
                          f"{name}: {comp} static power differs from its leakage {want_w} W")


def gap():
    # scenarios/soc/power-two-phase.json: two tasks on one dense array over DDR4; the second starts
    # at 100 us, long after the first (about 20 us) ended; bins of 2 us.
    path = os.path.join(SCENARIOS, "soc/power-two-phase.json")
    outdir = os.path.join(OUT, "gap")
    stats = run(path, outdir)
    comps, rows = check_sums("gap", outdir, stats, 2000.0)
    a, b = stats["tasks"]["a"], stats["tasks"]["b"]
    check(a["end_ns"] < 60000 and b["start_ns"] >= 100000, f"gap: tasks a {a['end_ns']} b {b['start_ns']}")
    n = len(comps)
    engine = [k for k, c in enumerate(comps) if c.startswith("top.dense0.")]
    mem = comps.index("top.memory")
    check(len(engine) > 0, f"gap: no engine component in {comps}")
    idle = [r for r in rows if r[0] >= a["end_ns"] + 2000 and r[1] <= b["start_ns"]]
    check(len(idle) >= 10, f"gap: {len(idle)} idle bins")
    for r in idle:
        others = [r[2 + k] for k in range(n) if k != mem]
        check(all(x == 0 for x in others), f"gap: bin at {r[0]} ns has engine or bus power {others}")
        check(r[2 + mem] > 0, f"gap: bin at {r[0]} ns has no DRAM background power")
    for task in ("a", "b"):  # the engine's job (the task's start includes the host loading operands)
        jobs = [j for j in stats["jobs"] if j["task"] == task]
        t0, t1 = min(j["start_ns"] for j in jobs), max(j["end_ns"] for j in jobs)
        busy = [r for r in rows if r[0] >= t0 and r[1] <= t1]
        check(busy and all(any(r[2 + k] > 0 for k in engine) for r in busy),
              f"gap: a bin inside task {task}'s job at [{t0}, {t1}] has no engine power")
        check(busy and min(r[-1] for r in busy) > max(r[-1] for r in idle),
              f"gap: the busy bins of task {task} are not above the idle ones")


def gating():
    path = os.path.join(SCENARIOS, "soc/power-gating.json")
    on = run(path, os.path.join(OUT, "gating-on"))
    off = run(path, os.path.join(OUT, "gating-off"), "platform.accelerators.0.power_gating=false",
              "platform.accelerators.1.power_gating=false")
    check_sums("gating on", os.path.join(OUT, "gating-on"), on, 2000.0)
    comps, rows = check_sums("gating off", os.path.join(OUT, "gating-off"), off, 2000.0)
    table = on["scenario"]["platform"]["energy"]["power_gating"]
    be_ns = table["break_even_cycles"] * 1.0  # both engines at 1 GHz
    sim_ns = on["totals"]["simulated_ns"]
    check(sim_ns == off["totals"]["simulated_ns"], "gating: gating changed the simulated time")
    # The powered periods from the jobs, merged across gaps <= break-even (the documented rule).
    periods = []
    for j in sorted((j["start_ns"], j["end_ns"]) for j in on["jobs"] if j["accelerator"] == "top.dense0"):
        if periods and j[0] - periods[-1][1] <= be_ns:
            periods[-1][1] = max(periods[-1][1], j[1])
        else:
            periods.append(list(j))
    powered = sum(b - a for a, b in periods)
    check(len(periods) >= 2, f"gating: the dense array has {len(periods)} busy periods, expected two tasks apart")
    leak = on["area"]["leakage_by_component_mw"]
    st_on, st_off = on["totals"]["energy_static_by_component_pj"], off["totals"]["energy_static_by_component_pj"]
    comp_on = on["components"]
    for engine, busy in (("top.dense0", True), ("top.salo0", False)):
        pg = comp_on[engine]
        wakeups = pg["power_gating.wakeups"]["value"]
        check(wakeups == (len(periods) if busy else 0), f"gating: {engine} woke {wakeups} times")
        check(close(pg["power_gating.powered_ns"]["value"], powered if busy else 0.0),
              f"gating: {engine} powered {pg['power_gating.powered_ns']['value']} ns")
        wake_total = 0.0
        for c in (c for c in leak if c.startswith(engine + ".")):
            sram = "buffer" in c or c.split(".")[-1] in ("q", "k", "v") or "sram" in c
            node = comp_on[c]
            check(close(st_off[c], leak[c] * sim_ns), f"gating off: {c} static {st_off[c]} != leakage x run")
            if sram:  # state: powered the whole run, no wake-up
                check(close(st_on[c], st_off[c]), f"gating: SRAM {c} static {st_on[c]} != {st_off[c]}")
                check("wakeup" not in node.get("actions", {}), f"gating: SRAM {c} has wake-ups")
                continue
            check(close(st_on[c], leak[c] * (powered if busy else 0.0)),
                  f"gating: {c} static {st_on[c]} pJ != leakage {leak[c]} mW x powered time")
            w = node.get("actions", {}).get("wakeup")
            if busy:
                check(w is not None and w["count"] == len(periods) and close(w["pj_each"], leak[c] * be_ns),
                      f"gating: {c} wake-ups {w} != {len(periods)} x {leak[c] * be_ns} pJ")
                wake_total += w["energy_pj"] if w else 0.0
            else:
                check(w is None, f"gating: idle {c} woke up: {w}")
        check(close(pg["power_gating.wake_energy_pj"]["value"], wake_total),
              f"gating: {engine} wake energy {pg['power_gating.wake_energy_pj']['value']} != {wake_total}")
        check(close(pg["power_gating.gated_ns"]["value"], sim_ns - (powered if busy else 0.0)),
              f"gating: {engine} gated_ns {pg['power_gating.gated_ns']['value']}")
    check(on["totals"]["energy_static_pj"] < off["totals"]["energy_static_pj"], "gating: static energy did not fall")
    # Wake-ups are dynamic energy in the bin where each period starts.
    header, rows_on = read_power(os.path.join(OUT, "gating-on"))
    for c in (c for c in leak if c.startswith("top.dense0.") and "wakeup" in comp_on[c].get("actions", {})):
        k = header.index(c + ".dynamic_w")
        for a, _ in periods:
            b = int(a // 2000.0)
            check(rows_on[b][k] > 0, f"gating: {c} has no dynamic power in the bin of its wake-up at {a} ns")
    # Idle SALO: no static power in any bin for its logic.
    for c in (c for c in leak if c.startswith("top.salo0.")):
        k = header.index(c + ".static_w")
        if "wakeup" not in comp_on[c].get("actions", {}) and st_on[c] == 0.0:
            check(all(r[k] == 0.0 for r in rows_on), f"gating: idle {c} has static power in power.csv")
    # Nothing else moves: jobs, latency, dynamic energy of the actions, traffic.
    for key in ("latency_ns", "dram_bytes_read", "dram_bytes_written"):
        check(on["totals"][key] == off["totals"][key], f"gating: totals.{key} changed")
    wake_all = sum(v for k, v in on["totals"]["energy_by_action_pj"].items() if k.endswith(".wakeup"))
    check(close(on["totals"]["energy_dynamic_pj"] - wake_all, off["totals"]["energy_dynamic_pj"]),
          "gating: dynamic energy moved by more than the wake-ups")
    check(wake_all > 0, "gating: no wake-up energy")


def off():
    outdir = os.path.join(OUT, "off")
    stats = run(os.path.join(SCENARIOS, "default.json"), outdir, "outputs.trace=true")
    check(not os.path.exists(os.path.join(outdir, "power.csv")), "off: power.csv written")
    check(not any(k.startswith("power_") for k in stats["totals"]), "off: power totals in stats.json")
    with open(os.path.join(outdir, "trace.json")) as f:
        trace = json.load(f)
    check(not any(e.get("ph") == "M" and e["args"].get("name") == "power" for e in trace["traceEvents"]),
          "off: power tracks in trace.json")
    # A run with power into the same directory, then one without: the stale power.csv goes.
    run(os.path.join(SCENARIOS, "default.json"), outdir, "outputs.power=true")
    check(os.path.exists(os.path.join(outdir, "power.csv")), "off: power.csv missing with outputs.power")
    run(os.path.join(SCENARIOS, "default.json"), outdir)
    check(not os.path.exists(os.path.join(outdir, "power.csv")), "off: a stale power.csv stayed")


def wide():
    # A bin wider than the whole run is the run: one bin, its width the simulated time, and the peak
    # equal to the average (it was the energy over the unused rest of the bin: a peak far below the
    # average). The bins still add up to every component's energy.
    outdir = os.path.join(OUT, "wide")
    stats = run(os.path.join(SCENARIOS, "default.json"), outdir, 'outputs.power={"power_bin_ns": 1e15}')
    header, rows = read_power(outdir)
    t = stats["totals"]
    check(len(rows) == 1, "wide: %d bins for a bin wider than the run" % len(rows))
    check(close(t["power_peak_w"], t["power_avg_w"], 1e-6),
          "wide: peak %g W against the average %g W" % (t["power_peak_w"], t["power_avg_w"]))
    check_sums("wide", outdir, stats, rows[0][1] - rows[0][0] if len(rows[0]) > 1 else 0)


def node():
    # A 45 -> 7 nm run (platform.technology.node_nm) scales every on-chip component by the energy
    # table's factors for 7 nm: area by the logic or the SRAM factor (buffers and SRAMs the SRAM
    # one), leakage and dynamic energy by theirs; the DRAM's energy and the timing stay.
    with open(os.path.join(SCENARIOS, "energy", "default-45nm.json")) as f:
        nodes = json.load(f)["node_scaling"]["nodes"]
    k = dict(nodes)["7"] if isinstance(nodes, list) else nodes["7"]
    a = run(os.path.join(SCENARIOS, "default.json"), os.path.join(OUT, "n45"), "platform.technology.node_nm=45")
    b = run(os.path.join(SCENARIOS, "default.json"), os.path.join(OUT, "n7"), "platform.technology.node_nm=7")
    check(b["area"]["node_nm"] == 7, "node: area.node_nm %s" % b["area"]["node_nm"])
    check(a["totals"]["latency_ns"] == b["totals"]["latency_ns"], "node: the timing moved")
    area_a, area_b = a["area"]["by_component_mm2"], b["area"]["by_component_mm2"]
    check(sorted(area_a) == sorted(area_b) and len(area_a) >= 5, "node: components differ")
    for c in area_a:
        sram = "buffer" in c or "sram" in c
        want = k["sram_area"] if sram else k["logic_area"]
        check(close(area_b[c], area_a[c] * want, 1e-9), "node: %s area x %g, want x %g" % (c, area_b[c] / area_a[c], want))
        la, lb = a["area"]["leakage_by_component_mw"][c], b["area"]["leakage_by_component_mw"][c]
        check(close(lb, la * k["leakage"], 1e-9), "node: %s leakage x %g, want x %g" % (c, lb / la, k["leakage"]))
    ea, eb = a["totals"]["energy_by_component_pj"], b["totals"]["energy_by_component_pj"]
    sa, sb = a["totals"]["energy_static_by_component_pj"], b["totals"]["energy_static_by_component_pj"]
    for c in ea:
        da, db = ea[c] - sa.get(c, 0.0), eb[c] - sb.get(c, 0.0)
        want = 1.0 if c == "top.memory" else k["energy"]
        if da > 0:
            check(close(db, da * want, 1e-9), "node: %s dynamic energy x %g, want x %g" % (c, db / da, want))


{"sums": sums, "gap": gap, "gating": gating, "off": off, "wide": wide, "node": node}[PART]()
for f in failures:
    print("FAIL:", f)
print(f"{PART}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
