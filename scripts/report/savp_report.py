#!/usr/bin/python3
"""SAVP's report pages: one self-contained report.html (no network; matplotlib charts inlined as SVG).

  savp_report.py run OUTDIR     the page of one run, from OUTDIR/stats.json
  savp_report.py sweep OUTDIR   the page of a sweep, from OUTDIR/results.jsonl and sweep.json

savp starts it as a child process with /usr/bin/python3 after stats.json (or a sweep's results) is
written. The page is written to a temporary name and renamed: OUTDIR/report.html is complete or
absent. Exit 0: written; 3: matplotlib missing (nothing written); 2: bad input (message on stderr).
Units on the page: time in us, energy in uJ, bandwidth in GB/s, area in mm2 (stats.json keeps ns,
pJ, bytes).
"""
import csv
import html
import io
import json
import math
import os
import sys

try:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller pages
    matplotlib.rcParams["svg.hashsalt"] = "savp"  # ids in the SVG do not change between runs
    matplotlib.rcParams["font.size"] = 9
except ImportError as e:  # the caller says why there is no report
    sys.stderr.write("matplotlib missing: %s\n" % e)
    sys.exit(3)

NS_PER_US = 1e3
PJ_PER_UJ = 1e6
COLOURS = plt.rcParams["axes.prop_cycle"].by_key()["color"]
SEGMENT_COLOURS = list(plt.get_cmap("tab20").colors)  # stacked segments: up to 20 distinct
CSS = (
    "body{font-family:sans-serif;margin:1.5em;max-width:1200px}table{border-collapse:collapse;font-size:12px}"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee;cursor:pointer}"
    "td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:0.5em;vertical-align:top}"
    "pre{background:#f6f6f6;padding:0.5em;overflow:auto;font-size:11px}details{margin:0.5em 0}"
)


def esc(s):
    return html.escape(str(s), quote=True)


def sig4(v):
    """A number to 4 significant digits; anything else as text."""
    if isinstance(v, bool) or v is None:
        return "" if v is None else str(v).lower()
    if isinstance(v, int):
        return str(v)  # counts, ids and seeds stay exact
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        return "%.4g" % v
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def svg(fig, caption):
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]  # drop the XML prologue and DOCTYPE: inline in HTML
    return "<figure>%s<figcaption>%s</figcaption></figure>\n" % (text, esc(caption))


def table(headers, rows, table_id=None):
    out = ["<table%s><thead><tr>" % (" id='%s'" % table_id if table_id else "")]
    out += ["<th>%s</th>" % esc(h) for h in headers]
    out.append("</tr></thead><tbody>\n")
    for r in rows:
        out.append("<tr>" + "".join("<td>%s</td>" % esc(sig4(c)) for c in r) + "</tr>\n")
    out.append("</tbody></table>\n")
    return "".join(out)


def page(title, body):
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>%s</title><style>%s</style></head>\n"
        "<body>\n<h1>%s</h1>\n%s</body></html>\n" % (esc(title), CSS, esc(title), body)
    )


def write_atomic(path, text):
    tmp = path + ".tmp"  # the name savp's output-directory check knows as its own
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def short(name):
    return name[4:] if name.startswith("top.") else name


def stacked_bars(title, ylabel, bars, scale):
    """bars: {bar label: {segment: value}}; one stacked bar per label, segments in a legend."""
    segs = sorted({s for b in bars.values() for s in b})
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    labels = list(bars)
    bottom = [0.0] * len(labels)
    for i, s in enumerate(segs):
        vals = [bars[l].get(s, 0.0) / scale for l in labels]
        ax.bar(labels, vals, bottom=bottom, label=s, color=SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)], width=0.5)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
    return fig


# The totals a page shows: key in stats.json's totals, label, divisor to the shown unit, unit.
TOTALS = [
    ("latency_ns", "latency", NS_PER_US, "us"),
    ("cycles", "cycles", 1, "cycle"),
    ("stall_cycles", "stall cycles", 1, "cycle"),
    ("energy_pj", "energy", PJ_PER_UJ, "uJ"),
    ("energy_dynamic_pj", "energy, dynamic", PJ_PER_UJ, "uJ"),
    ("energy_static_pj", "energy, static", PJ_PER_UJ, "uJ"),
    ("dram_bytes_read", "memory read", 1, "byte"),
    ("dram_bytes_written", "memory written", 1, "byte"),
    ("dram_bandwidth_gbps", "memory bandwidth", 1, "GB/s"),
    ("dram_peak_gbps", "memory peak bandwidth", 1, "GB/s"),
    ("ops", "operations", 1, "op"),
    ("ops_per_s", "throughput", 1e9, "Gop/s"),
    ("throughput_gops", "throughput", 1, "Gop/s"),
    ("ops_per_j", "efficiency", 1e9, "Gop/J"),
    ("ops_per_s_per_mm2", "area efficiency", 1e9, "Gop/s/mm2"),
    ("rel_l2_err", "rel. L2 error", 1, ""),
    ("speedup_vs_baseline", "speedup vs baseline", 1, "x"),
]


def job_ops(job):
    es = job.get("engine_stats") or {}
    if isinstance(es.get("ops"), (int, float)):
        return float(es["ops"])
    for k in ("useful_macs", "macs"):
        if isinstance(es.get(k), (int, float)):
            return 2.0 * es[k]
    return None


def job_label(job, position):
    """A unique label: job indices restart per task in a SoC run."""
    if "task" in job:
        return "%s #%d" % (job["task"], position)
    return "job %d" % job.get("index", position)


# ---------------------------------------------------------------------------- a run's page
def run_page(outdir):
    with open(os.path.join(outdir, "stats.json")) as f:
        st = json.load(f)
    t = st.get("totals", {})
    jobs = [j for j in st.get("jobs", []) if isinstance(j, dict)]
    body = []
    sid = st.get("scenario", {}).get("id", os.path.basename(os.path.abspath(outdir)))

    # Summary
    rows = []
    for key, label, scale, unit in TOTALS:
        v = t.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            rows.append((label, v / scale, unit))
    area = st.get("area", {})
    if isinstance(area.get("total_mm2"), (int, float)):
        rows.append(("area", area["total_mm2"], "mm2"))
    model = st.get("model")
    if isinstance(model, dict):
        for key, label in [("ttft_ns", "time to first token"), ("tpot_ns", "time per output token")]:
            if isinstance(model.get(key), (int, float)):
                rows.append((label, model[key] / NS_PER_US, "us"))
    mode = st.get("scenario", {}).get("timing_mode")
    body.append("<p>Scenario <code>%s</code>%s, %d job(s), %d failed.</p>\n" % (
        esc(sid), ", %s mode" % esc(mode) if mode else "", t.get("jobs", len(jobs)), t.get("jobs_failed", 0)))
    body.append("<h2>Summary</h2>\n" + table(["figure", "value", "unit"], rows, "summary"))
    if isinstance(st.get("comparison"), dict) and "error" in st["comparison"]:
        body.append("<p><b>Baseline failed:</b> %s</p>\n" % esc(st["comparison"]["error"]))

    # Energy and area breakdown
    body.append("<h2>Energy and area</h2>\n")
    by_comp = t.get("energy_by_component_pj") or {}
    static = t.get("energy_static_by_component_pj") or {}
    if by_comp:
        bars = {"dynamic": {}, "static": {}}
        for c, v in by_comp.items():
            s = static.get(c, 0.0)
            bars["dynamic"][short(c)] = v - s
            bars["static"][short(c)] = s
        body.append(svg(stacked_bars("energy by component", "energy (uJ)", bars, PJ_PER_UJ),
                        "Energy by component, dynamic and static (uJ)"))
    by_action = t.get("energy_by_action_pj") or {}
    if by_action:
        per = {}
        for k, v in by_action.items():
            comp, _, action = k.rpartition(".")
            per.setdefault(short(comp), {})[action] = v
        fig, ax = plt.subplots(figsize=(6.4, 3.4))
        actions = sorted({a for d in per.values() for a in d})
        comps = list(per)
        bottom = [0.0] * len(comps)
        for i, a in enumerate(actions):
            vals = [per[c].get(a, 0.0) / PJ_PER_UJ for c in comps]
            ax.barh(comps, vals, left=bottom, label=a, color=SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)])
            bottom = [b + v for b, v in zip(bottom, vals)]
        ax.set_xlabel("energy (uJ)")
        ax.set_xlim(left=0)
        ax.set_title("energy by component and action")
        ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
        body.append(svg(fig, "Energy by component and action (uJ)"))
    if area.get("by_component_mm2"):
        bars = {"area": {short(c): v for c, v in area["by_component_mm2"].items()}}
        body.append(svg(stacked_bars("area by component", "area (mm2)", bars, 1.0), "Area by component (mm2)"))

    # Phases and stalls per job
    if jobs:
        body.append("<h2>Phases and stalls per job</h2>\n")
        shown = jobs[:64]
        bars = {}
        for pos, j in enumerate(shown):
            d = {"phase " + k: v for k, v in (j.get("phase_cycles") or {}).items()}
            for k, v in (j.get("stall_cycles_by_cause") or {}).items():
                if "." not in k:  # parent causes only: dotted children split their parent
                    d["stall " + k] = v
            bars[job_label(j, pos)] = d
        fig = stacked_bars("cycles by phase and stall cause", "cycles (thousands)", bars, 1e3)
        fig.axes[0].tick_params(axis="x", rotation=60, labelsize=7)
        cap = "Cycles per job by phase and stall cause (thousands of engine cycles)"
        if len(jobs) > len(shown):
            cap += "; the first %d of %d jobs" % (len(shown), len(jobs))
        body.append(svg(fig, cap))

        # Roofline: one point per job against the memory's peak bandwidth (and the engine's peak
        # compute when stats.json gives it: totals.peak_ops_per_s).
        pts = []
        for j in jobs:
            ops = job_ops(j)
            b = (j.get("dram_bytes_read") or 0) + (j.get("dram_bytes_written") or 0)
            lat = j.get("latency_ns") or 0
            if ops and b > 0 and lat > 0:
                pts.append((ops / b, ops / lat, j))  # op/byte, Gop/s
        if pts:
            fig, ax = plt.subplots(figsize=(5.6, 3.6))
            xs = [p[0] for p in pts]
            x0, x1 = min(xs) / 4, max(xs) * 4
            peak_bw = t.get("dram_peak_gbps")
            peak_ops = t.get("peak_ops_per_s")
            if isinstance(peak_bw, (int, float)) and math.isfinite(peak_bw) and peak_bw > 0:
                ax.plot([x0, x1], [peak_bw * x0, peak_bw * x1], color="k", lw=1, label="memory peak %.4g GB/s" % peak_bw)
            if isinstance(peak_ops, (int, float)) and peak_ops > 0:
                ax.axhline(peak_ops / 1e9, color="r", lw=1, label="engine peak %.4g Gop/s" % (peak_ops / 1e9))
            engines = sorted({p[2].get("engine", "?") for p in pts})
            for i, e in enumerate(engines):
                sel = [p for p in pts if p[2].get("engine", "?") == e]
                # Each engine's compute roof: jobs[].peak_ops_per_s (2 ops per multiplier per cycle).
                roofs = [p[2].get("peak_ops_per_s") for p in sel if isinstance(p[2].get("peak_ops_per_s"), (int, float))]
                if roofs and max(roofs) > 0:
                    ax.axhline(max(roofs) / 1e9, color=COLOURS[i % len(COLOURS)], lw=1, ls="--",
                               label="%s peak %.4g Gop/s" % (e, max(roofs) / 1e9))
                ax.scatter([p[0] for p in sel], [p[1] for p in sel], s=14, color=COLOURS[i % len(COLOURS)], label=e, zorder=3)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("operational intensity (op/byte of main-memory traffic)")
            ax.set_ylabel("achieved (Gop/s)")
            ax.set_title("roofline, one point per job")
            ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
            body.append(svg(fig, "Roofline: each job's operations per main-memory byte against its achieved Gop/s"))
        else:
            body.append("<p>No roofline: no job reports both operations and memory bytes.</p>\n")

    # SoC: task timeline and interference table
    tasks = st.get("tasks")
    if isinstance(tasks, dict) and tasks:
        body.append("<h2>Tasks</h2>\n")
        fig, ax = plt.subplots(figsize=(6.4, 0.5 + 0.4 * len(tasks)))
        names = list(tasks)
        for i, n in enumerate(names):
            tk = tasks[n]
            tj = [j for j in jobs if j.get("task") == n]
            if tj:
                ax.broken_barh([(j["start_ns"] / NS_PER_US, (j["end_ns"] - j["start_ns"]) / NS_PER_US) for j in tj],
                               (i - 0.35, 0.7), color=COLOURS[i % len(COLOURS)], edgecolor="white", linewidth=0.3)
            else:
                ax.broken_barh([(tk["start_ns"] / NS_PER_US, (tk["end_ns"] - tk["start_ns"]) / NS_PER_US)],
                               (i - 0.35, 0.7), color=COLOURS[i % len(COLOURS)])
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names)
        ax.set_xlabel("simulated time (us)")
        ax.set_xlim(left=0)
        ax.set_title("task timeline (one bar per job)")
        body.append(svg(fig, "Task timeline: each task's jobs on simulated time (us)"))
        cols = [("latency_ns", "latency (us)", NS_PER_US), ("alone_latency_ns", "alone latency (us)", NS_PER_US),
                ("slowdown_vs_alone", "slowdown vs alone (x)", 1), ("bandwidth_gbps", "bandwidth (GB/s)", 1),
                ("mem_latency_avg_ns", "mem. latency avg (ns)", 1), ("mem_latency_p99_ns", "mem. latency p99 (ns)", 1),
                ("row_hit_rate", "row hit rate", 1), ("energy_pj", "energy (uJ)", PJ_PER_UJ), ("jobs", "jobs", 1)]
        rows = []
        for n in names:
            tk = tasks[n]
            rows.append([n] + [tk[k] / s if isinstance(tk.get(k), (int, float)) and not isinstance(tk.get(k), bool)
                               else "" for k, _, s in cols])
        body.append("<h3>Interference</h3>\n" + table(["task"] + [c[1] for c in cols], rows, "interference"))

    # Model: per-layer split
    if isinstance(model, dict) and model.get("layers"):
        layers = model["layers"]
        body.append("<h2>Model %s: per layer</h2>\n" % esc(model.get("name", "")))
        bars = {}
        for L in layers:
            bars[str(L.get("layer"))] = {k[:-3]: L[k] for k in ("attention_ns", "linear_ns") if isinstance(L.get(k), (int, float))}
        fig = stacked_bars("latency per layer", "latency (us)", bars, NS_PER_US)
        fig.axes[0].set_xlabel("layer")
        body.append(svg(fig, "Latency per layer: attention and linear (us)"))
        bars = {}
        for L in layers:
            bars[str(L.get("layer"))] = {k.split("_")[0]: L[k] for k in ("attention_energy_pj", "linear_energy_pj") if isinstance(L.get(k), (int, float))}
        fig = stacked_bars("energy per layer", "energy (uJ)", bars, PJ_PER_UJ)
        fig.axes[0].set_xlabel("layer")
        body.append(svg(fig, "Energy per layer: attention and linear (uJ)"))
        keys = [k for k in layers[0] if k != "layer"]
        units = {"_ns": ("us", NS_PER_US), "_pj": ("uJ", PJ_PER_UJ), "_bytes": ("byte", 1)}
        heads, scales = ["layer"], []
        for k in keys:
            for suf, (u, s) in units.items():
                if k.endswith(suf):
                    heads.append("%s (%s)" % (k[: -len(suf)], u))
                    scales.append(s)
                    break
            else:
                heads.append(k)
                scales.append(1)
        rows = [[L.get("layer")] + [L[k] / s if isinstance(L.get(k), (int, float)) and not isinstance(L.get(k), bool)
                                    else L.get(k, "") for k, s in zip(keys, scales)] for L in layers]
        body.append(table(heads, rows, "layers"))
    return page("SAVP run report: %s" % sid, "".join(body))


# ---------------------------------------------------------------------------- a sweep's page
# The sweep's plots: these totals of TOTALS, in this order.
SWEEP_METRICS = [f for k in ("latency_ns", "energy_pj", "cycles", "ops_per_s", "throughput_gops", "dram_bandwidth_gbps",
                             "rel_l2_err", "ops_per_j", "ops_per_s_per_mm2") for f in TOTALS if f[0] == k]
# The sweep table's headline columns (totals keys), in this order; the rest fold under it.
SWEEP_HEADLINE = ["error", "latency_ns", "cycles", "energy_pj", "dram_bandwidth_gbps",
                  "pe_utilisation_of_job_cycles", "ops_per_s", "throughput_gops", "ops_per_j", "speedup_vs_baseline",
                  "energy_reduction_vs_baseline", "rel_l2_err", "jobs_failed"]
UNIT_SUFFIXES = [("_ns", "ns"), ("_pj", "pJ"), ("_gbps", "GB/s"), ("_bytes", "byte"), ("_mm2", "mm2"),
                 ("_cycles", "cycle"), ("_mw", "mW"), ("_s", "s"), ("_w", "W"), ("_gops", "Gop/s")]


NAMED_UNITS = {"cycles": "cycle", "edap": "J s mm2", "energy_delay_product": "J s", "ops": "op",
               "ops_per_s": "op/s", "ops_per_j": "op/J", "ops_per_s_per_mm2": "op/s/mm2",
               "dram_bytes_read": "byte", "dram_bytes_written": "byte", "max_abs_err": "abs",
               "rel_l2_err": "ratio", "cosine": "ratio", "speedup_vs_baseline": "ratio",
               "energy_reduction_vs_baseline": "ratio", "pe_utilisation_of_job_cycles": "fraction"}


def header_with_unit(col):
    if col in NAMED_UNITS:
        return "%s (%s)" % (col, NAMED_UNITS[col])
    stem = col.split(".", 1)[0]  # energy_by_component_pj.top.x: the unit of its family
    for suf, u in UNIT_SUFFIXES:
        if col.endswith(suf) or stem.endswith(suf):
            return "%s (%s)" % (col, u)
    return col


# The table shows times in us and energies in uJ, as the plots do: (suffix, unit shown, divisor).
DISPLAY_SCALES = [("_ns", "us", 1e3), ("_pj", "uJ", 1e6)]


def display_scale(col):
    stem = col.split(".", 1)[0]
    for suf, unit, div in DISPLAY_SCALES:
        if stem.endswith(suf):
            return stem[: -len(suf)] + col[len(stem):], unit, div
    return None


def display_header(col):
    """'latency (us) [latency_ns]' for a scaled column, else the header with its unit."""
    s = display_scale(col)
    return "%s (%s) [%s]" % (s[0], s[1], col) if s else header_with_unit(col)


def display_value(col, v):
    s = display_scale(col)
    return v / s[2] if s and is_num(v) else v


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def sweep_plot(rows, axes, metric, label, scale, unit):
    """Grouped bars: x = the first axis's values (or the point id), a bar per value of the second axis."""
    x_key = axes[0] if axes else "id"
    g_key = axes[1] if len(axes) > 1 else None
    xs, groups, val = [], [], {}
    for r in rows:
        if not is_num(r.get(metric)):
            continue
        x = sig4(r.get(x_key))
        g = sig4(r.get(g_key)) if g_key else ""
        if x not in xs:
            xs.append(x)
        if g not in groups:
            groups.append(g)
        val[(x, g)] = r[metric] / scale
    if not val:
        return ""
    if all(is_num(r.get(x_key)) for r in rows if x_key in r):
        xs.sort(key=lambda s: float(s))
    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    n = len(groups)
    w = 0.8 / n
    for i, g in enumerate(groups):
        pos = [k - 0.4 + w * (i + 0.5) for k in range(len(xs))]
        ax.bar(pos, [val.get((x, g), 0.0) for x in xs], width=w, color=COLOURS[i % len(COLOURS)],
               label=("%s = %s" % (g_key.rsplit(".", 1)[-1], g)) if g_key else None)
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(xs, rotation=30 if len(xs) > 6 else 0, fontsize=8)
    ax.set_xlabel(x_key if axes else "point")
    ax.set_ylabel("%s (%s)" % (label, unit) if unit else label)
    ax.set_ylim(bottom=0)
    if g_key:  # beside the axes, never over the bars (savefig's tight box keeps it in the page)
        ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
    x_name = x_key if axes else "point"
    return svg(fig, "%s (%s) per %s" % (label, unit, x_name) if unit else "%s per %s" % (label, x_name))


def sweep_page(outdir):
    with open(os.path.join(outdir, "sweep.json")) as f:
        spec = json.load(f)
    rows = []
    with open(os.path.join(outdir, "results.jsonl")) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    # The columns in savp's order (results.csv's header: id, the axes, status, exit_code, the totals).
    with open(os.path.join(outdir, "results.csv"), newline="") as f:
        cols = next(csv.reader(f), [])
    axes = cols[1 : cols.index("status")] if "status" in cols else []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    # Explicit points: the x axis is the point id (each point sets its own keys).
    plot_axes = [] if "points" in spec else axes
    # The per-point seed ("seed": true) is an axis of the run but not of the comparison: it folds.
    fixed = ["id"] + [a for a in axes if a != "seed"] + ["status"]
    varying = [c for c in cols if c not in fixed and len({json.dumps(r.get(c)) for r in rows}) > 1]
    folded = [c for c in cols if c not in fixed and c not in varying]
    # The headline: the figures an architect compares first, those the points have, in this order.
    headline = [c for c in SWEEP_HEADLINE
                if (c in varying or c in folded) and (c != "error" or any(r.get("error") for r in rows))]
    body = ["<p>Sweep <code>%s</code> over <code>%s</code>: %d points.</p>\n" % (
        esc(spec.get("id", os.path.basename(os.path.abspath(outdir)))), esc(spec.get("base", "")), len(rows))]
    failed = [r for r in rows if r.get("status") not in ("done",)]
    if failed:
        body.append("<p><b>%d point(s) not done:</b> %s</p>\n" % (
            len(failed), esc(", ".join("%s (%s)" % (r.get("id"), r.get("status")) for r in failed))))
    body.append("<h2>Plots</h2>\n<div id='plots'>")
    for m in SWEEP_METRICS:
        body.append(sweep_plot(rows, plot_axes, *m))
    body.append("</div>\n<h2>Results</h2>\n<p>The headline figures of every point (click a header to sort); "
                "below it, every column that varies across the points, and those equal at every point.</p>\n")
    def cell(c, r):  # an axis a point does not set (explicit points) ran with the base's value
        return "(base)" if c in axes and c not in r else display_value(c, r.get(c, ""))
    body.append(table([display_header(c) for c in fixed + headline],
                      [[cell(c, r) for c in fixed + headline] for r in rows], "results"))
    rest = [c for c in varying if c not in headline]
    if rest:
        body.append("<details><summary>%d more column(s) that vary across the points</summary>\n" % len(rest))
        body.append(table([display_header(c) for c in fixed + rest],
                          [[display_value(c, r.get(c, "")) for c in fixed + rest] for r in rows], "varying"))
        body.append("</details>\n")
    if folded:
        body.append("<details><summary>%d column(s) equal at every point</summary>\n" % len(folded))
        body.append(table(["column", "value"], [[display_header(c), display_value(c, rows[0].get(c, ""))] for c in folded],
                          "constant"))
        body.append("</details>\n")
    body.append("<h2>Definition</h2>\n<pre>%s</pre>\n" % esc(json.dumps(spec, indent=2)))
    body.append(
        "<script>\n(function(){['results','varying'].forEach(function(id){var t=document.getElementById(id);"
        "if(!t)return;var hs=t.tHead.rows[0].cells;"
        "for(var i=0;i<hs.length;i++){(function(i){hs[i].addEventListener('click',function(){"
        "var b=t.tBodies[0],rs=Array.prototype.slice.call(b.rows),asc=hs[i].dataset.asc!=='1';"
        "rs.sort(function(p,q){var a=p.cells[i].textContent,c=q.cells[i].textContent,x=parseFloat(a),y=parseFloat(c);"
        "var r=(!isNaN(x)&&!isNaN(y))?x-y:a.localeCompare(c);return asc?r:-r;});"
        "rs.forEach(function(r){b.appendChild(r);});hs[i].dataset.asc=asc?'1':'0';});})(i);}});"
        "document.body.setAttribute('data-ready',String(document.getElementById('results').tBodies[0].rows.length));})();\n</script>\n")
    return page("SAVP sweep report", "".join(body))


def main(argv):
    if len(argv) != 3 or argv[1] not in ("run", "sweep"):
        sys.stderr.write("usage: savp_report.py run|sweep OUTDIR\n")
        return 2
    outdir = argv[2]
    try:
        text = run_page(outdir) if argv[1] == "run" else sweep_page(outdir)
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.stderr.write("savp_report: %s: %s\n" % (outdir, e))
        return 2
    write_atomic(os.path.join(outdir, "report.html"), text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
