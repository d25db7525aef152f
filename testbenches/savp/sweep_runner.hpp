// SweepRunner: runs a sweep's points on this machine, each as its own `savp run` process (one
// SystemC elaboration per process), N at a time, and merges the results. A point runs into
// OUTDIR/.tmp/<id> (its log in OUTDIR/.logs/<id>), which is renamed to OUTDIR/points/<id> once its
// point.json (status, exit code, the point's values and fingerprint, wall time) is written: an
// interrupted sweep never leaves a half-written point that looks complete, and no point id can name
// another point's temporary. savp replaces only directories it wrote (see check_savp_dir). With
// resume, points whose directory holds a complete result of the same scenario are kept. SIGINT/
// SIGTERM stop the children and leave the finished points. OUTDIR/results.csv (RFC 4180) and
// results.jsonl: one row per point (id, the axis values, status, exit code, then the scalar totals
// of its stats.json), written atomically after every run.
#pragma once

#include <string>
#include <vector>

#include "testbenches/savp/sweep_spec.hpp"

namespace savp::tb {

struct SweepOptions {
  std::string outdir;
  unsigned jobs = 1;
  bool resume = false;
  std::string savp;  // the savp executable the points run with
  std::vector<std::string> run_args;  // passed to every point's savp run (--time-limit, --max-memory)
};

// What a point's directory holds. done: exit 0 with a complete result; failed: exit 1 (it ran, a
// check failed) with a complete result; stale: a result of another scenario (its fingerprint differs
// or is absent); incomplete: anything else that is there (exit 2, killed, unreadable).
enum class PointState { missing, done, failed, stale, incomplete };
PointState point_state(const SweepPoint& p, const std::string& outdir);

// The one resume rule of both backends: keeps done and failed points (their state in *state) and
// says on stderr why a point that has a result runs again.
bool resume_keeps(const SweepPoint& p, const std::string& outdir, PointState* state = nullptr);

// Throws common::InputError (exit 2) before anything is written when the sweep would have to
// replace or write through something savp did not write (OUTDIR/points as a file, a point's
// directory holding user files); with resume, the points it keeps are not touched.
void check_sweep_dir(const SweepSpec& spec, const std::string& outdir, bool resume);

// Returns the exit code: 0 every point ran and passed, 1 some point failed, 128 + the signal when
// interrupted (130 SIGINT, 143 SIGTERM).
int run_sweep(const SweepSpec& spec, const SweepOptions& options);

// An RFC 4180 field: quoted when it holds a comma, a quote, CR or LF; quotes doubled.
std::string csv_field(const std::string& s);

// Re-merges the results of OUTDIR's finished points (results.csv, results.jsonl) and, with
// draw_report, draws report.html from them (html_report.hpp; without, a stale page is removed).
void merge_results(const SweepSpec& spec, const std::string& outdir, bool draw_report = true);

// Runs point `index` to completion (a cluster task does this); returns its savp exit code.
int run_one_point(const SweepSpec& spec, const std::string& outdir, std::size_t index,
                  const std::string& savp, const std::vector<std::string>& run_args = {});

// Slurm backend: OUTDIR/sweep.sbatch (one array task per point, at most `jobs` at once; time,
// memory and partition when given), submitted with sbatch; the job id in OUTDIR/slurm.json. Each
// task runs `savp sweep --run-point OUTDIR --index $SLURM_ARRAY_TASK_ID`. Returns an exit code.
struct SlurmOptions {
  std::string time, mem, partition;
};
int submit_slurm(const SweepSpec& spec, const SweepOptions& options, const SlurmOptions& slurm);
// Throws common::InputError (exit 2) naming the option when a value written into sweep.sbatch
// (--time, --mem, --partition, the output path, the savp path, the run limits) does not match its
// strict pattern; called before anything is written.
void check_slurm_options(const SlurmOptions& slurm, const SweepOptions& options);
// Merges what OUTDIR's points have finished and reports the cluster job's state (squeue); returns
// 0 when every point is complete, 3 while points are still pending or running, 1 when some failed
// or when points are unfinished and no Slurm job is recorded to finish them.
int collect_sweep(const SweepSpec& spec, const std::string& outdir);

}  // namespace savp::tb
