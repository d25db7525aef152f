#!/usr/bin/env python3
"""The SPRINT figures of the README, measured by running savp (each point its own process):
  1. S/M/L-SPRINT on the BERT-base scenario against the like-for-like baseline;
  2. accuracy against the keep ratio, with and without the digital recompute, analog noise off/on
     (2 layers x 12 heads of the BERT-base shape);
  3. the wall time of the full BERT-base run.
Usage: scripts/sprint_figures.py [--savp build/bin/savp] [--out out/sprint-figures] [--only sml|accuracy|time]"""
import argparse, json, os, shutil, subprocess, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCN = os.path.join(ROOT, "scenarios", "sprint", "bert-base-512.json")


def run(savp, out, sets=()):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [savp, "run", SCN, "-o", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.time()
    subprocess.run(cmd, check=False, capture_output=True)  # low keep ratios may breach the scoreboard bound (exit 1)
    wall = time.time() - t0
    return json.load(open(os.path.join(out, "stats.json")))["totals"], wall


def sml(savp, out):
    print("### S/M/L-SPRINT, BERT-base (12 x 12 heads, 512 tokens), keep ratio 0.25\n")
    print("| config | on-chip | latency (ms) | speedup vs baseline | energy (mJ) | energy reduction | keep | new fetch | rel L2 (no recompute) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c, kb, n in [("S", 16, 1), ("M", 32, 2), ("L", 64, 4)]:
        t, _ = run(savp, os.path.join(out, "sml-" + c), ["platform.accelerators.0.config=" + c])
        print("| %s | %d KB, %d CORELET%s | %.2f | %.2fx | %.2f | %.2fx | %.3f | %.4f | %.3f (%.3f) |" % (
            c, kb, n, "s" if n > 1 else "", t["latency_ns"] / 1e6, t["speedup_vs_baseline"], t["energy_pj"] / 1e9,
            t["energy_reduction_vs_baseline"], t["keep_fraction"], t["new_fetch_fraction"], t["accuracy"]["rel_l2_err"],
            t["accuracy_no_recompute"]["rel_l2_err"]))
    print()


def accuracy(savp, out):
    print("### Accuracy against the keep ratio (BERT-base shape, 2 layers x 12 heads, M-SPRINT)\n")
    print("| target keep | noise | keep | rel L2 recompute | rel L2 no recompute | mass kept | top-1 kept |")
    print("|---|---|---|---|---|---|---|")
    for noise in ["false", "true"]:
        for keep in [0.05, 0.1, 0.2, 0.3, 0.5]:
            t, _ = run(savp, os.path.join(out, "acc-%s-%s" % (noise, keep)),
                       ["workload.layers=2", "outputs.baseline=null", "platform.accelerators.0.pim.noise=" + noise,
                        "platform.accelerators.0.threshold.keep_ratio=%g" % keep])
            print("| %.2f | %s | %.3f | %.4f | %.4f | %.3f | %.4f |" % (
                keep, "on" if noise == "true" else "off", t["keep_fraction"], t["accuracy"]["rel_l2_err"],
                t["accuracy_no_recompute"]["rel_l2_err"], t["probability_mass_kept"], t["top1_key_kept"]))
    print()


def timing(savp, out):
    t, wall = run(savp, os.path.join(out, "time"), ["outputs.baseline=null"])
    print("BERT-base, M-SPRINT, no baseline: %.1f s wall (%d heads, %.2f ms simulated)\n" % (wall, t["jobs"],
                                                                                           t["latency_ns"] / 1e6))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--savp", default=os.path.join(ROOT, "build", "bin", "savp"))
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "sprint-figures"))
    ap.add_argument("--only", choices=["sml", "accuracy", "time"])
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.only in (None, "time"):
        timing(a.savp, a.out)
    if a.only in (None, "accuracy"):
        accuracy(a.savp, a.out)
    if a.only in (None, "sml"):
        sml(a.savp, a.out)


if __name__ == "__main__":
    main()
