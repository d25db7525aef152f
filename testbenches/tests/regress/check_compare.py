#!/usr/bin/env python3
"""savp compare: the ratios it prints are the ratios of the stats.json figures, its table and CSV
agree, a directory stands for its stats.json, and bad input (a missing file, a file that is not a
stats.json, fewer than two results, an unknown option) exits 2 naming the file.
Usage: check_compare.py SAVP A_DIR B_DIR"""
import csv, io, json, os, subprocess, sys

savp, a, b = sys.argv[1:4]


def run(*args):
    return subprocess.run([savp, "compare", *args], capture_output=True, text=True, timeout=120)


def fail(msg):
    sys.exit("FAIL: " + msg)


sa = json.load(open(os.path.join(a, "stats.json")))
sb = json.load(open(os.path.join(b, "stats.json")))
r = run(a, os.path.join(b, "stats.json"), "--csv")
if r.returncode != 0:
    fail("compare --csv exit %d: %s" % (r.returncode, r.stderr))
rows = list(csv.reader(io.StringIO(r.stdout)))
head = rows[0]
if head[:2] != ["figure", "unit"] or len(head) != 5:
    fail("CSV header %r" % head)
by = {row[0]: row for row in rows[1:]}
checks = {"latency": ("totals", "latency_ns", 1e3), "cycles": ("totals", "cycles", 1),
          "energy": ("totals", "energy_pj", 1e6), "energy, dynamic": ("totals", "energy_dynamic_pj", 1e6),
          "energy, static": ("totals", "energy_static_pj", 1e6), "area": ("area", "total_mm2", 1),
          "memory read": ("totals", "dram_bytes_read", 1), "memory written": ("totals", "dram_bytes_written", 1)}
for label, (sect, key, scale) in checks.items():
    if label not in by:
        fail("no row %r in %r" % (label, list(by)))
    va, vb = sa[sect][key], sb[sect][key]
    row = by[label]
    for got, want in ((float(row[2]), va / scale), (float(row[3]), vb / scale), (float(row[4]), vb / va)):
        if abs(got - want) > 1e-12 * max(1.0, abs(want)):
            fail("%s: %r, expected %r" % (label, got, want))
if by["latency"][4] == "1":
    fail("the two results should differ in latency")
# The table: the same figures to 4 significant digits, the ratio column headed "B / A".
t = run(a, b)
if t.returncode != 0 or "%s / %s" % (b, a) not in t.stdout:
    fail("table: exit %d, %s" % (t.returncode, t.stdout + t.stderr))
lat = next(l for l in t.stdout.splitlines() if l.startswith("latency "))
if "%.4g" % (sb["totals"]["latency_ns"] / sa["totals"]["latency_ns"]) not in lat.split():
    fail("table latency ratio: %r" % lat)
# Model figures appear only when a result has them.
if "model TTFT" in by:
    fail("a model row without a model result")
# Bad input: exit 2 naming the file.
missing = os.path.join(a, "no-such-stats.json")
for args, must in [((a, missing), missing), ((a, os.path.join(a, "resolved.json")), "resolved.json"),
                   ((a,), "at least two"), ((a, b, "--bogus"), "--bogus"),
                   ((a, os.path.dirname(a) or "."), "stats.json")]:
    r = run(*args)
    if r.returncode != 2 or must not in r.stderr or r.stdout:
        fail("compare %s: exit %d, stderr %r" % (" ".join(args), r.returncode, r.stderr))
# Broken stats.json files: exit 2 naming the file and the JSON path.
import json, tempfile
tmp = tempfile.mkdtemp(prefix="savp-compare-")
sa_text = json.load(open(os.path.join(a, "stats.json")))
for name, edit, must in [("version", lambda j: j.update(schema_version=99), "/schema_version"),
                         ("empty-totals", lambda j: j.update(totals={}), "/totals/latency_ns"),
                         ("string", lambda j: j["totals"].update(cycles="x"), "/totals/cycles")]:
    j = json.loads(json.dumps(sa_text))
    edit(j)
    f = os.path.join(tmp, name + ".json")
    json.dump(j, open(f, "w"))
    r = run(a, f)
    if r.returncode != 2 or f not in r.stderr or must not in r.stderr or r.stdout:
        fail("compare with %s: exit %d, stderr %r" % (name, r.returncode, r.stderr))
# Whole numbers (cycles) print in full, not as 3.48e+04.
cyc = next(l for l in t.stdout.splitlines() if l.startswith("cycles "))
if str(sa["totals"]["cycles"]) not in cyc.split():
    fail("cycles shown as %r, expected %d in full" % (cyc, sa["totals"]["cycles"]))
h = run("--help")
if h.returncode != 0 or "savp compare" not in h.stdout:
    fail("compare --help: exit %d" % h.returncode)
print("compare: ratios match stats.json; table, CSV and bad input as documented")
