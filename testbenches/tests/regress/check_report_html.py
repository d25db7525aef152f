#!/usr/bin/env python3
"""A report.html (savp run's or savp sweep's) in a real headless Chromium (Debian chromium): nothing
is fetched from the network (the page references no URL), every chart is inline SVG that draws
paths, the page loads without a console message or script error, a screenshot of it is taken (a
non-empty PNG OUTDIR.report.png beside the output directory), and the sections named with --section are on it. With --rows N
(a sweep's page) the page's script ran over the whole results table (data-ready = N) and the table
has N rows.
Usage: check_report_html.py REPORT.html [--rows N] [--section TEXT]... [--min-charts K] [--max-columns K]"""
import argparse, os, re, shutil, subprocess, sys

ap = argparse.ArgumentParser()
ap.add_argument("report")
ap.add_argument("--rows", type=int)
ap.add_argument("--section", action="append", default=[])
ap.add_argument("--min-charts", type=int, default=1)
ap.add_argument("--max-columns", type=int, help="the results table (a sweep's headline) has at most K columns")
a = ap.parse_args()
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    sys.exit("chromium not found: scripts/test installs Debian's chromium")
report = os.path.abspath(a.report)
html = open(report, encoding="utf-8").read()
if re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", html) or "@import" in html or "url(http" in html:
    sys.exit("the report references a network resource")
charts = re.findall(r"<svg\b.*?</svg>", html, re.S)
if len(charts) < a.min_charts:
    sys.exit("%d inline SVG chart(s), expected at least %d" % (len(charts), a.min_charts))
for i, c in enumerate(charts):
    if len(re.findall(r"<path\b[^>]*\bd=\"[^\"]{8,}", c)) < 3:
        sys.exit("chart %d draws nothing (fewer than 3 paths)" % (i + 1))
if a.max_columns is not None:
    head = re.search(r"<table id='results'><thead><tr>(.*?)</tr>", html, re.S)
    n = head.group(1).count("<th>") if head else -1
    if not 0 < n <= a.max_columns:
        sys.exit("the results table has %d columns, expected 1..%d (the headline; the rest fold)" % (n, a.max_columns))
for s in a.section:
    if s not in html:
        sys.exit("the page has no %r" % s)
common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
r = subprocess.run(common + ["--dump-dom", "file://" + report], capture_output=True, text=True, timeout=180)
if r.returncode != 0:
    sys.exit("chromium failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
bad = [l for l in r.stderr.splitlines() if "Uncaught" in l or "CONSOLE(" in l]
if bad:
    sys.exit("console messages or script errors in the page:\n" + "\n".join(bad))
if a.rows is not None:
    m = re.search(r'data-ready="(\d+)"', r.stdout)
    if not m or int(m.group(1)) != a.rows:
        sys.exit("the page's script did not finish over %d rows: %s" % (a.rows, m.group(0) if m else "no data-ready"))
    body = re.search(r"<table id=\"results\">.*?</table>", r.stdout, re.S)
    rows = body.group(0).count("<tr>") - 1 if body else -1
    if rows != a.rows:
        sys.exit("%d result rows in the rendered page, expected %d" % (rows, a.rows))
png = os.path.dirname(report) + ".report.png"  # beside the output directory: nothing foreign in it
if os.path.exists(png):
    os.remove(png)
r = subprocess.run(common + ["--window-size=1200,3000", "--screenshot=" + png, "file://" + report],
                   capture_output=True, text=True, timeout=180)
if r.returncode != 0 or not os.path.exists(png) or os.path.getsize(png) < 10000:
    sys.exit("no screenshot (%d): %s" % (r.returncode, r.stderr[-2000:]))
with open(png, "rb") as f:
    if f.read(8) != b"\x89PNG\r\n\x1a\n":
        sys.exit("the screenshot is not a PNG")
print("%s renders in Chromium: %d charts, screenshot %s (%d bytes)" % (a.report, len(charts), png, os.path.getsize(png)))
