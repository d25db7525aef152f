#!/usr/bin/env python3
"""Issue 10 on the real savp binary: output directories are never clobbered, --time-limit stops a
run cleanly with a partial-results marker, the memory estimate refuses absurd scenarios before
allocating, and killing a run or a sweep at any moment (SIGINT, SIGTERM, SIGKILL) leaves no file
that looks complete but is not.
Usage: check_hardening.py SAVP SCENARIOS_DIR OUTDIR [part...]   parts: outdir timelimit memory kill"""
import json, os, random, shutil, signal, subprocess, sys, time

savp, scen, out = sys.argv[1:4]
parts = sys.argv[4:] or ["outdir", "timelimit", "memory", "kill"]
default = os.path.join(scen, "default.json")
os.makedirs(out, exist_ok=True)
failures = []


def run(*args, timeout=600):
    return subprocess.run([savp] + list(args), capture_output=True, text=True, timeout=timeout)


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def fresh(name):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    return d


def stats_without_run_info(path):
    s = json.load(open(path))
    s.pop("run_info", None)
    return s


if "outdir" in parts:
    d = fresh("user-dir")
    os.makedirs(d)
    open(os.path.join(d, "notes.txt"), "w").write("mine\n")
    r = run("run", default, "-o", d, "--quiet")
    check(r.returncode == 2 and "not a SAVP output" in r.stderr and "--force" in r.stderr,
          "run into a non-empty foreign directory is refused (exit 2): " + r.stderr.strip()[:120])
    check(sorted(os.listdir(d)) == ["notes.txt"], "nothing written into the refused directory")
    r = run("sweep", os.path.join(scen, "sweeps", "dense-small.json"), "-o", d)
    check(r.returncode == 2 and sorted(os.listdir(d)) == ["notes.txt"], "a sweep into it is refused too")
    r = run("run", default, "-o", d, "--quiet", "--force")
    check(r.returncode == 0 and open(os.path.join(d, "notes.txt")).read() == "mine\n"
          and os.path.exists(os.path.join(d, "stats.json")), "--force writes beside the user's file, keeps it")
    r = run("run", default, "-o", d, "--quiet")
    check(r.returncode == 0, "a previous SAVP output is rewritten without --force")
    f = fresh("a-file")
    open(f, "w").write("x")
    r = run("run", default, "-o", f, "--quiet")
    check(r.returncode == 2 and open(f).read() == "x", "-o naming a file is refused, the file kept")

if "timelimit" in parts:
    long_args = ["--set", "workload.heads=400"]
    d = fresh("time-limit")
    r = run("run", default, "-o", d, "--quiet", "--time-limit", "0.5", *long_args)
    names = sorted(os.listdir(d)) if os.path.isdir(d) else []
    check(r.returncode == 1 and "time limit" in r.stderr, "--time-limit stops the run with exit 1")
    check("stats.partial.json" in names and "stats.json" not in names and "summary.csv" not in names,
          "a stopped run writes stats.partial.json and no stats.json / summary.csv: %s" % names)
    if "stats.partial.json" in names:
        p = json.load(open(os.path.join(d, "stats.partial.json")))
        check(p["partial"]["reason"] == "time_limit" and 0 < p["partial"]["jobs_finished"] < 400
              and p["totals"]["jobs"] == p["partial"]["jobs_finished"],
              "the partial result covers the jobs finished so far (%s of 400)" % p["partial"].get("jobs_finished"))
    # A complete previous result in the same directory stops looking complete.
    a, b = fresh("limit-none"), fresh("limit-generous")
    ra = run("run", default, "-o", a, "--quiet")
    rb = run("run", default, "-o", b, "--quiet", "--time-limit", "1h")
    check(ra.returncode == 0 and rb.returncode == 0 and
          stats_without_run_info(os.path.join(a, "stats.json")) == stats_without_run_info(os.path.join(b, "stats.json")),
          "a run under a generous --time-limit (sliced kernel) gives identical stats")
    r = run("run", default, "-o", a, "--quiet", "--time-limit", "0.3", *long_args)
    check(r.returncode == 1 and not os.path.exists(os.path.join(a, "stats.json")),
          "a stopped rerun removes the old stats.json it would contradict")
    for bad in ["abc", "-5", "0", "10x"]:
        r = run("run", default, "-o", fresh("bad-limit"), "--time-limit", bad)
        check(r.returncode == 2 and "--time-limit" in r.stderr and not os.path.exists(os.path.join(out, "bad-limit")),
              "--time-limit %s refused (exit 2)" % bad)

if "memory" in parts:
    cases = [("seq_len 1e9", default, ["--set", "workload.seq_len=1000000000"]),
             ("1e6 heads above --max-memory 4G", default, ["--set", "workload.heads=1000000", "--max-memory", "4G"]),
             ("GEMM 1e7 x 1e7", os.path.join(scen, "dense", "gemm.json"),
              ["--set", "workload.M=10000000", "--set", "workload.N=10000000", "--set", "workload.K=10000000"]),
             ("SpAtten 1e6 heads", os.path.join(scen, "spatten", "small.json"), ["--set", "workload.heads=1000000"])]
    for what, sc, extra in cases:
        d = fresh("mem")
        t0 = time.time()
        r = run("run", sc, "-o", d, *extra, timeout=120)
        check(r.returncode == 2 and "estimated" in r.stderr and "--max-memory" in r.stderr and not os.path.exists(d),
              "%s refused before allocating (exit 2 in %.2f s): %s" % (what, time.time() - t0, r.stderr.strip()[:100]))
    for bad in ["lots", "-1G", "0", "5Q"]:
        r = run("run", default, "-o", fresh("mem"), "--max-memory", bad)
        check(r.returncode == 2 and "--max-memory" in r.stderr, "--max-memory %s refused (exit 2)" % bad)
    r = run("run", default, "-o", fresh("mem"), "--quiet", "--max-memory", "1G")
    check(r.returncode == 0, "the default scenario runs under --max-memory 1G")

if "kill" in parts:
    rng = random.Random(7)
    ref = fresh("kill-ref")
    args = [default, "--quiet", "--set", "workload.heads=12"]
    run("run", args[0], "-o", ref, *args[1:])
    want = stats_without_run_info(os.path.join(ref, "stats.json"))
    sigs = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
    for i in range(12):
        sig = sigs[i % 3]
        d = fresh("kill-run")
        if i % 2:  # half of the time over a previous complete result
            shutil.copytree(ref, d)
        p = subprocess.Popen([savp, "run", args[0], "-o", d] + args[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 1.5))
        p.send_signal(sig)
        p.wait()
        st = os.path.join(d, "stats.json")
        ok = not os.path.exists(st) or stats_without_run_info(st) == want
        check(ok, "run killed by %s: stats.json absent or complete and correct" % signal.Signals(sig).name)
    sweep = os.path.join(scen, "sweeps", "dense-small.json")
    for sig in sigs:
        d = fresh("kill-sweep")
        p = subprocess.Popen([savp, "sweep", sweep, "-o", d, "-j", "2"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))
        p.send_signal(sig)
        p.wait()
        time.sleep(0.5)  # points die with their sweep (parent-death signal)
        bad = []
        pts = os.path.join(d, "points")
        for x in (os.listdir(pts) if os.path.isdir(pts) else []):
            if x.startswith("."):
                continue  # temporary names: visibly not complete
            try:
                pj = json.load(open(os.path.join(pts, x, "point.json")))
                if pj["exit_code"] == 0:
                    json.load(open(os.path.join(pts, x, "stats.json")))["totals"]
            except Exception as e:  # noqa: BLE001
                bad.append("%s: %s" % (x, e))
        for f in ("results.jsonl",):
            fp = os.path.join(d, f)
            if os.path.exists(fp):
                for line in open(fp):
                    try:
                        json.loads(line)
                    except Exception as e:  # noqa: BLE001
                        bad.append("%s: %s" % (f, e))
        orphans = subprocess.run(["pgrep", "-f", "-a", d], capture_output=True, text=True).stdout.strip()
        check(not bad and not orphans, "sweep killed by %s: every visible point and results file complete, no "
              "orphaned points %s %s" % (signal.Signals(sig).name, bad, orphans))

if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("all checks passed")
