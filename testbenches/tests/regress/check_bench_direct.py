#!/usr/bin/env python3
"""savp_bench_memory's `direct` mode (the DRAM model called in a plain loop, no SystemC or TLM: the
floor the README quotes for a per-request LT) simulates the same traffic as the LT bench. With 1024
requests outstanding (bandwidth-bound) the simulated time is within 1 % for sequential and random
reads on HBM2, DDR4 and LPDDR4 (32-byte bursts); with one outstanding (latency-bound: the arrival
rule decides) direct is faster only by the router's hops, at most 3 ns per bus request (LPDDR4: two
per 64 bytes). A mode the bench
does not know, or `direct` on a memory without a DRAM model, exits 2.
Usage: check_bench_direct.py BENCH"""
import re, subprocess, sys

bench = sys.argv[1]
problems = []


def simulated_us(*args):
    r = subprocess.run([bench, *args], capture_output=True, text=True)
    m = re.search(r"simulated ([0-9.]+) us", r.stdout)
    if r.returncode != 0 or not m:
        problems.append("%s: exit %d, %r" % (" ".join(args), r.returncode, (r.stdout + r.stderr)[-200:]))
        return None
    return float(m.group(1))


for preset in ["hbm2", "ddr4", "lpddr4"]:
    for traffic in ["sequential", "random"]:
        lt = simulated_us(preset, "LT", "100000", traffic)
        direct = simulated_us(preset, "direct", "100000", traffic)
        if lt is None or direct is None:
            continue
        if abs(direct - lt) > 0.01 * lt:
            problems.append("%s %s: direct simulates %.1f us, LT %.1f us" % (preset, traffic, direct, lt))
        print("%s %s: LT %.1f us, direct %.1f us" % (preset, traffic, lt, direct))
    n = 5000
    lt = simulated_us(preset, "LT", str(n), "sequential", "1")
    direct = simulated_us(preset, "direct", str(n), "sequential", "1")
    if lt is not None and direct is not None:
        per = 2 if preset == "lpddr4" else 1
        if not 0 <= lt - direct <= 3e-3 * n * per:
            problems.append("%s, 1 outstanding: direct simulates %.1f us, LT %.1f us" % (preset, direct, lt))
        print("%s sequential, 1 outstanding: LT %.1f us, direct %.1f us" % (preset, lt, direct))
for args in [["hbm2", "lt"], ["simple", "direct", "1000"]]:
    r = subprocess.run([bench, *args], capture_output=True, text=True)
    if r.returncode != 2:
        problems.append("%s: exit %d, expected 2" % (" ".join(args), r.returncode))
if problems:
    sys.exit("; ".join(problems))
