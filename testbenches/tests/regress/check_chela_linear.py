#!/usr/bin/env python3
"""CHELA's linear-in-L claim on the engine itself: runs lm-4k without the convolution branch (pure
chunked linear attention) at L, 2L, 4L on the ideal memory; DRAM bytes beyond the descriptor and job
block must scale exactly by 2 and 4 (Q, K, V read once, O written once), cycles be affine in L
(within 0.5 %), and the FFT branch's cycles
grow faster than linear but slower than quadratic (L log L).
usage: check_chela_linear.py SAVP SCENARIO OUTDIR"""
import json
import os
import subprocess
import sys

os.environ["SAVP_PROTOCOL_CHECK"] = "1"
savp, scenario, outdir = sys.argv[1:4]


def run(L, *sets):
    d = os.path.join(outdir, "L%d%s" % (L, "-".join(s.split("=")[-1] for s in sets)))
    args = [savp, "run", scenario, "-o", d, "--quiet", "--set", "workload.seq_len=%d" % L,
            "--set", "platform.memory.preset=ideal"]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True)
    return json.load(open(os.path.join(d, "stats.json")))["totals"]


fails = []
base = [run(L, "platform.accelerators.0.conv.enabled=false") for L in (1024, 2048, 4096)]
FIXED = 192 + 40  # the job descriptor and the CHELA job block, read once per job whatever L
b = [t["dram_bytes_read"] + t["dram_bytes_written"] - FIXED for t in base]
if b[1] != 2 * b[0] or b[2] != 4 * b[0]:
    fails.append("DRAM bytes beyond the fixed %d: %s, expected exactly x1, x2, x4" % (FIXED, b))
# Cycles are affine in L (a fixed pipeline fill / setup): each doubling adds twice the last increment.
c = [t["cycles"] for t in base]
if abs((c[2] - c[1]) / (2.0 * (c[1] - c[0])) - 1) > 0.005:
    fails.append("cycles %s are not affine in L" % c)
fft = [run(L) for L in (1024, 4096)]
r = fft[1]["cycles"] / fft[0]["cycles"]
print("no branch: bytes", [t["dram_bytes_read"] + t["dram_bytes_written"] for t in base],
      "cycles", [t["cycles"] for t in base], "; FFT branch cycles x%.3f for 4L" % r)
if not 4.0 < r < 8.0:
    fails.append("FFT-branch cycles grow x%.3f for 4x tokens, expected between linear and L log L's ~4.8" % r)
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
