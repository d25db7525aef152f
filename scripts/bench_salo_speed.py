#!/usr/bin/env python3
"""SALO simulation speed against the floor of a functional simulator, in one benchmark: the wall
time of `savp run scenarios/salo/longformer-base-4096.json` (12 heads, L 4096, window 512, fixed
datapath, real data, LT, no baseline) and of savp_bench_masked_attention (a plain optimised C++
loop computing the same masked attention in double), best of N runs each, and their ratio. The
savp run includes data generation and the scoreboard's own double-precision reference (on a worker
thread beside the simulation); its CPU time is reported too.
Usage: scripts/bench_salo_speed.py [--build build] [--runs 3]"""
import argparse, os, re, resource, shutil, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    out = tempfile.mkdtemp(prefix="savp-bench-")
    sim = [os.path.join(a.build, "bin", "savp"), "run", os.path.join(ROOT, "scenarios/salo/longformer-base-4096.json"),
           "--set", "outputs.baseline=null", "--quiet", "-o", os.path.join(out, "run")]
    loop = [os.path.join(a.build, "bin", "savp_bench_masked_attention")]
    sims, loops = [], []
    for _ in range(a.runs):
        shutil.rmtree(os.path.join(out, "run"), ignore_errors=True)
        sims.append(timed(sim)[:2])
        text = timed(loop)[2]
        loops.append(float(re.search(r": ([0-9.]+) s", text).group(1)))
    shutil.rmtree(out, ignore_errors=True)
    wall, cpu = min(sims)
    floor = min(loops)
    print("savp (Longformer-base layer, fixed, LT): %.2f s wall, %.2f s CPU" % (wall, cpu))
    print("plain C++ loop in double:               %.2f s" % floor)
    print("ratio: %.2fx wall (target <= 3x), %.2fx CPU" % (wall / floor, cpu / floor))


if __name__ == "__main__":
    main()
