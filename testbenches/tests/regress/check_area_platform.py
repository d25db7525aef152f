#!/usr/bin/env python3
"""Area of the platform's own hardware (issue 22): the router (top.bus), each engine's DMA
(top.<engine>.dma) and SPRINT's ReRAM mats with their DACs and comparators (top.pim) appear in
stats.json `area` with leakage, `savp validate` prints the same figures without simulating, and the
PIM's area is mats x one mat, with the mats of one head's keys (8 for 512 keys of 64 on 64 x 128
mats of 2-bit cells holding 4-bit keys: 64 keys per mat).

usage: check_area_platform.py SAVP SCENARIOS OUTDIR
"""
import json
import os
import re
import subprocess
import sys

SAVP, SCENARIOS, OUT = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
os.makedirs(OUT, exist_ok=True)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def scenario(name, accelerator, memory, seq_len):
    """A one-head scenario file (validate takes no --set) on a shipped hardware preset."""
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump({"id": name, "seed": 1,
                   "platform": {"accelerators": [os.path.join(SCENARIOS, "hardware", accelerator)],
                                "memory": {"preset": memory}},
                   "workload": {"kind": "attention", "heads": 1, "seq_len": seq_len, "head_dim": 64}}, f)
    return path


def run_and_validate(path, outdir):
    r = subprocess.run([SAVP, "run", path, "-o", outdir, "--force", "-q"], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"run {path}: exit {r.returncode}\n{r.stderr}")
    with open(os.path.join(outdir, "stats.json")) as f:
        area = json.load(f)["area"]
    v = subprocess.run([SAVP, "validate", path], capture_output=True, text=True)
    if v.returncode != 0:
        fail(f"validate {path}: exit {v.returncode}\n{v.stderr}")
    printed = {}
    for line in v.stdout.splitlines():
        m = re.match(r"\s+(\S+)\s+([0-9.]+) mm2\s+([0-9.]+) mW", line)
        if m:
            printed[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    if set(printed) != set(area["by_component_mm2"]):
        fail(f"validate lists {sorted(printed)}, the run {sorted(area['by_component_mm2'])}")
    for c, (mm2, mw) in printed.items():
        if abs(mm2 - area["by_component_mm2"][c]) > 1e-4 or abs(mw - area["leakage_by_component_mw"][c]) > 1e-3:
            fail(f"{c}: validate {mm2} mm2 {mw} mW, run {area['by_component_mm2'][c]} "
                 f"{area['leakage_by_component_mw'][c]}")
    return area


dense = run_and_validate(scenario("area-dense", "dense-32x32.json", "simple", 128), os.path.join(OUT, "dense"))
for c in ("top.bus", "top.dense0.dma"):
    if dense["by_component_mm2"].get(c, 0) <= 0 or dense["leakage_by_component_mw"].get(c, 0) <= 0:
        fail(f"dense: {c} has no area or leakage: {dense['by_component_mm2'].get(c)}")
if "top.pim" in dense["by_component_mm2"]:
    fail("dense: a PIM without a SPRINT engine")
# Router ports: host, one accelerator, memory, one CSR block = 4.
port = dense["by_component_mm2"]["top.bus"] / 4

sprint = {}
for keys in (512, 576):
    sprint[keys] = run_and_validate(scenario(f"area-sprint-{keys}", "sprint-m.json", "reram", keys),
                                    os.path.join(OUT, f"sprint-{keys}"))
    # host, one accelerator, memory, one CSR block, the PIM window = 5 ports.
    if abs(sprint[keys]["by_component_mm2"]["top.bus"] - 5 * port) > 1e-9:
        fail(f"sprint: router {sprint[keys]['by_component_mm2']['top.bus']} mm2, expected 5 ports of {port}")
pim512, pim576 = (sprint[k]["by_component_mm2"]["top.pim"] for k in (512, 576))
if pim512 <= 0:
    fail("sprint: top.pim has no area")
# 512 keys: 8 mats; 576 keys: 9 mats.
if abs(pim576 / pim512 - 9 / 8) > 1e-9:
    fail(f"sprint: PIM area 576 / 512 keys = {pim576 / pim512}, expected 9 / 8")
print(f"router port {port:.4f} mm2, dense DMA {dense['by_component_mm2']['top.dense0.dma']:.4f} mm2, "
      f"PIM 8 mats {pim512:.4f} mm2")
