#!/usr/bin/env python3
"""Issue 10 on the real savp binary: output directories are never clobbered, --time-limit stops a
run cleanly with a partial-results marker, the memory estimate refuses absurd scenarios before
allocating, and killing a run or a sweep at any moment (SIGINT, SIGTERM, SIGKILL) leaves no file
that looks complete but is not. Issue 19: no id, path or Slurm value ever runs a command (exec), and
a killed run or sweep takes its baseline children with it, leaving no mixed result (orphans).
Usage: check_hardening.py SAVP SCENARIOS_DIR OUTDIR [part...]
       parts: outdir timelimit memory kill exec orphans"""
import json, os, random, shutil, signal, subprocess, sys, time

savp, scen, out = sys.argv[1:4]
parts = sys.argv[4:] or ["outdir", "timelimit", "memory", "kill", "exec", "orphans"]
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

salo = os.path.join(scen, "salo", "small.json")


def procs_holding(marker):
    """Pids of the processes whose command line holds `marker` (this run's unique output path)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def wait_gone(marker, seconds=2.0):
    """The processes of `marker` still there after `seconds` (children die with their parent at once)."""
    deadline = time.time() + seconds
    while True:
        left = procs_holding(marker)
        if not left or time.time() > deadline:
            return left
        time.sleep(0.05)


def wait_for(marker, seconds=120.0):
    """Waits until a process holding `marker` runs (e.g. the baseline child); True when one does."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if procs_holding(marker):
            return True
        time.sleep(0.02)
    return False


if "exec" in parts:
    quick = ["--set", "workload.heads=1", "--set", "workload.seq_len=128"]
    work = fresh("exec")
    os.makedirs(work)
    pwned = os.path.join(work, "pwned")
    # An id that a shell would run a command from; without -o it names out/<id>.
    for bad_id in ["x'$(touch${IFS}pwned)'", 'x"$(touch${IFS}pwned)"', "x;touch${IFS}pwned", "x`touch${IFS}pwned`",
                   "$(touch${IFS}pwned)"]:
        r = subprocess.run([savp, "run", salo, "--quiet", *quick, "--set", "id=" + json.dumps(bad_id)], cwd=work,
                           capture_output=True, text=True, timeout=600)
        check(r.returncode == 2 and "/id" in r.stderr and "letters, digits" in r.stderr and not os.path.exists(pwned)
              and not os.path.exists(os.path.join(work, "out")),
              "id %s refused (exit 2, /id), nothing run or written: %s" % (bad_id, r.stderr.strip()[-100:]))
    # An output path with a quote and a command substitution is a legal path: the run and its
    # baseline write there, and nothing else runs.
    d = os.path.join(work, "o'$(touch${IFS}pwned)'")
    r = subprocess.run([savp, "run", salo, "-o", d, "--quiet", *quick], cwd=work, capture_output=True, text=True,
                       timeout=600)
    st = os.path.join(d, "stats.json")
    ok = r.returncode == 0 and os.path.exists(st) and "speedup" in json.load(open(st)).get("comparison", {})
    check(ok and not os.path.exists(pwned),
          "-o with a quote and $(...) runs the scenario and its baseline there, no command (exit %d) %s"
          % (r.returncode, r.stderr.strip()[-200:]))
    # Slurm: every value copied into sweep.sbatch matches a strict pattern; checked before anything
    # is written (sbatch is kept out of PATH: the refusal must not depend on it).
    sweep = os.path.join(scen, "sweeps", "dense-small.json")
    env = dict(os.environ, PATH="/nonexistent")
    for opt, val in [("--partition", "debug\n#SBATCH --wrap=touch pwned"), ("--partition", "a b"),
                     ("--partition", "$(touch pwned)"), ("--time", "1:00:00\ntouch pwned"), ("--time", "soon"),
                     ("--mem", "4G\n"), ("--mem", "4G;touch pwned"), ("--time-limit", "5\n")]:
        sd = fresh("slurm-bad")
        r = subprocess.run([savp, "sweep", sweep, "--backend", "slurm", opt, val, "-o", sd], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
        check(r.returncode == 2 and opt in r.stderr and not os.path.exists(sd) and not os.path.exists(pwned),
              "slurm %s %r refused (exit 2, option named, nothing written): %s" % (opt, val, r.stderr.strip()[-120:]))
    for bad_dir in ["slurm bad", "slurm\nline", "slurm'q", "slurm%j"]:
        sd = os.path.join(out, bad_dir)
        shutil.rmtree(sd, ignore_errors=True)
        r = subprocess.run([savp, "sweep", sweep, "--backend", "slurm", "-o", sd], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
        check(r.returncode == 2 and "-o" in r.stderr and not os.path.exists(sd),
              "slurm output path %r refused (exit 2): %s" % (bad_dir, r.stderr.strip()[-120:]))
    sd = fresh("slurm-good")
    r = subprocess.run([savp, "sweep", sweep, "--backend", "slurm", "-o", sd, "--partition", "debug,gpu_a-1.x",
                        "--time", "1-02:30:00", "--mem", "16G", "--time-limit", "1h"], cwd=work, env=env,
                       capture_output=True, text=True, timeout=600)
    script = os.path.join(sd, "sweep.sbatch")
    lines = open(script).read().splitlines() if os.path.exists(script) else []
    check(r.returncode == 1 and "sbatch not found" in r.stderr and len(lines) == 10 and lines[0] == "#!/bin/bash"
          and all(x.startswith("#SBATCH --") for x in lines[1:-1]) and lines[-1].startswith("exec ")
          and "#SBATCH --partition=debug,gpu_a-1.x" in lines and "#SBATCH --time=1-02:30:00" in lines
          and "#SBATCH --mem=16G" in lines,
          "valid slurm values are written one #SBATCH line each (%d lines), then sbatch is missing (exit %d)"
          % (len(lines), r.returncode))

if "orphans" in parts:
    # A unique output path: every process of this test holds it in its command line.
    tag = "orphans-%d" % os.getpid()
    heavy = ["--quiet", "--set", "workload.heads=160"]  # the baseline runs for about 4 s, longer than the grace
    ref = fresh(tag + "-ref")
    r = run("run", salo, "-o", ref, *heavy, "--set", "seed=1000")
    check(r.returncode == 0, "a complete reference result (another seed)")
    rng = random.Random(19)
    sigs = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
    for i in range(9):
        sig = sigs[i % 3]
        d = fresh(tag + "-run")
        if i % 2 == 0:  # over an older complete result of another seed
            shutil.copytree(ref, d)
        p = subprocess.Popen([savp, "run", salo, "-o", d, *heavy, "--set", "seed=%d" % (i + 1)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i < 6:  # while the baseline runs
            wait_for(os.path.join(d, "baseline") + "/scenario.json")
        else:  # at a random moment
            time.sleep(rng.uniform(0.0, 3.0))
        p.send_signal(sig)
        p.wait()
        left = wait_gone(d)
        if left:  # an orphan: let it finish what it would write (then the directory check sees it)
            wait_gone(d, 120)
        what = "run killed by %s (%s)" % (signal.Signals(sig).name, "during its baseline" if i < 6 else "at random")
        check(not left, what + ": no process of the run remains %s" % left)
        st, bst = os.path.join(d, "stats.json"), os.path.join(d, "baseline", "stats.json")
        if os.path.exists(st):
            s, b = json.load(open(st)), json.load(open(bst)) if os.path.exists(bst) else None
            check(b is not None and b["scenario"]["seed"] == s["scenario"]["seed"] and "speedup" in s["comparison"],
                  what + ": stats.json stands beside its own baseline")
        else:
            check(True, what + ": no stats.json")
    # A sweep SIGKILLed while a point's baseline runs: the point dies with the sweep, its baseline
    # with the point.
    sweep_file = os.path.join(out, tag + "-sweep.json")
    with open(sweep_file, "w") as f:
        json.dump({"base": os.path.abspath(salo), "grid": {"workload.heads": [160, 161]}}, f)
    d = fresh(tag + "-sweep")
    p = subprocess.Popen([savp, "sweep", sweep_file, "-o", d, "-j", "2"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    started = wait_for(os.path.join(d, ".tmp", "p0", "baseline", "scenario.json"))
    p.send_signal(signal.SIGKILL)
    p.wait()
    left = wait_gone(d)
    check(started and not left, "sweep SIGKILLed while a point's baseline runs: no process of it remains %s" % left)
    for pid in left:  # leave no stray process behind, whatever the result
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("all checks passed")
