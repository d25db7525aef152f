// The sweep's report page (OUTDIR/report.html): one self-contained file (no network) with the sweep
// definition, the results table (click a header to sort) and inline SVG plots of the main totals
// against the first axis, one series per value of the second. Rewritten with every merge.
#pragma once

#include <string>
#include <vector>

#include "models/common/json_reader.hpp"
#include "testbenches/savp/sweep_spec.hpp"

namespace savp::tb {

// rows: one object per point (id, axis values, status, exit_code, flattened totals); columns: the
// table's columns in order.
std::string sweep_report_html(const SweepSpec& spec, const std::vector<common::Json>& rows,
                              const std::vector<std::string>& columns);

}  // namespace savp::tb
