#!/usr/bin/env python3
"""Memory estimate vs measured peak RSS on shipped scenarios (README "Resource limits").
Runs each scenario with savp under /usr/bin/time and prints a Markdown table.
Usage: scripts/memory_estimate_table.py [SAVP] [scenario.json ...]"""
import os, re, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
savp = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "bin", "savp")
scenarios = sys.argv[2:] or [os.path.join(root, "scenarios", s) for s in [
    "default.json", "dense/bench-2k.json", "dense/gemm.json", "salo/small.json", "salo/longformer-16k.json",
    "salo/longformer-64k.json", "spatten/small.json", "spatten/gpt2-small-wikitext2-trace.json",
    "sprint/bert-base-512.json", "memory/hbm2-seq-read.json", "memory/hbm2-random-read.json"]]
env = dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE")
print("| scenario | estimate (MB) | peak RSS (MB) | estimate / measured |")
print("|---|---:|---:|---:|")
for sc in scenarios:
    v = subprocess.run([savp, "validate", sc], capture_output=True, text=True, env=env)
    m = re.search(r"estimated memory (\d+) MB", v.stdout)
    if not m:
        print("| %s | (invalid: %s) | | |" % (os.path.relpath(sc, root), v.stderr.strip()[:60]))
        continue
    est = int(m.group(1))
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run(["/usr/bin/time", "-f", "RSS %M", savp, "run", sc, "-o", os.path.join(out, "o"), "--quiet"],
                           capture_output=True, text=True, env=env)
    rss = int(re.findall(r"RSS (\d+)", r.stderr)[-1]) / 1000.0
    print("| %s | %d | %.0f | %.2f |" % (os.path.relpath(sc, os.path.join(root, "scenarios")), est, rss, est / rss))
