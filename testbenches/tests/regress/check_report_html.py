#!/usr/bin/env python3
"""A sweep's report.html in a real headless Chromium (Debian chromium): the page loads without a
script error, its script ran over the whole results table (data-ready = the number of points) and
the plots are inline SVG; nothing is fetched from the network (the page references no URL).
Usage: check_report_html.py REPORT.html POINTS"""
import re, shutil, subprocess, sys

report, points = sys.argv[1], int(sys.argv[2])
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    sys.exit("chromium not found: scripts/test installs Debian's chromium")
html = open(report).read()
if re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", html):
    sys.exit("the report references a network resource")
if html.count("<svg") < 1:
    sys.exit("no inline SVG plot")
r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                    "--dump-dom", "file://" + report], capture_output=True, text=True, timeout=120)
if r.returncode != 0:
    sys.exit("chromium failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
if "Uncaught" in r.stderr:
    sys.exit("script error in the page: " + "\n".join(l for l in r.stderr.splitlines() if "Uncaught" in l))
m = re.search(r'data-ready="(\d+)"', r.stdout)
if not m or int(m.group(1)) != points:
    sys.exit("the page's script did not finish over %d rows: %s" % (points, m.group(0) if m else "no data-ready"))
rows = r.stdout.count("<tr>") - 1
if rows != points:
    sys.exit("%d table rows in the rendered page, expected %d" % (rows, points))
print("report.html renders in Chromium: %d rows, %d plots" % (rows, html.count("<svg")))
