#!/usr/bin/env python3
"""The SoC figures of the README (issue 20), from real runs of the shipped scenarios/soc/ files:
  scaling       SALO over 1, 2 and 4 instances on HBM2 and DDR4 (sweep soc-salo-scaling): makespan,
                speedup and scaling efficiency
  interference  the 4 x 4 table on DDR4 (sweep soc-interference-ddr4): the slowdown of each engine
                (row) beside each other one (column), each pair's tasks also run alone
  lt-at         every SoC scenario in AT and in LT (and LT at smaller quanta): makespan and per-task
                latency, how far LT is from AT
  speed         wall time of the four-engine scenario against the sum of its four tasks run alone,
                in LT and AT (best of --runs)
Usage: scripts/soc_figures.py FIGURE [--build build] [--out DIR] [--runs N] [-j N]"""
import argparse, csv, json, os, resource, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOC = os.path.join(ROOT, "scenarios", "soc")
NAMES = ["dense", "salo", "spatten", "chela"]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return r


def cpu_of(cmd):
    """CPU seconds (user + system) of one run: steadier than wall time on a shared machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def stats(d):
    with open(os.path.join(d, "stats.json")) as f:
        return json.load(f)


def rows(sweep_dir):
    with open(os.path.join(sweep_dir, "results.csv")) as f:
        return list(csv.DictReader(f))


def scaling(a, savp):
    d = os.path.join(a.out, "scaling")
    run([savp, "sweep", os.path.join(ROOT, "scenarios/sweeps/soc-salo-scaling.json"), "-o", d, "-j", str(a.jobs), "--force"])
    print("| memory | instances | makespan (us) | speedup | scaling efficiency | DRAM GB/s | row-hit rate |")
    print("|---|---|---|---|---|---|---|")
    one = {}
    for r in rows(d):
        n = len(json.loads(r["tasks.0.accelerator"]))
        mem = r["platform.memory.preset"]
        m = float(r["makespan_ns"])
        one.setdefault(mem, m)
        hit = r.get("tasks.layer.row_hit_rate", "")
        print(f"| {mem} | {n} | {m / 1e3:.1f} | {one[mem] / m:.2f}x | {one[mem] / (n * m):.2f} | "
              f"{float(r['dram_bandwidth_gbps']):.1f} | {float(hit):.3f} |" if hit else
              f"| {mem} | {n} | {m / 1e3:.1f} | {one[mem] / m:.2f}x | {one[mem] / (n * m):.2f} | "
              f"{float(r['dram_bandwidth_gbps']):.1f} | - |")


def interference(a, savp):
    d = os.path.join(a.out, "interference")
    run([savp, "sweep", os.path.join(ROOT, "scenarios/sweeps/soc-interference-ddr4.json"), "-o", d, "-j", str(a.jobs), "--force"])
    table = {}
    alone = {}
    for r in rows(d):
        ids = [n for n in NAMES if r.get(f"tasks.{n}.latency_ns")]
        for x in ids:
            other = [y for y in ids if y != x][0]
            table[(x, other)] = float(r[f"tasks.{x}.slowdown_vs_alone"])
            alone[x] = float(r[f"tasks.{x}.alone_latency_ns"])
    print("| slowdown of (row) beside (column) | " + " | ".join(NAMES) + " | alone (us) |")
    print("|---" * (len(NAMES) + 2) + "|")
    for x in NAMES:
        cells = ["-" if x == y else f"{table[(x, y)]:.2f}x" for y in NAMES]
        print(f"| {x} | " + " | ".join(cells) + f" | {alone[x] / 1e3:.1f} |")


def lt_at(a, savp):
    print("| scenario | mode | quantum (ns) | makespan (us) | per task latency (us) | makespan LT/AT |")
    print("|---|---|---|---|---|---|")
    for f in ("traffic-pair-ddr4", "salo-x4-longformer", "salo-spatten", "salo-kv-in-sram", "four-engines-ddr4"):
        at = None
        for mode, q in (("AT", 1000), ("LT", 1000), ("LT", 100), ("LT", 10)):
            d = os.path.join(a.out, f"{f}-{mode}-{q}")
            run([savp, "run", os.path.join(SOC, f + ".json"), "-o", d, "-q", "--force", "--set", f"timing_mode={mode}",
                 "--set", f"quantum_ns={q}", "--set", "outputs.alone=false"])
            s = stats(d)
            m = s["totals"]["makespan_ns"]
            at = m if mode == "AT" else at
            tasks = ", ".join(f"{k} {v['latency_ns'] / 1e3:.1f}" for k, v in s["tasks"].items())
            print(f"| {f} | {mode} | {q} | {m / 1e3:.1f} | {tasks} | {m / at:.2f} |")


def speed(a, savp):
    # The alone scenarios as savp writes them (outputs.alone), then every run timed one at a time
    # (the alone runs of outputs.alone run in parallel, which would inflate their wall times).
    base = os.path.join(a.out, "speed-alone")
    run([savp, "run", os.path.join(SOC, "four-engines-ddr4.json"), "-o", base, "-q", "--force"])
    print("| mode | 4 engines at once: wall / CPU (s) | sum of the 4 alone: wall / CPU (s) | ratio wall / CPU |")
    print("|---|---|---|---|")
    for mode in ("LT", "AT"):
        best = None
        for _ in range(a.runs):
            d = os.path.join(a.out, f"speed-{mode}")
            cpu = cpu_of([savp, "run", os.path.join(SOC, "four-engines-ddr4.json"), "-o", d, "-q", "--force",
                          "--set", f"timing_mode={mode}", "--set", "outputs.alone=false"])
            together = (stats(d)["run_info"]["wall_clock_s"], cpu)
            alone = [0.0, 0.0]
            for n in NAMES:
                da = os.path.join(a.out, f"speed-{mode}-{n}")
                alone[1] += cpu_of([savp, "run", os.path.join(base, "alone", n, "scenario.json"), "-o", da, "-q", "--force",
                                    "--set", f"timing_mode={mode}"])
                alone[0] += stats(da)["run_info"]["wall_clock_s"]
            if best is None or together[1] / alone[1] < best[0][1] / best[1][1]:
                best = (together, alone)
        (tw, tc), (aw, ac) = best
        print(f"| {mode} | {tw:.2f} / {tc:.2f} | {aw:.2f} / {ac:.2f} | {tw / aw:.2f} / {tc / ac:.2f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("figure", choices=["scaling", "interference", "lt-at", "speed"])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, default=1)
    a = ap.parse_args()
    a.out = a.out or tempfile.mkdtemp(prefix="savp-soc-")
    savp = os.path.join(a.build, "bin", "savp")
    {"scaling": scaling, "interference": interference, "lt-at": lt_at, "speed": speed}[a.figure](a, savp)


if __name__ == "__main__":
    main()
