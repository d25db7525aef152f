#!/usr/bin/env python3
"""True labels and one spelling (issue 23): no "utilization" key (the job-cycle PE utilisation is
pe_utilisation_of_job_cycles); memory statistics in natural order (bank2 before bank10, in
stats.json and the summary's energy line); a ReRAM main memory is not called DRAM in the summary;
a SpAtten job over every layer and head says so ("layers"/"heads", "all" in the summary);
--quiet silences SystemC's info messages (I702 of a VCD).

usage: check_labels.py SAVP SCENARIOS_DIR OUTDIR
"""
import json
import os
import re
import subprocess
import sys

problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


def run(savp, scenarios, out, name, scenario, *sets, quiet=False):
    d = os.path.join(out, name)
    cmd = [savp, "run", os.path.join(scenarios, scenario), "-o", d] + (["--quiet"] if quiet else [])
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    check(r.returncode == 0, f"{name}: exit {r.returncode}\n{r.stderr}")
    return r, d


def natural(k):
    return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.split(r"(\d+)", k)]


def main():
    savp, scenarios, out = sys.argv[1:4]
    # One spelling.
    r, d = run(savp, scenarios, out, "salo", "salo/small.json", "outputs.baseline=null")
    text = open(os.path.join(d, "stats.json")).read()
    check("utilization" not in text, "stats.json still spells 'utilization'")
    st = json.loads(text)
    check("pe_utilisation_of_job_cycles" in st["totals"] and "pe_utilisation_of_job_cycles" in st["jobs"][0],
          "no pe_utilisation_of_job_cycles in totals and jobs")

    # Natural order of the memory's statistics (HBM2: 16 banks per channel).
    r, d = run(savp, scenarios, out, "hbm2", "memory/hbm2-seq-read.json")
    mem = json.load(open(os.path.join(d, "stats.json")))["components"]["top.memory"]
    keys = list(mem)
    check("ch0.bank2.reads" in keys and "ch0.bank10.reads" in keys, f"no bank statistics: {keys[:20]}")
    chans = [k for k in keys if k.startswith("ch")]
    check(chans == sorted(chans, key=natural), f"top.memory channel keys not in natural order: {chans[:40]}")
    check(keys.index("ch0.bank2.reads") < keys.index("ch0.bank10.reads"), "bank10 before bank2")

    # ReRAM main memory: not called DRAM.
    r, d = run(savp, scenarios, out, "sprint", "sprint/vit-base-197.json", "workload.layers=1",
               "workload.heads=2", "outputs.baseline=null")
    check("DRAM" not in r.stdout and "dram_MB" not in r.stdout, f"the ReRAM run's summary says DRAM:\n{r.stdout}")
    check("memory (reram)" in r.stdout, f"the summary does not name the reram memory:\n{r.stdout}")

    # A SpAtten job covers every layer and head.
    r, d = run(savp, scenarios, out, "spatten", "spatten/small.json")
    j = json.load(open(os.path.join(d, "stats.json")))["jobs"][0]
    check("layer" not in j and "head" not in j and j.get("layers") == 4 and j.get("heads") == 4,
          f"the SpAtten job's labels: layer {j.get('layer')} head {j.get('head')} layers {j.get('layers')}")
    row = [l for l in r.stdout.splitlines() if l.split()[:2] == ["0", "spatten"]]
    check(row and row[0].split()[2:4] == ["all", "all"], f"the summary's SpAtten row: {row}")

    # --quiet: no SystemC info (I702 of the VCD's timescale), nothing at all on success.
    r, d = run(savp, scenarios, out, "quiet-vcd", "salo/small.json", "outputs.baseline=null", "outputs.vcd=true",
               quiet=True)
    check(r.stdout == "" and r.stderr == "", f"--quiet printed: {r.stdout!r} {r.stderr!r}")
    check(os.path.exists(os.path.join(d, "waves.vcd")), "no waves.vcd")
    if problems:
        sys.exit("\n".join(problems))
    print("ok")


main()
