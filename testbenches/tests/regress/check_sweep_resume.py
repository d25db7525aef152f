#!/usr/bin/env python3
"""Killing a real sweep and resuming it gives the same merged results as an uninterrupted run:
the sweep is killed (SIGKILL, then SIGINT) part-way, resumed with --resume, and its results.jsonl
compared with one run straight through; the resumed run must have kept the finished points.
Usage: check_sweep_resume.py SAVP SWEEP.json OUTDIR"""
import os, shutil, signal, subprocess, sys, time

savp, sweep, out = sys.argv[1:4]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
env = dict(os.environ)


def run(d, *extra):
    return subprocess.run([savp, "sweep", sweep, "-o", d, "-j", "2"] + list(extra), capture_output=True, text=True, env=env)


ref = os.path.join(out, "straight")
r = run(ref)
if r.returncode != 0:
    sys.exit("straight run failed: " + r.stderr)
want = open(os.path.join(ref, "results.jsonl")).read()

for sig in (signal.SIGKILL, signal.SIGINT):
    d = os.path.join(out, "killed-%d" % sig)
    p = subprocess.Popen([savp, "sweep", sweep, "-o", d, "-j", "2"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env, start_new_session=(sig == signal.SIGKILL))
    # Kill once some points are finished and others are running.
    deadline = time.time() + 60
    while time.time() < deadline:
        pts = os.path.join(d, "points")
        done = [x for x in os.listdir(pts) if not x.startswith(".")] if os.path.isdir(pts) else []
        if len(done) >= 2:
            break
        time.sleep(0.02)
    if sig == signal.SIGKILL:
        os.killpg(p.pid, signal.SIGKILL)  # the sweep and its running points, at once
    else:
        p.send_signal(sig)
    p.wait()
    kept = [x for x in os.listdir(os.path.join(d, "points")) if not x.startswith(".")]
    r = run(d, "--resume")
    if r.returncode != 0:
        sys.exit("resume after signal %d failed: %s" % (sig, r.stderr))
    got = open(os.path.join(d, "results.jsonl")).read()
    if got != want:
        sys.exit("results after signal %d and --resume differ from the straight run" % sig)
    if "%d complete point(s) kept" % len(kept) not in r.stderr:
        sys.exit("resume after signal %d did not keep the %d finished points: %s" % (sig, len(kept), r.stderr))
    print("signal %d: %d points kept, resumed results identical" % (sig, len(kept)))
