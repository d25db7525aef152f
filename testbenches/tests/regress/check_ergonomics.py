#!/usr/bin/env python3
"""Issue 23 "Progress and ergonomics": progress lines, hardware presets by name, shipped scenarios by
name, a copied scenario's includes found in the data directory, and a sweep axis that adds a key.

usage: check_ergonomics.py SAVP SCENARIOS WORKDIR CASE
CASE: progress | progress-tty | preset-by-name | copied | sweep-adds-key
Each case runs savp and checks what it prints and writes; stats.json is compared without run_info
(wall-clock figures) where two runs must agree.
"""
import json
import os
import pty
import shutil
import subprocess
import sys

savp, scenarios, work, case = sys.argv[1:5]
os.environ["SAVP_PROTOCOL_CHECK"] = "1"
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
SMALL = ["--set", "workload.heads=1", "--set", "workload.seq_len=128"]


def run(args, env=None, expect=0):
    p = subprocess.run([savp] + args, capture_output=True, text=True, env=env)
    if p.returncode != expect:
        sys.exit("savp %s: exit %d (expected %d)\n%s%s" % (" ".join(args), p.returncode, expect, p.stdout, p.stderr))
    return p


def stats(d):
    s = json.load(open(os.path.join(d, "stats.json")))
    del s["run_info"]
    return s


def env_with(**kv):
    e = dict(os.environ)
    e.update(kv)
    return e


if case == "progress":
    # Plain lines when stderr is not a terminal (interval 0: a line at every kernel slice); none with
    # --quiet; the results are those of the quiet run (progress reads, never changes the simulation).
    loud = run(["run", os.path.join(scenarios, "default.json"), "-o", os.path.join(work, "loud")],
               env=env_with(SAVP_PROGRESS_INTERVAL_S="0"))
    lines = [l for l in loud.stderr.splitlines() if l.startswith("[run] ")]
    if not lines or "\r" in loud.stderr or "\x1b" in loud.stderr:
        sys.exit("expected plain [run] lines on a non-terminal stderr, found:\n" + loud.stderr)
    if not any(" jobs (" in l and " %), " in l and " simulated, " in l and "ETA" in l for l in lines):
        sys.exit("a progress line names jobs, simulated time and ETA:\n" + "\n".join(lines))
    if not lines[-1].startswith("[run] ") or "/2 jobs" not in lines[-1]:
        sys.exit("the default scenario plans 2 jobs:\n" + lines[-1])
    quiet = run(["run", os.path.join(scenarios, "default.json"), "-o", os.path.join(work, "quiet"), "--quiet"],
                env=env_with(SAVP_PROGRESS_INTERVAL_S="0"))
    if quiet.stderr or quiet.stdout:
        sys.exit("--quiet prints nothing, found:\n" + quiet.stdout + quiet.stderr)
    if stats(os.path.join(work, "loud")) != stats(os.path.join(work, "quiet")):
        sys.exit("stats.json differs between a run with progress and one without")
    if not any(l.startswith("[run] planning: ") and l.endswith(" s elapsed") for l in lines):
        sys.exit("expected a stage line while the run plans ([run] planning: ...):\n" + "\n".join(lines))
    if not any(l.startswith("[run] starting: ") for l in lines):
        sys.exit("expected a stage line while the kernel elaborates ([run] starting: ...):\n" + "\n".join(lines))
    # A job's own progress: SALO plans its tiles, so before the first of two jobs ends the line gives a
    # share above 0 % and an ETA (the jobs-only count would say 0/2 and ETA -).
    small = run(["run", os.path.join(scenarios, "salo", "small.json"), "-o", os.path.join(work, "salo"), "--no-report"]
                + SMALL, env=env_with(SAVP_PROGRESS_INTERVAL_S="0"))
    within = [l for l in small.stderr.splitlines()
              if l.startswith("[run] 0/1 jobs (") and not l.startswith("[run] 0/1 jobs (0 %)") and "ETA -" not in l]
    if not within:
        sys.exit("expected a one-job run's line with a share of its tiles done and an ETA:\n" + small.stderr)
    # (without the report: drawing it takes about 2 s of CPU, which a loaded machine stretches past 2 s)
    default = run(["run", os.path.join(scenarios, "default.json"), "-o", os.path.join(work, "default"), "--no-report"])
    if "[run] " in default.stderr:
        sys.exit("a run shorter than 2 s shows no progress, found:\n" + default.stderr)
elif case == "progress-tty":
    # On a terminal: one line redrawn in place (carriage return, erase to the end of the line).
    master, slave = pty.openpty()
    p = subprocess.run([savp, "run", os.path.join(scenarios, "default.json"), "-o", os.path.join(work, "tty")],
                       stdout=subprocess.PIPE, stderr=slave, env=env_with(SAVP_PROGRESS_INTERVAL_S="0"))
    os.close(slave)
    err = b""
    try:
        while True:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            err += chunk
    except OSError:
        pass
    err = err.decode()
    if p.returncode != 0 or "\r[run] " not in err or "\x1b[K" not in err or "\n[run]" in err:
        sys.exit("expected [run] redrawn in place on a terminal, found %r (exit %d)" % (err[:400], p.returncode))
elif case == "preset-by-name":
    # A hardware preset by name (--set, as the issue writes it) gives the run the include of the same file gives.
    small = os.path.join(scenarios, "salo", "small.json")
    run(["run", small, "-o", os.path.join(work, "path"), "--quiet"] + SMALL)
    run(["run", small, "-o", os.path.join(work, "name"), "--quiet",
         "--set", "platform.accelerators.0=salo-32x32"] + SMALL)
    if stats(os.path.join(work, "path")) != stats(os.path.join(work, "name")):
        sys.exit("salo-32x32 by name differs from ../hardware/salo-32x32.json")
    other = run(["run", small, "-o", os.path.join(work, "other"), "--quiet",
                 "--set", "platform.accelerators.0=salo-32x32-500mhz"] + SMALL)
    if stats(os.path.join(work, "other"))["totals"]["latency_ns"] == stats(os.path.join(work, "path"))["totals"]["latency_ns"]:
        sys.exit("the 500 MHz preset runs at the 1 GHz preset's latency: the name was not followed")
    # A shipped scenario by the name savp list prints.
    listed = run(["list"]).stdout
    if "  salo/small.json\n" not in listed or "  salo-32x32  SALO: G. Shen" not in listed:
        sys.exit("savp list names salo/small.json and the hardware presets with their sources:\n" + listed)
    named = run(["run", "salo/small", "-o", os.path.join(work, "by-name")] + SMALL)
    if "running the shipped scenario " + small not in named.stderr:
        sys.exit("savp run NAME says which file it ran, found:\n" + named.stderr)
    if stats(os.path.join(work, "by-name"))["totals"] != stats(os.path.join(work, "path"))["totals"]:
        sys.exit("savp run salo/small differs from savp run " + small)
elif case == "copied":
    # A shipped scenario copied elsewhere: its include ../hardware/salo-32x32.json is found in the
    # data directory, said once on stderr, and the results are the original's.
    copy = os.path.join(work, "elsewhere", "small.json")
    os.makedirs(os.path.dirname(copy))
    shutil.copy(os.path.join(scenarios, "salo", "small.json"), copy)
    orig = run(["run", os.path.join(scenarios, "salo", "small.json"), "-o", os.path.join(work, "orig"), "--quiet"] + SMALL)
    moved = run(["run", copy, "-o", os.path.join(work, "copy"), "--quiet"] + SMALL)
    hw = os.path.join(scenarios, "hardware", "salo-32x32.json")
    notes = [l for l in moved.stderr.splitlines() if "from the data directory" in l and hw in l]
    if len(notes) != 1 or "../hardware/salo-32x32.json" not in notes[0]:
        sys.exit("expected one note naming the include and where it was found, found:\n" + moved.stderr)
    if stats(os.path.join(work, "orig"))["totals"] != stats(os.path.join(work, "copy"))["totals"]:
        sys.exit("the copied scenario's results differ from the original's")
    # An include found nowhere is still refused (exit 2) at its JSON path.
    bad = json.load(open(copy))
    bad["platform"]["accelerators"] = ["../hardware/no-such-preset.json"]
    json.dump(bad, open(copy, "w"))
    p = run(["run", copy, "-o", os.path.join(work, "bad")], expect=2)
    if "/platform/accelerators/0" not in p.stderr or "not found" not in p.stderr:
        sys.exit("a missing include names its path:\n" + p.stderr)
elif case == "sweep-adds-key":
    # An axis may add a key the base lacks when --set may add it (the schema knows it).
    base = os.path.join(scenarios, "default.json")
    sweep = os.path.join(work, "adds.json")
    json.dump({"base": base, "grid": {"platform.memory.size_mib": [64, 128]}}, open(sweep, "w"))
    p = run(["validate", sweep])
    if "valid sweep" not in p.stdout or "(2 points)" not in p.stdout:
        sys.exit("expected a valid sweep of 2 points:\n" + p.stdout + p.stderr)
    json.dump({"base": base, "grid": {"platform.memory.sizemib": [64]}}, open(sweep, "w"))
    p = run(["validate", sweep], expect=2)
    if "/grid/platform.memory.sizemib" not in p.stderr or "does not exist in the base scenario" not in p.stderr \
            or "unknown key" not in p.stderr:
        sys.exit("an axis naming a key the schema does not know is refused with --set's reason:\n" + p.stderr)
else:
    sys.exit("unknown case " + case)
print("ok")
