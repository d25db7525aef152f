#!/usr/bin/env python3
"""Issue 19 on real sweeps (small dense scenarios written by the test): a sweep deletes nothing it did
not write (--force included) and refuses, before writing anything, to replace a directory that
holds a user's file; point ids cannot collide with savp's temporaries; --resume reruns the points
whose scenario changed (grid values or base), and a resumed sweep with a failed point exits 1 like
the first run; the Slurm backend resumes by the same rule as the local one; one writer at a time per
output directory (a second sweep or run is refused with the holder's pid); results.csv is RFC 4180.
Also: files a scenario names (memory preset, .npy) are in the fingerprint; savp never writes through a
symlink planted where it writes and refuses a baseline/ that is not its own; cluster tasks share the
directory among themselves only.
Usage: check_sweep_hardening.py SAVP OUTDIR PART   (PART: force ids stale failed lock csv inputs links tasks)"""
import csv, fcntl, json, os, shutil, signal, struct, subprocess, sys, time

savp, out, part = sys.argv[1:4]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
env = dict(os.environ, SC_COPYRIGHT_MESSAGE="DISABLE")
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        failures.append(what)


def path(*p):
    return os.path.join(out, *p)


def write_json(name, obj):
    with open(path(name), "w") as f:
        json.dump(obj, f, indent=1)
    return path(name)


def base(heads=1, seq_len=64, tolerance=0.5, name="base.json"):
    acc = {"type": "dense", "name": "dense0", "clock_mhz": 1000, "array": {"rows": 32, "cols": 32},
           "dataflow": "os", "timing": "pipelined", "datapath": {"format": "fp16"},
           "vector_unit": {"lanes": 32, "pipeline_cycles": 8},
           "buffers": {"input_kib": 64, "weight_kib": 256, "output_kib": 256}, "dma": {"max_burst_bytes": 64},
           "tolerance_rel_l2": tolerance}
    return write_json(name, {"id": "sw", "description": "base", "seed": 1, "platform": {"accelerators": [acc],
                      "memory": {"preset": "simple"}}, "workload": {"kind": "attention", "heads": heads,
                      "seq_len": seq_len, "head_dim": 64, "data": {"source": "synthetic"}}})


def sweep(name, **kw):
    return write_json(name, dict({"base": "base.json"}, **kw))


def run(*args, **kw):
    return subprocess.run([savp] + list(args), capture_output=True, text=True, env=kw.get("env", env))


def files(d):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)


def jsonl(d):
    return open(os.path.join(d, "results.jsonl")).read()


if part == "force":
    base()
    s = sweep("s.json", grid={"workload.seq_len": [64, 96]})
    d = path("d")
    r = run("sweep", s, "-o", d)
    check(r.returncode == 0, "a first sweep runs (exit %d: %s)" % (r.returncode, r.stderr[-200:]))
    # A note beside the points and a file in a directory named like an old temporary are kept.
    open(path("d", "points", "notes.txt"), "w").write("mine\n")
    os.makedirs(path("d", "points", ".p1.tmp"))
    open(path("d", "points", ".p1.tmp", "keep.txt"), "w").write("mine\n")
    r = run("sweep", s, "-o", d, "--force")
    check(r.returncode == 0 and open(path("d", "points", "notes.txt")).read() == "mine\n"
          and os.path.exists(path("d", "points", ".p1.tmp", "keep.txt")),
          "--force rerun keeps notes.txt and a file in points/.p1.tmp (exit %d)" % r.returncode)
    # A user's file inside a point savp would replace: refused, nothing written or deleted.
    open(path("d", "points", "p1", "mine.txt"), "w").write("mine\n")
    before = {f: open(os.path.join(d, f), "rb").read() for f in files(d)}
    for extra in ([], ["--force"]):
        r = run("sweep", s, "-o", d, *extra)
        after = {f: open(os.path.join(d, f), "rb").read() for f in files(d)}
        check(r.returncode == 2 and os.path.join("points", "p1", "mine.txt") in r.stderr and before == after,
              "a user file in a point to replace: exit 2 naming it, the directory unchanged %s (exit %d: %s)"
              % (extra, r.returncode, r.stderr.strip()[-200:]))
    r = run("sweep", s, "-o", d, "--resume")
    check(r.returncode == 0 and os.path.exists(path("d", "points", "p1", "mine.txt")),
          "--resume keeps the complete point holding the user's file, and the file (exit %d)" % r.returncode)
    if os.path.exists(path("d", "points", "p1", "mine.txt")):
        os.remove(path("d", "points", "p1", "mine.txt"))
    os.makedirs(path("d", ".tmp", "p0"))
    open(path("d", ".tmp", "p0", "mine.txt"), "w").write("mine\n")
    r = run("sweep", s, "-o", d, "--force")
    check(r.returncode == 2 and os.path.join(".tmp", "p0", "mine.txt") in r.stderr
          and os.path.exists(path("d", ".tmp", "p0", "mine.txt")),
          "a user file in a point's temporary directory: exit 2 naming it, kept (exit %d)" % r.returncode)
    # An output directory holding a plain file named points: exit 2 naming it, nothing written.
    d2 = path("d2")
    os.makedirs(d2)
    open(os.path.join(d2, "points"), "w").write("mine\n")
    r = run("sweep", s, "-o", d2, "--force")
    check(r.returncode == 2 and os.path.join(d2, "points") in r.stderr and os.listdir(d2) == ["points"]
          and "uncaught" not in r.stderr,
          "a file named points: exit 2 naming it, nothing written (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))

elif part == "ids":
    base()
    # "a" and ".a.tmp" (the old temporary name of "a"), ".slurm-0.log", "points": every point keeps its result.
    s = sweep("s.json", id="{description}", points=[{"description": v} for v in [".a.tmp", "a", ".slurm-0.log", "points"]])
    d = path("d")
    r = run("sweep", s, "-o", d, "-j", "2")
    ids = [json.loads(l)["id"] for l in open(os.path.join(d, "results.jsonl"))] if os.path.exists(os.path.join(d, "results.jsonl")) else []
    ok = r.returncode == 0 and len(set(ids)) == 4 and all(
        not i.startswith(".") and os.path.exists(os.path.join(d, "points", i, "stats.json")) for i in ids)
    rows = [json.loads(l) for l in open(os.path.join(d, "results.jsonl"))] if ids else []
    check(ok and all(x["status"] == "done" for x in rows),
          "ids that name savp's own files keep every point complete: %s (exit %d: %s)" % (ids, r.returncode, r.stderr[-200:]))

elif part == "stale":
    base()
    grid = {"workload.seq_len": [64, 96]}
    s = sweep("s.json", grid=grid)
    d, fresh = path("d"), path("fresh")
    r = run("sweep", s, "-o", d)
    check(r.returncode == 0, "a first sweep runs")
    pj = json.load(open(os.path.join(d, "points", "p0", "point.json")))
    check(len(pj.get("fingerprint", "")) == 16, "point.json records the scenario's fingerprint")
    # The grid changes: p1 reruns (and says so), p0 is kept.
    s = sweep("s.json", grid={"workload.seq_len": [64, 128]})
    r = run("sweep", s, "-o", d, "--resume")
    f = run("sweep", s, "-o", fresh)
    check(r.returncode == 0 and "p1: the scenario changed since it ran; running it again" in r.stderr
          and "p0:" not in r.stderr and "1 complete point(s) kept" in r.stderr,
          "a changed grid value reruns that point only: " + r.stderr.strip()[-300:])
    check(f.returncode == 0 and jsonl(d) == jsonl(fresh), "the resumed results equal a fresh run of the new sweep")
    # The base scenario changes: every point reruns.
    base(heads=2)
    r = run("sweep", s, "-o", d, "--resume")
    shutil.rmtree(fresh)
    f = run("sweep", s, "-o", fresh)
    check(r.returncode == 0 and "p0: the scenario changed" in r.stderr and "p1: the scenario changed" in r.stderr,
          "a changed base reruns every point: " + r.stderr.strip()[-300:])
    check(f.returncode == 0 and jsonl(d) == jsonl(fresh), "the resumed results equal a fresh run of the new base")
    # A point.json without a fingerprint (an older savp) is not trusted.
    p = os.path.join(d, "points", "p0", "point.json")
    pj = json.load(open(p))
    pj.pop("fingerprint")
    json.dump(pj, open(p, "w"))
    r = run("sweep", s, "-o", d, "--resume")
    check(r.returncode == 0 and "p0: the scenario changed" in r.stderr and "p1:" not in r.stderr,
          "a point without a fingerprint reruns: " + r.stderr.strip()[-200:])

elif part == "failed":
    base()
    s = sweep("s.json", grid={"platform.accelerators.0.tolerance_rel_l2": [0.5, 0.0]})
    d = path("d")
    r = run("sweep", s, "-o", d)
    check(r.returncode == 1, "a sweep with a point outside its tolerance exits 1 (exit %d)" % r.returncode)
    r = run("sweep", s, "-o", d, "--resume")
    check(r.returncode == 1 and "2 complete point(s) kept" in r.stderr,
          "resumed, with the failed point kept, it exits 1 again (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    # A point that ended with exit 2 is not complete: the Slurm backend reruns it as the local one does.
    s = sweep("t.json", grid={"workload.seq_len": [64, 96]})
    d = path("e")
    r = run("sweep", s, "-o", d)
    p = os.path.join(d, "points", "p1", "point.json")
    pj = json.load(open(p))
    pj.update(exit_code=2, status="failed")
    json.dump(pj, open(p, "w"))
    # --collect counts by the same rule: the exit-2 point failed; one of another sweep definition
    # (its fingerprint differs) has still to run.
    p0 = os.path.join(d, "points", "p0", "point.json")
    pj0 = json.load(open(p0))
    json.dump(dict(pj0, fingerprint="0"), open(p0, "w"))
    r = run("sweep", "--collect", d)
    check(r.returncode == 1 and "0 done, 1 failed, 1 not finished" in r.stdout and "no Slurm job is recorded" in r.stderr,
          "--collect: the exit-2 point failed, the stale one is not finished (exit %d: %s)" % (r.returncode, r.stdout.strip()))
    json.dump(pj0, open(p0, "w"))
    os.makedirs(path("nobin"))
    r = run("sweep", s, "-o", d, "--resume", "--backend", "slurm", env=dict(env, PATH=path("nobin")))
    check("every point is complete" not in r.stderr and "p1: its result is incomplete; running it again" in r.stderr
          and "p0:" not in r.stderr, "slurm --resume reruns the point that exited 2: " + r.stderr.strip()[-300:])
    r = run("sweep", s, "-o", d, "--resume")
    check(r.returncode == 0 and json.load(open(p))["exit_code"] == 0 and "p1: its result is incomplete" in r.stderr,
          "local --resume reruns it by the same rule (exit %d)" % r.returncode)

elif part == "lock":
    base(heads=4, seq_len=256)
    s = sweep("s.json", grid={"workload.seq_len": [256, 257, 258, 259, 260, 261]})
    for holder in ("sweep", "run"):
        d = path("held-" + holder)
        args = ["sweep", s, "-o", d, "-j", "1"] if holder == "sweep" else ["run", path("base.json"), "-o", d, "--quiet"]
        a = subprocess.Popen([savp] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        lock = os.path.join(d, ".savp-lock")
        # Freeze the holder as soon as it holds the lock: the second writers then meet it however fast it runs.
        while a.poll() is None:
            try:
                if open(lock).read().strip() == str(a.pid):
                    break
            except OSError:
                pass
            time.sleep(0.002)
        a.send_signal(signal.SIGSTOP)
        if a.poll() is not None:
            check(False, "the %s holding the lock ran to its end before the test could stop it" % holder)
            continue
        for second in (["sweep", s, "-o", d], ["run", path("base.json"), "-o", d, "--quiet"]):
            r = run(*second)
            check(r.returncode == 2 and ("pid %d" % a.pid) in r.stderr,
                  "a second writer (%s) into a directory a %s holds: exit 2 naming pid %d (exit %d: %s)"
                  % (second[0], holder, a.pid, r.returncode, r.stderr.strip()[-200:]))
        a.send_signal(signal.SIGCONT)
        _, err = a.communicate()
        complete = (os.path.exists(os.path.join(d, "results.csv")) and
                    all(x["status"] == "done" for x in csv.DictReader(open(os.path.join(d, "results.csv"), newline="")))
                    if holder == "sweep" else os.path.exists(os.path.join(d, "stats.json")))
        check(a.returncode == 0 and complete, "the holder (%s) finishes untouched (exit %d)" % (holder, a.returncode))
        r = run(*args)
        check(r.returncode == 0, "once it is done, the directory can be written again (exit %d)" % r.returncode)

elif part == "csv":
    base()
    odd = ['x,"y"\r\nz', "a\rb", 'q"', "l\nm"]
    s = sweep("s.json", points=[{"description": v} for v in odd])
    d = path("d")
    r = run("sweep", s, "-o", d)
    with open(os.path.join(d, "results.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check(r.returncode == 0 and [x["description"] for x in rows] == odd and all(x["status"] == "done" for x in rows),
          "results.csv reads back (RFC 4180) the values holding a comma, quote, CR and LF: %s"
          % [x.get("description") for x in rows])

elif part == "inputs":
    # Files a scenario names rather than includes (memory preset, .npy inputs) are in the fingerprint.
    data = path("data")
    shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scenarios"), data)
    denv = dict(env, SAVP_DATA_DIR=data)
    base()
    s = sweep("s.json", grid={"workload.seq_len": [64, 96]})
    d = path("d")
    r = run("sweep", s, "-o", d, env=denv)
    preset = os.path.join(data, "memory", "presets", "simple.json")
    pj = json.load(open(preset))
    pj["latency_ns"] = pj.get("latency_ns", 30) * 10 + 1
    json.dump(pj, open(preset, "w"))
    r = run("sweep", s, "-o", d, "--resume", env=denv)
    check(r.returncode == 0 and "p0: the scenario changed" in r.stderr and "p1: the scenario changed" in r.stderr,
          "a changed memory preset reruns every point: " + r.stderr.strip()[-300:])

    def npy(name, rows, cols, scale):
        hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
        hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
        body = b"".join(struct.pack("<f", scale * ((i * 7919) % 97 - 48) / 97.0) for i in range(rows * cols))
        with open(path(name), "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + body)

    for t in "qkv":
        npy(t + ".npy", 32, 16, 1.0)
    b = json.load(open(base()))
    b["workload"] = {"kind": "attention", "heads": 1, "head_dim": 16,
                     "data": {"source": "npy", "q": "q.npy", "k": "k.npy", "v": "v.npy"}}
    write_json("base.json", b)
    s = sweep("n.json", grid={"platform.accelerators.0.tolerance_rel_l2": [0.5, 0.4]})
    d = path("n")
    r = run("sweep", s, "-o", d)
    check(r.returncode == 0, "a sweep over .npy inputs runs (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    npy("v.npy", 32, 16, 1000.0)
    r = run("sweep", s, "-o", d, "--resume")
    check(r.returncode == 0 and "p0: the scenario changed" in r.stderr and "p1: the scenario changed" in r.stderr,
          "a changed .npy input reruns every point: " + r.stderr.strip()[-300:])

elif part == "links":
    # savp never writes through a symlink planted where it writes, and refuses a baseline/ that is
    # not its own (a plain file, a link out of the directory) before it simulates anything.
    b = json.load(open(base()))
    b["outputs"] = {"baseline": dict(b["platform"]["accelerators"][0], name="dense1")}
    write_json("base.json", b)
    d = path("d")
    r = run("run", path("base.json"), "-o", d, "--quiet")
    check(r.returncode == 0 and os.path.exists(os.path.join(d, "baseline", "stats.json")),
          "a run with a baseline (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    victim = path("victim.txt")
    open(victim, "w").write("precious\n")
    for name in ("resolved.json.tmp", "stats.json.tmp"):
        os.symlink(victim, os.path.join(d, name))
    os.remove(os.path.join(d, "baseline", "log.txt"))
    os.symlink(victim, os.path.join(d, "baseline", "log.txt"))
    r = run("run", path("base.json"), "-o", d, "--quiet")
    check(r.returncode == 2 and "log.txt" in r.stderr and open(victim).read() == "precious\n",
          "a link planted in baseline/ is refused, its target kept (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    os.remove(os.path.join(d, "baseline", "log.txt"))
    r = run("run", path("base.json"), "-o", d, "--quiet")
    check(r.returncode == 0 and open(victim).read() == "precious\n" and not os.path.islink(os.path.join(d, "resolved.json")),
          "links at savp's temporary names are replaced, never written through (exit %d)" % r.returncode)
    outside = path("outside")
    os.makedirs(outside)
    shutil.rmtree(os.path.join(d, "baseline"))
    os.symlink(outside, os.path.join(d, "baseline"))
    r = run("run", path("base.json"), "-o", d, "--quiet")
    check(r.returncode == 2 and os.listdir(outside) == [], "baseline/ as a link out of the directory is refused, "
          "nothing written there (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    os.remove(os.path.join(d, "baseline"))
    open(os.path.join(d, "baseline"), "w").write("mine\n")
    before = sorted(os.listdir(d))
    r = run("run", path("base.json"), "-o", d, "--quiet")
    check(r.returncode == 2 and "baseline" in r.stderr and open(os.path.join(d, "baseline")).read() == "mine\n"
          and sorted(os.listdir(d)) == before,
          "a plain file named baseline is refused up front, kept (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    base()
    s = sweep("s.json", grid={"workload.seq_len": [64, 96]})
    d = path("sw")
    r = run("sweep", s, "-o", d)
    os.makedirs(os.path.join(d, ".logs"), exist_ok=True)
    os.symlink(victim, os.path.join(d, ".logs", "p0"))
    r = run("sweep", s, "-o", d)
    check(r.returncode == 0 and open(victim).read() == "precious\n",
          "a link planted at a point's log is replaced, never written through (exit %d)" % r.returncode)

elif part == "tasks":
    # The array tasks of a Slurm sweep and --collect share the directory; never with a run or sweep.
    base()
    s = sweep("s.json", grid={"workload.seq_len": [64, 96]})
    d = path("d")
    os.makedirs(path("nobin"))
    r = run("sweep", s, "-o", d, "--backend", "slurm", env=dict(env, PATH=path("nobin")))
    check(os.path.exists(os.path.join(d, "sweep.json")), "a Slurm sweep prepared without sbatch (exit %d)" % r.returncode)
    r = run("sweep", "--collect", d)
    check(r.returncode == 1 and "no Slurm job is recorded" in r.stderr,
          "--collect with no job recorded does not wait forever (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    r = run("sweep", s, "--collect", d)
    check(r.returncode == 2, "--collect beside a SWEEP.json is a usage error (exit %d)" % r.returncode)
    lock = open(os.path.join(d, ".savp-lock"), "r+")
    fcntl.flock(lock, fcntl.LOCK_EX)
    lock.seek(0); lock.truncate(); lock.write("4242\n"); lock.flush()
    for args in (["--run-point", d, "--index", "0"], ["--collect", d]):
        r = run("sweep", *args)
        check(r.returncode == 2 and "pid 4242" in r.stderr and not os.path.exists(os.path.join(d, "points", "p0")),
              "sweep %s beside a sweep holding the directory is refused (exit %d: %s)"
              % (args[0], r.returncode, r.stderr.strip()[-200:]))
    fcntl.flock(lock, fcntl.LOCK_UN)
    fcntl.flock(lock, fcntl.LOCK_SH)
    for args in (["sweep", s, "-o", d], ["run", path("base.json"), "-o", d, "--force", "--quiet"]):
        r = run(*args)
        check(r.returncode == 2 and "another savp" in r.stderr,
              "%s beside running cluster tasks is refused (exit %d: %s)" % (args[0], r.returncode, r.stderr.strip()[-200:]))
    r = run("sweep", "--run-point", d, "--index", "0")
    check(r.returncode == 0 and os.path.exists(os.path.join(d, "points", "p0", "stats.json")),
          "a cluster task runs beside another task (exit %d: %s)" % (r.returncode, r.stderr.strip()[-200:]))
    fcntl.flock(lock, fcntl.LOCK_UN)

else:
    sys.exit("unknown part " + part)

if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("all checks passed")
