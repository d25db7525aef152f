#!/usr/bin/env python3
"""scripts/plot on adversarial results.csv files: bars of points that share an x value must not
overlap or hide each other (--kind bar --group, --speedup, --energy, with one or two axes): the bars
are read back from the SVG (clipped rectangles) and no two points may share or overlap an x extent;
a missing baseline value is an error (exit 2, a message), not a traceback; RFC 4180 fields (a comma,
quote, CR and LF inside quotes) are read as one value.
Usage: check_sweep_plot.py PLOT OUTDIR"""
import csv, os, re, subprocess, sys

plot, out = sys.argv[1:3]
os.makedirs(out, exist_ok=True)
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        failures.append(what)


def write(name, rows):
    path = os.path.join(out, name + ".csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    return path


# Four points on two axes: two share each seq_len; two share each (seq_len, preset) pair in `dup`.
rows = []
for i, (s, m) in enumerate([(64, "simple"), (64, "hbm2"), (128, "simple"), (128, "hbm2")]):
    rows.append({"id": "p%d" % i, "workload.seq_len": s, "platform.memory.preset": m, "status": "done",
                 "exit_code": 0, "cycles": 1000 + 100 * i, "latency_ns": 500 + 50 * i,
                 "energy_by_component_pj.dram": 2e6 + i * 1e5, "energy_by_component_pj.sram": 1e6})
grid = write("grid", rows)
dup = write("dup", rows + [dict(r, id=r["id"] + "b", cycles=r["cycles"] + 7) for r in rows])


def rects(svg):
    """x extents of the clipped rectangles (the bars) of a matplotlib SVG."""
    out = []
    for d in re.findall(r'<path d="([^"]*)"[^>]*clip-path', open(svg).read()):
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        if len(nums) == 8 and d.strip().endswith("z"):
            xs = nums[0::2]
            out.append((round(min(xs), 3), round(max(xs), 3)))
    return out


def plot_run(name, csvfile, *args):
    prefix = os.path.join(out, name)
    for ext in ("png", "svg"):
        if os.path.exists(prefix + "." + ext):
            os.remove(prefix + "." + ext)
    r = subprocess.run(["/usr/bin/python3", plot, csvfile, "-o", prefix] + list(args), capture_output=True, text=True)
    return r, prefix + ".svg"


def apart(name, csvfile, points, *args):
    r, svg = plot_run(name, csvfile, *args)
    if r.returncode != 0:
        check(False, "%s: plot ran (exit %d: %s)" % (name, r.returncode, r.stderr.strip()[-300:]))
        return
    ext = sorted(set(rects(svg)))  # stacked segments of one point share their extent
    overlap = [(a, b) for a, b in zip(ext, ext[1:]) if b[0] < a[1] - 1e-3]
    check(len(ext) == points and not overlap,
          "%s: %d bars side by side, none overlapping (found %d distinct x extents, overlaps %s)" %
          (name, points, len(ext), overlap[:3]))


apart("bar-group", grid, 4, "--x", "workload.seq_len", "--y", "cycles", "--group", "platform.memory.preset", "--kind", "bar")
apart("bar-group-dup", dup, 8, "--x", "workload.seq_len", "--y", "cycles", "--group", "platform.memory.preset", "--kind", "bar")
apart("bar-two-y", grid, 8, "--x", "workload.seq_len", "--y", "cycles", "--y", "latency_ns", "--kind", "bar")
apart("speedup-x", grid, 4, "--speedup", "latency_ns", "--baseline", "p0", "--x", "workload.seq_len")
apart("speedup-group", dup, 8, "--speedup", "latency_ns", "--baseline", "p0", "--x", "workload.seq_len",
      "--group", "platform.memory.preset")
apart("energy-x", grid, 4, "--energy", "--x", "workload.seq_len")
apart("energy-group", dup, 8, "--energy", "--x", "workload.seq_len", "--group", "platform.memory.preset")
apart("energy-points", grid, 4, "--energy")

# A baseline point without the metric's value: a clear error, exit 2, no traceback, no plot.
nobase = write("nobase", [dict(rows[0], latency_ns="")] + rows[1:])
r, svg = plot_run("nobase", nobase, "--speedup", "latency_ns", "--baseline", "p0")
check(r.returncode == 2 and "p0" in r.stderr and "latency_ns" in r.stderr and "Traceback" not in r.stderr
      and not os.path.exists(svg), "missing baseline value: exit 2 naming the point and metric (exit %d: %s)" %
      (r.returncode, r.stderr.strip()[-300:]))

# RFC 4180: a string value and an error holding a comma, quote, CR and LF are one field each.
odd = 'a,b "c"\r\nd'
rfc = write("rfc4180", [dict(r, **{"platform.memory.preset": odd if i == 1 else r["platform.memory.preset"]})
                        for i, r in enumerate(rows)])
apart("rfc4180", rfc, 4, "--x", "workload.seq_len", "--y", "cycles", "--group", "platform.memory.preset", "--kind", "bar")

if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("all checks passed")
