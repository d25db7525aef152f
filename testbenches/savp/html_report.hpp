// report.html of a run or a sweep: savp starts scripts/report/savp_report.py with /usr/bin/python3
// (an argv, no shell: child_process.hpp), which reads the output directory (stats.json, or a
// sweep's results.jsonl and sweep.json) and writes report.html through a temporary name: the page
// is complete or absent. The charts are matplotlib SVG inlined in the page (no network).
// Without python3 or matplotlib, or with SAVP_REPORT=0 in the environment, there is no page and
// the run still succeeds: the reason is returned for the summary.
#pragma once

#include <string>

namespace savp::tb {

// Whether SAVP_REPORT in the environment allows report pages (unset or anything but "0").
bool reports_enabled_by_env();

// Writes OUTDIR/report.html; kind is "run" or "sweep". Returns "" when the page was written, else
// why there is none (python3 or matplotlib missing, the script's error). Removes a stale page first.
std::string write_report_html(const std::string& outdir, const std::string& kind);

}  // namespace savp::tb
