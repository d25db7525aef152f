#!/usr/bin/env python3
"""Scenario regression: runs savp on a scenario and compares stats.json with a reviewed golden.

usage: compare_stats.py SAVP GOLDEN.json OUTDIR [--update]

The golden names the scenario (relative to the golden file), the --set overrides, the tolerances,
and the expected values of the compared fields. Integers (cycles, bytes, job counts) must match
exactly; floats within the stated relative tolerance. --update rewrites the expected values from a
fresh run (review the diff before committing).
"""
import json
import os
import subprocess
import sys

# Every run in the test suite has the TLM base-protocol checker on every socket.
os.environ["SAVP_PROTOCOL_CHECK"] = "1"

TOTALS = ["jobs", "jobs_failed", "cycles", "latency_ns", "energy_pj", "dram_bytes_read",
          "dram_bytes_written", "max_abs_err", "rel_l2_err", "cosine",
          # pruning engines (present only there)
          "keys_fetched_fraction", "values_fetched_fraction", "requant_fraction", "throughput_gops",
          "kv_dram_reduction", "probability_mass_kept", "top1_key_kept"]
JOB = ["cycles", "stall_cycles", "phase_cycles", "latency_ns", "energy_pj", "dram_bytes_read",
       "dram_bytes_written", "rel_l2_err", "passed"]
ACCURACY = {"max_abs_err", "rel_l2_err", "cosine", "probability_mass_kept", "top1_key_kept"}


def pick(stats):
    return {"totals": {k: stats["totals"][k] for k in TOTALS if k in stats["totals"]},
            "jobs": [{k: j[k] for k in JOB if k in j} for j in stats["jobs"]]}


def close(path, want, got, tol, problems):
    if isinstance(want, dict):
        if not isinstance(got, dict) or set(want) != set(got):
            problems.append(f"{path}: keys {sorted(want)} != {sorted(got) if isinstance(got, dict) else got}")
            return
        for k in want:
            close(f"{path}.{k}", want[k], got[k], tol, problems)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(want) != len(got):
            problems.append(f"{path}: {len(want)} entries expected, found {len(got) if isinstance(got, list) else got}")
            return
        for i, (w, g) in enumerate(zip(want, got)):
            close(f"{path}[{i}]", w, g, tol, problems)
    elif isinstance(want, bool) or isinstance(want, int) or want is None:
        if want != got:
            problems.append(f"{path}: expected {want}, found {got}")
    else:
        key = path.rsplit(".", 1)[-1]
        rel = tol["accuracy_rel"] if key in ACCURACY else tol["float_rel"]
        if got is None or abs(got - want) > rel * max(abs(want), 1e-12):
            problems.append(f"{path}: expected {want} (rel tol {rel}), found {got}")


def main():
    savp, golden_path, outdir = sys.argv[1:4]
    update = "--update" in sys.argv[4:]
    golden = json.load(open(golden_path))
    scenario = os.path.join(os.path.dirname(golden_path), golden["scenario"])
    cmd = [savp, "run", scenario, "-o", outdir, "--quiet"]
    for s in golden.get("set", []):
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != golden.get("exit", 0):
        sys.exit(f"savp exited {r.returncode} (expected {golden.get('exit', 0)}):\n{r.stdout}{r.stderr}")
    stats = json.load(open(os.path.join(outdir, "stats.json")))
    got = pick(stats)
    if update:
        golden["expected"] = got
        with open(golden_path, "w") as f:
            json.dump(golden, f, indent=2)
            f.write("\n")
        print(f"updated {golden_path}")
        return
    problems = []
    close("", golden["expected"], got, golden["tolerances"], problems)
    if problems:
        print("\n".join(problems))
        sys.exit(f"{len(problems)} difference(s) from {golden_path}")
    print(f"matches {golden_path}")


if __name__ == "__main__":
    main()
