#!/usr/bin/env python3
"""Timing-only runs (workload numerics "off") must cost exactly what runs with numerics cost.

usage: check_numerics_off.py SAVP SCENARIOS_DIR OUTDIR [NAME... | --engine TYPE] [--set PATH=VALUE]...

Runs each scenario (NAME relative to SCENARIOS_DIR, e.g. dense/gemm.json; none: every shipped
scenario of SCENARIOS_DIR/*.json and SCENARIOS_DIR/*/*.json whose workload accelerator is a dense,
SALO, CHELA or traffic engine (--engine: of that type only), sweeps, model workloads and scenarios with tasks left
out) with numerics on and off,
and compares the whole stats.json of both, run_info aside; --set overrides apply to both runs. Allowed to differ, and nothing else:
  - what only data gives: the accuracy fields (max_abs_err, rel_l2_err, cosine), a traffic job's
    data_ok and read checksum, SALO's exp_saturated (a range event of the data);
  - the data footprint: the host's backdoor loads (dmi_grants) and the pages a backing store
    touched (pages_touched), which must not grow with numerics off (at most 4: descriptor,
    global-token list, job block);
  - the scenario echo's workload.numerics.
Exit 0 when every scenario agrees, 1 with the differences otherwise.
"""
import json
import os
import subprocess
import sys

# Every run in the test suite has the TLM base-protocol checker on every socket.
os.environ["SAVP_PROTOCOL_CHECK"] = "1"

ENGINES = {"dense", "salo", "chela", "traffic"}
DATA_ONLY = {"max_abs_err", "rel_l2_err", "cosine", "data_ok", "read_checksum_hi", "read_checksum_lo",
             "exp_saturated"}
FOOTPRINT = {"dmi_grants", "pages_touched"}
MAX_PAGES_OFF = 4


def load(base, value):
    """An object, or the JSON file a relative path names (resolved against base's directory)."""
    if isinstance(value, str):
        path = os.path.join(os.path.dirname(base), value)
        return path, json.load(open(path))
    return base, value


def engine_of(path):
    """The workload accelerator's type of a single-workload scenario, else None."""
    try:
        s = json.load(open(path))
    except (OSError, ValueError):
        return None
    if not isinstance(s, dict) or "platform" not in s or "workload" not in s or "tasks" in s:
        return None
    pbase, platform = load(path, s["platform"])
    _, workload = load(path, s["workload"])
    if isinstance(workload, dict) and workload.get("kind") == "model":
        return None  # whole models: check_models.py compares numerics on and off on its own model
    index = workload.get("accelerator", 0) if isinstance(workload, dict) else 0
    accs = platform.get("accelerators", []) if isinstance(platform, dict) else []
    if index >= len(accs):
        return None
    _, acc = load(pbase, accs[index])
    return acc.get("type") if isinstance(acc, dict) else None


def shipped(root, engines):
    names = []
    for d in [""] + sorted(os.listdir(root)):
        folder = os.path.join(root, d)
        if not os.path.isdir(folder):
            continue
        for f in sorted(os.listdir(folder)):
            if f.endswith(".json") and engine_of(os.path.join(folder, f)) in engines:
                names.append(os.path.join(d, f) if d else f)
    return names


def run(savp, scenario, outdir, numerics, sets):
    cmd = [savp, "run", scenario, "-o", outdir, "--quiet"] + [a for s in sets for a in ("--set", s)]
    if numerics == "off":
        cmd += ["--set", "workload.numerics=off"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
    stats = json.load(open(os.path.join(outdir, "stats.json")))
    stats.pop("run_info")
    return stats


def compare(on, off, path, problems):
    key = path.rsplit(".", 1)[-1]
    if isinstance(on, dict) and isinstance(off, dict):
        if key in FOOTPRINT and "value" in on:  # a statistic of the data footprint
            if not off["value"] <= min(on["value"], MAX_PAGES_OFF if key == "pages_touched" else on["value"]):
                problems.append(f"{path}: {on['value']} with numerics, {off['value']} without")
            return
        for k in sorted(set(on) | set(off)):
            if k in DATA_ONLY:
                continue
            if k not in on or k not in off:
                problems.append(f"{path}.{k}: only with numerics {'on' if k in on else 'off'}")
                continue
            compare(on[k], off[k], f"{path}.{k}", problems)
    elif isinstance(on, list) and isinstance(off, list) and len(on) == len(off):
        for i, (a, b) in enumerate(zip(on, off)):
            compare(a, b, f"{path}[{i}]", problems)
    elif on != off or type(on) is not type(off):
        problems.append(f"{path}: {on} with numerics, {off} without")


def main():
    savp, root, outdir = sys.argv[1:4]
    args, names, sets, engines = sys.argv[4:], [], [], ENGINES
    while args:
        if args[0] in ("--set", "--engine"):
            if args[0] == "--set":
                sets.append(args[1])
            else:
                engines = {args[1]}
            args = args[2:]
        else:
            names.append(args.pop(0))
    names = names or shipped(root, engines)
    if not names:
        sys.exit(f"no dense, SALO, CHELA or traffic scenario in {root}")
    failed = False
    for name in names:
        scenario = os.path.join(root, name)
        slug = name.replace("/", "-").removesuffix(".json")
        on = run(savp, scenario, os.path.join(outdir, slug + "-on"), "on", sets)
        off = run(savp, scenario, os.path.join(outdir, slug + "-off"), "off", sets)
        if off["scenario"]["workload"].pop("numerics", None) != "off":
            sys.exit(f"{name}: the timing-only run's stats.json does not echo workload.numerics \"off\"")
        problems = []
        compare(on, off, "stats", problems)
        # The accuracy is gone, not faked: no job and no total says how close an output came.
        for where in [off["totals"]] + off["jobs"]:
            for k in ("max_abs_err", "rel_l2_err", "cosine"):
                if where.get(k) is not None:
                    problems.append(f"{name}: numerics off still reports {k} = {where[k]}")
        if problems:
            failed = True
            print(f"{name}: numerics on and off differ:\n  " + "\n  ".join(problems[:40]))
        else:
            print(f"{name}: identical with numerics on and off ({on['totals']['cycles']} cycles, "
                  f"{on['totals']['dram_bytes_read'] + on['totals']['dram_bytes_written']} DRAM bytes)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
