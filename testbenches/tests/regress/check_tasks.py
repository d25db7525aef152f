#!/usr/bin/env python3
"""Issue 20 (the SoC): scenarios with `tasks` run several engines at once on one platform.
Parts (each a test):
  contention  two sequential-read traffic tasks on one DDR4 channel (AT) each get close to half of
              what they get alone (outputs.alone), and the two together stay below the channel's peak
  split       a SALO layer's heads spread over 1 and 2 instances: both instances run jobs, every
              job checks, the outputs equal the one-instance run's job by job, and 2 are faster
  order       tasks on one accelerator queue in list order; `after`, start_ns and repeat hold; the
              makespan is first start to last end; LT and AT both run and repeat exactly
  bad         bad task input is refused with exit 2, the file and the JSON path, nothing written
  sram        K and V placed in the shared SRAM: the DRAM reads of K and V are gone (read from the
              SRAM instead), the outputs still check, and an SRAM too small is refused
  sweep       a sweep over task paths (tasks.0.workload.seq_len, tasks.0.accelerator) runs, with the
              tasks' results as columns
Usage: check_tasks.py SAVP SCENARIOS OUTDIR PART"""
import csv, json, os, shutil, subprocess, sys

savp, scenarios, out, part = sys.argv[1:5]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
env = dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE")
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        failures.append(what)


def write_json(name, obj):
    p = os.path.join(out, name)
    with open(p, "w") as f:
        json.dump(obj, f, indent=1)
    return p


def run(args, expect=0):
    r = subprocess.run([savp] + args, env=env, capture_output=True, text=True, timeout=900)
    if r.returncode != expect:
        print(r.stdout[-3000:], r.stderr[-3000:])
    return r


def stats(d):
    with open(os.path.join(d, "stats.json")) as f:
        return json.load(f)


def salo(name):
    with open(os.path.join(scenarios, "hardware", "salo-32x32.json")) as f:
        acc = json.load(f)
    acc["name"] = name
    return acc


SMALL = {"kind": "attention", "heads": 4, "seq_len": 256, "head_dim": 64, "pattern": {"window": 32, "global_tokens": [0]}}


def scenario(tasks, accs, mode="AT", memory="hbm2", **extra):
    s = {"id": "t", "seed": 3, "timing_mode": mode, "platform": {"accelerators": accs, "memory": {"preset": memory}},
         "tasks": tasks}
    s.update(extra)
    return s


if part == "contention":
    f = os.path.join(scenarios, "soc", "traffic-pair-ddr4.json")
    r = run(["run", f, "-o", os.path.join(out, "pair"), "-q"])
    check(r.returncode == 0, "the traffic pair runs (exit 0)")
    s = stats(os.path.join(out, "pair"))
    t = s["tasks"]
    peak = s["totals"]["dram_peak_gbps"]
    for k in ("high", "low"):
        alone_bw = t[k]["dram_bytes_read"] / t[k]["alone_latency_ns"]
        share = t[k]["bandwidth_gbps"] / alone_bw
        check(0.4 <= share <= 0.6, f"{k} gets close to half its alone bandwidth beside the other ({share:.3f})")
        check(1.6 <= t[k]["slowdown_vs_alone"] <= 2.5, f"{k} is slowed about 2x ({t[k]['slowdown_vs_alone']:.2f})")
    both = (t["high"]["dram_bytes_read"] + t["low"]["dram_bytes_read"]) / s["totals"]["makespan_ns"]
    check(both <= peak, f"together {both:.2f} GB/s, within the {peak:.2f} GB/s peak")
    check(s["totals"]["makespan_ns"] == max(x["end_ns"] for x in t.values()) - min(x["start_ns"] for x in t.values()),
          "makespan_ns is first start to last end")
    for key in ("accelerators", "start_ns", "end_ns", "latency_ns", "energy_pj", "dram_bytes_read", "dram_bytes_written",
                "sram_bytes_read", "sram_bytes_written", "bandwidth_gbps", "alone_latency_ns", "slowdown_vs_alone"):
        check(all(key in x for x in t.values()), f"every task reports {key}")
    check(os.path.isfile(os.path.join(out, "pair", "alone", "low", "stats.json")), "the alone runs are in alone/<task>")
    # Fixed priority at the router: the high one streams almost as alone while the low one waits.
    r = run(["run", f, "-o", os.path.join(out, "priority"), "-q", "--set", "platform.interconnect.arbitration=fixed_priority",
             "--set", 'platform.interconnect.priority={"tg0": 1}'])
    check(r.returncode == 0, "the traffic pair under fixed_priority runs (exit 0)")
    p = stats(os.path.join(out, "priority"))["tasks"]
    hi, lo = p["high"], p["low"]
    check(hi["slowdown_vs_alone"] < 1.35, f"fixed_priority: the high one is slowed little ({hi['slowdown_vs_alone']:.2f}x)")
    check(hi["latency_ns"] < 0.7 * t["high"]["latency_ns"],
          f"fixed_priority: the high one finishes well before it does under round_robin ({hi['latency_ns'] / t['high']['latency_ns']:.2f})")
    check(lo["slowdown_vs_alone"] > 1.8, f"fixed_priority: the low one waits ({lo['slowdown_vs_alone']:.2f}x)")
    check(lo["end_ns"] > hi["end_ns"], "fixed_priority: the low one finishes last")
    bus = stats(os.path.join(out, "priority"))["components"]["top.bus"]["by_initiator"]
    check(bus["tg0"]["queueing_delay_avg_ns"]["value"] < bus["tg1"]["queueing_delay_avg_ns"]["value"],
          "fixed_priority: the low one waits longer in the bus's queue (by_initiator)")

elif part == "split":
    accs = [salo("salo0"), salo("salo1")]
    one = write_json("one.json", scenario([{"id": "layer", "accelerator": [0], "workload": SMALL}], accs))
    two = write_json("two.json", scenario([{"id": "layer", "accelerator": [0, 1], "workload": SMALL}], accs))
    r1 = run(["run", one, "-o", os.path.join(out, "one"), "-q"])
    r2 = run(["run", two, "-o", os.path.join(out, "two"), "-q"])
    check(r1.returncode == 0 and r2.returncode == 0, "one and two instances run and check (exit 0)")
    s1, s2 = stats(os.path.join(out, "one")), stats(os.path.join(out, "two"))
    check(len(s2["jobs"]) == 4 and all(j["passed"] for j in s2["jobs"]), "all four heads ran and passed on two instances")
    check({j["accelerator"] for j in s2["jobs"]} == {"top.salo0", "top.salo1"}, "both instances ran jobs")
    check(s2["tasks"]["layer"]["accelerators"] == ["salo0", "salo1"], "the task names its accelerators")
    e1 = {j["head"]: j["rel_l2_err"] for j in s1["jobs"]}
    e2 = {j["head"]: j["rel_l2_err"] for j in s2["jobs"]}
    check(e1 == e2, "each head's output error is the same on one and on two instances")
    m1, m2 = s1["totals"]["makespan_ns"], s2["totals"]["makespan_ns"]
    check(m2 < 0.6 * m1, f"two instances finish the layer in {m2 / m1:.2f} of one's time")

elif part == "order":
    accs = [salo("salo0"), salo("salo1")]
    w1 = dict(SMALL, heads=1)
    tasks = [{"id": "x", "accelerator": 0, "workload": w1},
             {"id": "y", "accelerator": 0, "workload": w1},
             {"id": "z", "accelerator": 1, "workload": w1, "after": ["x"], "repeat": 3},
             {"id": "w", "accelerator": 1, "workload": w1, "start_ns": 500000}]
    for mode in ("AT", "LT"):
        f = write_json(f"order-{mode}.json", scenario(tasks, accs, mode=mode))
        d = os.path.join(out, f"order-{mode}")
        r = run(["run", f, "-o", d, "-q"])
        check(r.returncode == 0, f"{mode}: runs (exit 0)")
        s = stats(d)
        t = s["tasks"]
        check(t["y"]["start_ns"] >= t["x"]["end_ns"], f"{mode}: y waits for x on the same accelerator")
        check(t["z"]["start_ns"] >= t["x"]["end_ns"], f"{mode}: z starts after x (after)")
        check(t["w"]["start_ns"] >= max(500000, t["z"]["end_ns"]), f"{mode}: w waits for start_ns and for z before it")
        check(t["z"]["jobs"] == 3 and len([j for j in s["jobs"] if j["task"] == "z"]) == 3, f"{mode}: z repeats 3 times")
        check(s["totals"]["makespan_ns"] == t["w"]["end_ns"] - t["x"]["start_ns"], f"{mode}: makespan")
        r2 = run(["run", f, "-o", d + "-again", "-q"])
        a, b = stats(d), stats(d + "-again")
        a.pop("run_info"), b.pop("run_info")
        check(a == b, f"{mode}: the same scenario gives the same stats.json twice")

elif part == "bad":
    accs = [salo("salo0"), salo("salo1"), {"type": "traffic", "name": "tg0"},
            {"type": "dense", "name": "dense0", "array": {"rows": 32, "cols": 32}}]
    good = [{"id": "a", "accelerator": 0, "workload": SMALL}, {"id": "b", "accelerator": 1, "workload": SMALL}]
    cases = {
        "after-unknown": ([dict(good[0], after=["nope"]), good[1]], {}, "/tasks/0/after/0"),
        "after-cycle": ([dict(good[0], after=["b"]), dict(good[1], after=["a"])], {}, "/tasks/"),
        "after-self": ([dict(good[0], after=["a"]), good[1]], {}, "/tasks/0/after/0"),
        "queue-cycle": ([dict(good[0], after=["b"]), dict(good[1], accelerator=0)], {}, "/tasks/"),
        "index-range": ([dict(good[0], accelerator=7), good[1]], {}, "/tasks/0/accelerator"),
        "index-repeat": ([dict(good[0], accelerator=[0, 1, 0]), good[1]], {}, "/tasks/0/accelerator/2"),
        "duplicate-id": ([good[0], dict(good[1], id="a")], {}, "/tasks/1/id"),
        "bad-id": ([dict(good[0], id="../x"), good[1]], {}, "/tasks/0/id"),
        "with-workload": (good, {"workload": SMALL}, "/tasks"),
        "no-sram": ([dict(good[0], placement={"k": "sram"}), good[1]], {}, "/tasks/0/placement"),
        "placement-key": ([dict(good[0], placement={"kv": "sram"}), good[1]], {}, "/tasks/0/placement/kv"),
        "traffic-on-engine": ([dict(good[0], workload={"kind": "traffic"}), good[1]], {}, "/tasks/0/accelerator"),
        "engine-on-traffic": ([dict(good[0], accelerator=2), good[1]], {}, "/tasks/0/accelerator"),
        "engine-on-traffic-lane": ([dict(good[0], accelerator=[0, 2]), good[1]], {}, "/tasks/0/accelerator/1"),
        "mixed-types": ([dict(good[0], accelerator=[0, 3]), good[1]], {}, "/tasks/0/accelerator"),
        "workload-accelerator": ([dict(good[0], workload=dict(SMALL, accelerator=1)), good[1]], {}, "/tasks/0/workload/accelerator"),
        "unknown-key": ([dict(good[0], priority=3), good[1]], {}, "/tasks/0/priority"),
        "empty": ([], {}, "/tasks"),
        "baseline": (good, {"outputs": {"baseline": "../x.json"}}, "/outputs/baseline"),
        "too-big": ([dict(good[0], workload=dict(SMALL, seq_len=65536, heads=1)), good[1]],
                    {"platform": {"accelerators": accs, "memory": {"preset": "hbm2", "size_mib": 16}}}, "/platform/memory"),
        "too-big-later": ([good[0], dict(good[1], workload=dict(SMALL, seq_len=32768, heads=1))],
                          {"platform": {"accelerators": accs, "memory": {"preset": "hbm2", "size_mib": 16}}}, "task \"b\""),
    }
    for name, (tasks, extra, where) in cases.items():
        s = scenario(tasks, accs)
        s.update(extra)
        f = write_json(f"bad-{name}.json", s)
        d = os.path.join(out, f"bad-{name}")
        r = run(["run", f, "-o", d], expect=2)
        msg = r.stderr.strip()
        check(r.returncode == 2, f"{name}: exit 2 ({msg[:200]})")
        check(f in msg and where in msg, f"{name}: the message names the file and {where}")
        check(not os.path.exists(d), f"{name}: nothing written")
    # alone needs tasks
    s = {"id": "w", "platform": {"accelerators": accs[:1], "memory": {"preset": "hbm2"}}, "workload": SMALL,
         "outputs": {"alone": True}}
    r = run(["run", write_json("bad-alone.json", s), "-o", os.path.join(out, "bad-alone")], expect=2)
    check(r.returncode == 2 and "/outputs/alone" in r.stderr, "outputs.alone without tasks: exit 2 at /outputs/alone")

elif part == "sram":
    accs = [salo("salo0")]
    sram = {"size_kib": 256, "banks": 8, "ports": 1, "word_bytes": 64, "latency_cycles": 2, "clock_mhz": 1000}
    res = {}
    for where in ("dram", "sram"):
        s = scenario([{"id": "layer", "accelerator": 0, "workload": SMALL, "placement": {"k": where, "v": where}}],
                     accs, memory="ddr4")
        s["platform"]["sram"] = sram
        d = os.path.join(out, where)
        r = run(["run", write_json(f"{where}.json", s), "-o", d, "-q"])
        check(r.returncode == 0, f"K and V in {where}: runs and checks (exit 0)")
        res[where] = stats(d)
    a, b = res["dram"]["tasks"]["layer"], res["sram"]["tasks"]["layer"]
    # SALO's fixed datapath: 16-bit operands; K and V of 4 heads of 256 x 64.
    kv = 4 * 2 * 256 * 64 * 2
    check(a["sram_bytes_read"] == 0, "with K and V in DRAM nothing is read from the SRAM")
    check(b["sram_bytes_read"] == a["dram_bytes_read"] - b["dram_bytes_read"],
          f"the DRAM reads removed ({a['dram_bytes_read'] - b['dram_bytes_read']}) are read from the SRAM")
    check(b["sram_bytes_read"] >= kv, f"the SRAM serves at least K and V once ({b['sram_bytes_read']} >= {kv})")
    check(a["dram_bytes_written"] == b["dram_bytes_written"], "the output still goes to DRAM")
    check([j["rel_l2_err"] for j in res["dram"]["jobs"]] == [j["rel_l2_err"] for j in res["sram"]["jobs"]],
          "the outputs are the same wherever K and V live")
    comp = res["sram"]["totals"]["energy_by_component_pj"]
    check(comp.get("top.sram", 0) > 0, "the SRAM's accesses are priced")
    s = scenario([{"id": "layer", "accelerator": 0, "workload": dict(SMALL, seq_len=4096), "placement": {"k": "sram", "v": "sram"}}],
                 accs, memory="ddr4")
    s["platform"]["sram"] = sram
    f = write_json("small-sram.json", s)
    r = run(["run", f, "-o", os.path.join(out, "small-sram")], expect=2)
    check(r.returncode == 2 and "/tasks/0/placement/" in r.stderr and "too small" in r.stderr,
          "an SRAM too small for the placed regions: exit 2 at the placement (" + r.stderr.strip()[:200] + ")")
    check(not os.path.exists(os.path.join(out, "small-sram")), "nothing written")

elif part == "sweep":
    accs = [salo("salo0"), salo("salo1")]
    base = write_json("base.json", scenario([{"id": "layer", "accelerator": [0], "workload": dict(SMALL, heads=2)}], accs))
    sw = write_json("sweep.json", {"base": "base.json",
                                   "grid": {"tasks.0.workload.seq_len": [256, 512], "tasks.0.accelerator": [[0], [0, 1]]},
                                   "id": "L{tasks.0.workload.seq_len}-{index}"})
    r = run(["sweep", sw, "-o", os.path.join(out, "sweep"), "-j", "2"])
    check(r.returncode == 0, "a sweep over task paths runs (exit 0)")
    with open(os.path.join(out, "sweep", "results.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 4 and all(r["status"] == "done" for r in rows), "all four points are done")
    check(all(r.get("tasks.layer.latency_ns") for r in rows), "the task's latency is a results column")
    lat = {(r["tasks.0.workload.seq_len"], r["tasks.0.accelerator"]): float(r["makespan_ns"]) for r in rows}
    check(lat[("512", "[0,1]")] < lat[("512", "[0]")], "two instances are faster at L = 512")
    check(lat[("256", "[0]")] < lat[("512", "[0]")], "a shorter sequence is faster")

else:
    sys.exit("unknown part " + part)

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
