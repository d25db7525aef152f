// SweepRunner: runs a sweep's points on this machine, each as its own `savp run` process (one
// SystemC elaboration per process), N at a time, and merges the results. A point's outputs go to
// OUTDIR/points/.<id>.tmp and are renamed to OUTDIR/points/<id> once its point.json (status, exit
// code, the point's values, wall time) is written: an interrupted sweep never leaves a half-written
// point that looks complete. With resume, points whose directory holds a complete, valid result
// are skipped. SIGINT/SIGTERM stop the children and leave the finished points. OUTDIR/results.csv
// and results.jsonl: one row per point (id, the axis values, status, exit code, then the scalar
// totals of its stats.json), written atomically after every run.
#pragma once

#include <string>

#include "testbenches/savp/sweep_spec.hpp"

namespace savp::tb {

struct SweepOptions {
  std::string outdir;
  unsigned jobs = 1;
  bool resume = false;
  std::string savp;  // the savp executable the points run with
};

// Returns the exit code: 0 every point ran and passed, 1 some point failed, 130 interrupted.
int run_sweep(const SweepSpec& spec, const SweepOptions& options);

// Re-merges the results of OUTDIR's finished points (results.csv, results.jsonl).
void merge_results(const SweepSpec& spec, const std::string& outdir);

}  // namespace savp::tb
