#!/usr/bin/python3
"""Fits the synthetic generator's locality parameters to the attention statistics of real data.

  scripts/fit_real_like.py [--savp BUILD/bin/savp] [--scenario scenarios/dense/use-lite.json]

Computes the target with `savp data-stats` on the scenario's .npy data (the use-lite encoder by
default: entropy, mass within +-4 tokens, top-8 and top-1 mass, means over every head and query),
then searches a grid of synthetic parameters (locality, locality_span, sinks, sink_strength,
temperature) on the same shape and seed, and refines the best point coordinate by coordinate. The
distance is the sum of squared differences of the four means, entropy divided by ln(seq_len) so
each term lies in [0, 1]. Prints the best parameters and their statistics beside the target; the
`real-like` preset (models/common/workload_spec.cpp) holds its result. Runs savp with an argv list,
never through a shell."""
import argparse, itertools, json, math, os, subprocess, sys

KEYS = ("entropy_nats", "local_mass", "top8_mass", "top1_mass")


def stats(savp, scenario, data):
    argv = [savp, "data-stats", scenario, "--json", "--set", "workload.data=" + json.dumps(data)]
    if data.get("source") == "synthetic":
        argv += ["--set", "workload.seq_len=128"]
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("fit_real_like: savp data-stats failed: " + r.stderr.strip())
    return json.loads(r.stdout)


def distance(a, b, ln_l):
    return sum(((a[k] - b[k]) / (ln_l if k == "entropy_nats" else 1.0)) ** 2 for k in KEYS)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--savp", default=os.path.join(here, "..", "build", "bin", "savp"))
    ap.add_argument("--scenario", default=os.path.join(here, "..", "scenarios", "dense", "use-lite.json"))
    args = ap.parse_args()
    scenario = json.load(open(args.scenario))
    target_all = stats(args.savp, args.scenario, scenario["workload"]["data"])
    target, ln_l = target_all["all"], math.log(target_all["seq_len"])
    grid = {
        "locality": [0.5, 0.7, 0.85, 0.95, 1.0],
        "locality_span": [1, 2, 4, 8],
        "sinks": [0, 1, 2],
        "sink_strength": [0.0, 1.0, 2.0],
        "temperature": [0.4, 0.6, 0.8, 1.0],
    }
    best, best_d, best_s = None, float("inf"), None
    for values in itertools.product(*grid.values()):
        p = dict(zip(grid.keys(), values))
        if p["sinks"] == 0 and p["sink_strength"] != grid["sink_strength"][0]:
            continue  # the strength of no sink changes nothing
        s = stats(args.savp, args.scenario, dict(source="synthetic", **p))["all"]
        d = distance(s, target, ln_l)
        if d < best_d:
            best, best_d, best_s = p, d, s
    # Refine the continuous parameters one at a time around the grid's best.
    for _ in range(2):
        for key, step in (("temperature", 0.05), ("locality", 0.025), ("sink_strength", 0.25)):
            for delta in (-2 * step, -step, step, 2 * step):
                p = dict(best)
                p[key] = round(p[key] + delta, 4)
                if p[key] <= 0 or (key == "locality" and p[key] > 1):
                    continue
                s = stats(args.savp, args.scenario, dict(source="synthetic", **p))["all"]
                d = distance(s, target, ln_l)
                if d < best_d:
                    best, best_d, best_s = p, d, s
    print("target (%s, %d queries):" % (target_all["scenario"], target["queries"]))
    print("  " + "  ".join("%s %.3f" % (k, target[k]) for k in KEYS))
    print("best synthetic parameters: " + json.dumps(best))
    print("  " + "  ".join("%s %.3f" % (k, best_s[k]) for k in KEYS))
    print("distance %.5f" % best_d)


if __name__ == "__main__":
    main()
