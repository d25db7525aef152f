#!/usr/bin/env python3
"""SPRINT's empty-pruning-vector fallback: with a fixed threshold no in-memory score reaches, every
query's pruning vector comes back empty and the controller keeps the query's own key, so every query
keeps exactly one key, every query is counted in queries_own_key_fallback and no job fails for a
query without keys (on the old engine every query kept nothing and every job failed).
Usage: check_sprint_fallback.py SAVP SCENARIO OUTDIR [--set PATH=VALUE]..."""
import json, os, shutil, subprocess, sys

savp, scenario, out = sys.argv[1:4]
shutil.rmtree(out, ignore_errors=True)
p = subprocess.run([savp, "run", scenario, "-o", out, "--quiet"] + sys.argv[4:], capture_output=True, text=True)
if p.returncode not in (0, 1):  # 1: the output error of one key per query may exceed the bound
    sys.exit("savp exit %d: %s" % (p.returncode, p.stderr))
problems = []
for j in json.load(open(os.path.join(out, "stats.json")))["jobs"]:
    e = j["engine_stats"]
    q = e["queries"]
    if not (q > 0 and e["keys_kept"] == q and e.get("queries_own_key_fallback") == q):
        problems.append("job %d: %s queries, %s keys kept, %s fallbacks"
                        % (j["index"], q, e["keys_kept"], e.get("queries_own_key_fallback")))
    if "kept no key" in j.get("failure", ""):
        problems.append("job %d: %s" % (j["index"], j["failure"]))
if problems:
    sys.exit("; ".join(problems))
print("every query kept its own key")
