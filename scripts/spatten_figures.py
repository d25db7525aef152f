#!/usr/bin/env python3
"""The SpAtten figures of the README, measured by running savp (each point its own process):
  1. top-k parallelism x SRAM size on one GPT-2 workload (throughput, latency per token);
  2. the speedup and DRAM-reduction breakdown on GPT-2 small (the pruned trace replayed with its
     effects added one at a time, against the unpruned trace of the same run);
  3. wall time of trace replays in LT mode;
  4. other figures: the GPT-2-small trace in AT against LT, and BERT-base summarisation with and
     without local V pruning (the per-row value top-k pass).
Usage: scripts/spatten_figures.py [--savp build/bin/savp] [--out out/spatten-figures] [--only sweep|breakdown|replay|other]"""
import argparse, json, os, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCN = os.path.join(ROOT, "scenarios", "spatten")


def run(savp, scenario, out, sets=()):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [savp, "run", os.path.join(SCN, scenario), "-o", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.time()
    subprocess.run(cmd, check=True)
    wall = time.time() - t0
    return json.load(open(os.path.join(out, "stats.json")))["totals"], wall


def sweep(savp, out, scenario):
    print("### Top-k parallelism x SRAM size, `%s`\n" % scenario)
    srams = [196, 392, 784]
    print("| top-k parallelism | " + " | ".join("%d KB: GOP/s (us/token)" % s for s in srams) + " |")
    print("|---|" + "---|" * len(srams))
    for p in [1, 2, 4, 8, 16, 32]:
        cells = []
        for s in srams:
            t, _ = run(savp, scenario, os.path.join(out, "sweep-%d-%d" % (p, s)),
                       ["platform.accelerators.0.topk_parallelism=%d" % p, "platform.accelerators.0.sram_kib=%d" % s])
            cells.append("%.1f (%.2f)" % (t["throughput_gops"], t["latency_per_token_ns"] / 1e3))
        print("| %d | %s |" % (p, " | ".join(cells)))
    print()


def breakdown(savp, out, trace, unpruned, steps, base_sets=()):
    print("### Speedup and DRAM-reduction breakdown, `%s` against `%s`%s\n"
          % (trace, unpruned, " with `" + " ".join(base_sets) + "`" if base_sets else ""))
    base, _ = run(savp, unpruned, os.path.join(out, "bd-unpruned-" + trace[:-5]), base_sets)
    print("| configuration | latency (us) | speedup | K/V DRAM bytes (MB) | DRAM read (MB) | reduction |")
    print("|---|---|---|---|---|---|")
    print("| unpruned trace (dedicated datapath, fp32 K/V) | %.1f | 1.00 | %.1f | %.1f | 1.00 |"
          % (base["latency_ns"] / 1e3, base["kv_dram_bytes"]["fetched"] / 1e6, base["dram_bytes_read"] / 1e6))
    for name, effects in steps:
        t, _ = run(savp, trace, os.path.join(out, "bd-" + trace[:-5] + name.replace(" ", "_").replace("+", "")),
                   ["workload.data.effects=" + json.dumps(effects)])
        print("| %s | %.1f | %.2f | %.1f | %.1f | %.2f |" % (
            name, t["latency_ns"] / 1e3, base["latency_ns"] / t["latency_ns"], t["kv_dram_bytes"]["fetched"] / 1e6,
            t["dram_bytes_read"] / 1e6, base["dram_bytes_read"] / t["dram_bytes_read"]))
    print()


def replay(savp, out):
    print("### Replay wall time (LT)\n")
    print("| scenario | rows | simulated latency (us) | wall (s) |")
    print("|---|---|---|---|")
    for scn in ["gpt2-small-wikitext2-trace.json", "gpt2-medium-wikitext2-trace.json",
                "gpt2-small-wikitext2-unpruned-trace.json", "gpt2-medium-ptb-unpruned-trace.json"]:
        t, wall = run(savp, scn, os.path.join(out, "replay-" + scn[:-5]))
        stats = json.load(open(os.path.join(out, "replay-" + scn[:-5], "stats.json")))
        rows = int(stats["jobs"][0]["engine_stats"]["rows"])
        print("| %s | %d | %.1f | %.2f |" % (scn, rows, t["latency_ns"] / 1e3, wall))
    print()


def other(savp, out):
    print("### Other figures\n")
    print("| configuration | latency (us) | throughput (GOP/s) |")
    print("|---|---|---|")
    cases = [("GPT-2-small trace, LT", "gpt2-small-wikitext2-trace.json", []),
             ("GPT-2-small trace, AT", "gpt2-small-wikitext2-trace.json", ["timing_mode=AT"]),
             ("BERT-base summarisation, V pruning 30 %", "bert-base-summarise.json", []),
             ("BERT-base summarisation, no V pruning", "bert-base-summarise.json",
              ["platform.accelerators.0.pruning.value_ratio=0"])]
    for i, (name, scn, sets) in enumerate(cases):
        t, _ = run(savp, scn, os.path.join(out, "other-%d" % i), sets)
        print("| %s | %.1f | %.1f |" % (name, t["latency_ns"] / 1e3, t["throughput_gops"]))
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--savp", default=os.path.join(ROOT, "build", "bin", "savp"))
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "spatten-figures"))
    ap.add_argument("--only", choices=["sweep", "breakdown", "replay", "other"])
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.only in (None, "sweep"):
        sweep(a.savp, a.out, "gpt2-small-wikitext2-trace.json")
    if a.only in (None, "breakdown"):
        steps = [("+ token pruning", ["token"]), ("+ local V pruning", ["token", "value"]),
                 ("+ head pruning", ["token", "value", "head"]),
                 ("+ progressive quantisation", ["token", "value", "head", "quantisation"])]
        breakdown(a.savp, a.out, "gpt2-small-wikitext2-trace.json", "gpt2-small-wikitext2-unpruned-trace.json", steps)
        # No unpruned trace of the same GPT-2-medium run is published (the PTB one is another dataset):
        # its baseline is the pruned trace with every effect undone.
        breakdown(a.savp, a.out, "gpt2-medium-wikitext2-trace.json", "gpt2-medium-wikitext2-trace.json", steps,
                  ["workload.data.effects=[]"])
    if a.only in (None, "replay"):
        replay(a.savp, a.out)
    if a.only in (None, "other"):
        other(a.savp, a.out)


if __name__ == "__main__":
    main()
