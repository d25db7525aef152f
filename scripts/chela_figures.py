#!/usr/bin/env python3
"""The CHELA figures of the README, measured by running savp (each point its own process):
  1. latency, energy and DRAM traffic against the sequence length (256 .. 64K tokens, one head of 64)
     for CHELA (with and without its short-long convolution branch), SALO (window 512), SpAtten and
     the dense baseline, all on the same memory preset, with the crossover points where CHELA
     becomes cheaper than each other engine;
  2. the chunk size B as CHELA's design knob (latency, traffic, buffer need) on lm-4k.
Engines whose simulation grows as L^2 (dense, SpAtten: they compute every score) are run up to
--max-quadratic tokens (default 65536: all; about 40 min on a 2-core machine, dominated by SpAtten and
dense at 64K); the lengths not run are listed, never extrapolated.
Usage: scripts/chela_figures.py [--savp build/bin/savp] [--out out/chela-figures] [--preset hbm2]
                                [--max-quadratic 65536] [-j 2] [--only compare|chunk] [--reuse]"""
import argparse, json, math, os, shutil, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCN = os.path.join(ROOT, "scenarios", "chela")
LENGTHS = [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]  # 256 and 512 locate crossovers
ACC = "platform.accelerators.0."
# series -> (scenario, extra --set, grows as L^2)
SERIES = {
    "chela": ("lm-4k.json", [], False),
    "chela-attn": ("lm-4k.json", [ACC + "conv.enabled=false"], False),
    "salo-w512": ("compare-salo.json", [], False),
    "spatten": ("compare-spatten.json", [], True),
    "dense": ("compare-dense.json", [], True),
}


def spatten_sram_kib(L):
    # The key/value SRAM holds the context in one half: about 96 bytes per token line (64 x 12 bits).
    return max(196, int(math.ceil(L * 2 * 98 / 1024.0)))


def run(savp, out, scenario, sets, reuse=False):
    if reuse and os.path.exists(os.path.join(out, "stats.json")):
        return json.load(open(os.path.join(out, "stats.json"))), float("nan"), ""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [savp, "run", os.path.join(SCN, scenario), "-o", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - t0
    if p.returncode not in (0, 1):
        return None, wall, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "exit %d" % p.returncode
    return json.load(open(os.path.join(out, "stats.json"))), wall, ""


def crossover(xs, a, b, tie=0.005):
    """Where series a goes below b (log-log interpolation between measured points); ratios within
    `tie` of 1 count as equal."""
    pts = [(x, math.log(a[x] / b[x])) for x in xs if x in a and x in b]
    if not pts:
        return "not measured at a common length"
    sign = [0 if abs(d) < tie else (1 if d > 0 else -1) for _, d in pts]
    desc = []
    for i, (x, d) in enumerate(pts):
        if i == 0 or sign[i] != sign[i - 1]:
            what = {0: "equal", 1: "CHELA higher", -1: "CHELA lower"}[sign[i]]
            if i > 0 and sign[i - 1] == 1 and sign[i] == -1:
                x0, d0 = pts[i - 1]
                xc = math.exp(math.log(x0) + (math.log(x) - math.log(x0)) * d0 / (d0 - d))
                desc.append("CHELA lower from about %d tokens (crossing between %d and %d)" % (round(xc), x0, x))
            else:
                desc.append("%s from %d" % (what, x))
    return "; ".join(desc) + " (measured %d..%d, CHELA/other at %d: %.3g)" % (pts[0][0], pts[-1][0], pts[-1][0],
                                                                            math.exp(pts[-1][1]))


def compare(args):
    lengths = [L for L in LENGTHS if L <= args.max_len]
    jobs = []
    skipped = []
    for name, (scn, sets, quadratic) in SERIES.items():
        for L in lengths:
            if quadratic and L > args.max_quadratic:
                skipped.append((name, L, "simulation time and memory grow as L^2 (--max-quadratic %d)" % args.max_quadratic))
                continue
            s = sets + ["workload.seq_len=%d" % L, "platform.memory.preset=" + args.preset]
            if name == "spatten":
                s.append(ACC + "sram_kib=%d" % spatten_sram_kib(L))
            jobs.append((name, L, scn, s))
    res = {}
    with ThreadPoolExecutor(args.j) as pool:
        futs = {pool.submit(run, args.savp, os.path.join(args.out, "%s-%d" % (n, L)), scn, s, args.reuse): (n, L)
                for n, L, scn, s in jobs}
        for f, (n, L) in futs.items():
            stats, wall, err = f.result()
            if stats is None:
                skipped.append((n, L, "refused: " + err.split(": ")[-1]))
                continue
            t = stats["totals"]
            res.setdefault(n, {})[L] = {"latency_ns": t["latency_ns"], "energy_pj": t["energy_pj"],
                                        "dram_bytes": t["dram_bytes_read"] + t["dram_bytes_written"],
                                        "rel_l2_err": t["rel_l2_err"], "passed": t["jobs_failed"] == 0,
                                        "wall_s": wall}
    json.dump({"preset": args.preset, "results": {n: {str(L): v for L, v in d.items()} for n, d in res.items()},
               "skipped": skipped}, open(os.path.join(args.out, "compare.json"), "w"), indent=1)
    print("### Latency, energy and DRAM traffic against L (one head of 64, %s memory)\n" % args.preset)
    print("| L | " + " | ".join("%s latency (ms) / energy (mJ) / DRAM (MB)" % n for n in SERIES) + " |")
    print("|---|" + "---|" * len(SERIES))
    for L in lengths:
        cells = []
        for n in SERIES:
            v = res.get(n, {}).get(L)
            cells.append("%.3f / %.2f / %.2f%s" % (v["latency_ns"] / 1e6, v["energy_pj"] / 1e9, v["dram_bytes"] / 1e6,
                                                  "" if v["passed"] else " (check failed)") if v else "not run")
        print("| %d | %s |" % (L, " | ".join(cells)))
    print()
    print("Growth from the first to the last measured length (x per x tokens):")
    for n, d in res.items():
        xs = sorted(d)
        if len(xs) > 1:
            f = xs[-1] / xs[0]
            print("  %-10s x%d tokens: latency x%.1f, energy x%.1f, DRAM x%.1f" % (
                n, f, d[xs[-1]]["latency_ns"] / d[xs[0]]["latency_ns"], d[xs[-1]]["energy_pj"] / d[xs[0]]["energy_pj"],
                d[xs[-1]]["dram_bytes"] / d[xs[0]]["dram_bytes"]))
    print("\nCrossover points (where CHELA becomes lower than the other engine):")
    for cname in ("chela", "chela-attn"):
        for other in ("salo-w512", "spatten", "dense"):
            if cname not in res or other not in res:
                continue
            for m in ("latency_ns", "energy_pj", "dram_bytes"):
                a = {L: v[m] for L, v in res[cname].items()}
                b = {L: v[m] for L, v in res[other].items()}
                print("  %-10s vs %-9s %-10s: %s" % (cname, other, m, crossover(lengths, a, b)))
    if skipped:
        print("\nNot run (never extrapolated):")
        for n, L, why in sorted(skipped):
            print("  %s at %d: %s" % (n, L, why))
    plot(res, args)


def plot(res, args):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib missing: no plots)")
        return
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for ax, (m, label, scale) in zip(axes, [("latency_ns", "latency (ms)", 1e6), ("energy_pj", "energy (mJ)", 1e9),
                                            ("dram_bytes", "DRAM traffic (MB)", 1e6)]):
        for n, d in res.items():
            xs = sorted(d)
            ax.plot(xs, [d[x][m] / scale for x in xs], marker="o", label=n)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("sequence length (tokens)")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    fig.suptitle("CHELA vs SALO (w 512), SpAtten, dense; one head of 64, %s" % args.preset)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(args.out, "chela-vs-L." + ext))
    print("\nplots: %s/chela-vs-L.png, .svg" % args.out)


def chunk(args):
    print("### Chunk size B on lm-4k (4096 tokens, causal, FFT branch, %s)\n" % args.preset)
    print("| B | latency (ms) | chunk phase (Mcycles) | array utilisation | DRAM (MB) | stream buffer (KiB) | work buffer (KiB) | energy (mJ) |")
    print("|---|---|---|---|---|---|---|---|")
    for B in (16, 32, 64, 128, 256):
        work = {16: 8, 32: 16, 64: 64, 128: 128, 256: 512}[B]
        for conv in (True, False):
            s = [ACC + "chunk=%d" % B, ACC + "buffers.stream_tokens=%d" % (4 * B), ACC + "buffers.work_kib=%d" % work,
                 "platform.memory.preset=" + args.preset, ACC + "conv.enabled=" + ("true" if conv else "false")]
            stats, _, err = run(args.savp, os.path.join(args.out, "chunk-%d-%s" % (B, conv)), "lm-4k.json", s)
            if stats is None:
                print("| %d | not run: %s |" % (B, err))
                continue
            t, j = stats["totals"], stats["jobs"][0]
            es = j["engine_stats"]
            print("| %d%s | %.3f | %.3f | %.3f | %.2f | %.0f | %.1f | %.2f |" % (
                B, "" if conv else " (no branch)", t["latency_ns"] / 1e6, j["phase_cycles"].get("chunk", 0) / 1e6,
                es["array_utilisation"], (t["dram_bytes_read"] + t["dram_bytes_written"]) / 1e6,
                es["stream_buffer_bytes"] / 1024, es["work_buffer_bytes"] / 1024, t["energy_pj"] / 1e9))
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--savp", default=os.path.join(ROOT, "build", "bin", "savp"))
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "chela-figures"))
    ap.add_argument("--preset", default="hbm2")
    ap.add_argument("--max-len", type=int, default=65536)
    ap.add_argument("--max-quadratic", type=int, default=65536)
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--only", choices=["compare", "chunk"])
    ap.add_argument("--reuse", action="store_true", help="keep points whose stats.json exists in --out")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.only in (None, "chunk"):
        chunk(args)
    if args.only in (None, "compare"):
        compare(args)


if __name__ == "__main__":
    main()
