#include "testbenches/savp/memory_estimate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "models/common/input_error.hpp"
#include "models/common/number_format.hpp"
#include "models/common/power_profile.hpp"
#include "testbenches/savp/engine_flow.hpp"
#include "testbenches/savp/job_plan.hpp"
#include "testbenches/savp/task_plan.hpp"
#include "tlm/platform/hardware_inventory.hpp"

namespace savp::tb {

namespace {

// The savp process with SystemC, an elaborated platform and no workload (measured peak RSS of a
// 16-token dense job: 12-13 MB).
constexpr double kProcessBytes = 16.0 * (1 << 20);
// Statistics of one finished job: its JSON entry in stats.json (about 40 fields, components per
// job) and the host's and engine's job records (measured: about 6 KB per job).
constexpr double kPerJobBytes = 8.0 * 1024;
// One trace.json event kept in memory until the end of the run (a JSON object of 6-8 fields).
constexpr double kPerTraceEventBytes = 400.0;
// outputs.power, per component and bin (models/common/power_profile.*, power_report.*): the
// profile's dynamic bin, at its close a copy of it and the table's dynamic and static bins (4 x 8
// bytes), power.csv's two columns (up to 22 characters each at 15 digits); with outputs.trace the
// power track's value (8 bytes) and at most one counter event per bin (kPerTraceEventBytes).
constexpr double kPowerBinBytes = 4 * 8.0 + 2 * 22.0;
constexpr double kPowerTraceBinBytes = 8.0 + kPerTraceEventBytes;
constexpr const char* kPowerItem = "power bins";

// The power bins of a run (outputs.power): every component of the energy breakdown (each priced
// hardware component, plus the memory, the bus and the PIM window) x the bins. A run's length is
// not known before it is simulated and the profile widens its bins past kMaxBins, so the estimate
// takes that bound: what a short power_bin_ns over a long run reaches.
double power_bins_bytes(const sc::Scenario& s) {
  if (!s.outputs.power) return 0.0;
  const double components = static_cast<double>(sc::hardware_inventory(s).size() + 3);
  const double per_bin = kPowerBinBytes + (s.outputs.trace ? kPowerTraceBinBytes : 0.0);
  return (components + 1) * static_cast<double>(common::PowerProfile::kMaxBins) * per_bin;  // + total
}

}  // namespace

double file_bytes(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0.0 : static_cast<double>(n);
}

double MemoryEstimate::total() const {
  double t = 0;
  for (const auto& [what, bytes] : items) t += bytes;
  return t;
}

std::string MemoryEstimate::describe() const {
  auto sorted = items;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string s;
  for (std::size_t i = 0; i < sorted.size() && i < 3; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g GB", sorted[i].second / 1e9);
    s += (i ? ", " : "") + sorted[i].first + " " + buf;
  }
  return s;
}

namespace {

// Jobs of one pass of a task's workload (batch x layers x heads; 1 for a GEMM or traffic).
double task_jobs_estimate(const common::WorkloadSpec& w) {
  if (w.kind != common::WorkloadSpec::Kind::Attention) return 1.0;
  return static_cast<double>(w.batch) * static_cast<double>(w.layers) * static_cast<double>(w.heads);
}

}  // namespace

MemoryEstimate estimate_memory(const sc::Scenario& s) {
  MemoryEstimate e;
  if (!s.tasks.empty()) {
    // Every lane of every task holds its own operands at once; one process.
    e.items.emplace_back("process", kProcessBytes);
    for (std::size_t i = 0; i < s.tasks.size(); ++i) {
      for (std::uint32_t a : s.tasks[i].accelerators) {
        for (const auto& [what, bytes] : estimate_memory(task_scenario(s, i, a)).items) {
          if (what != "process" && what != kPowerItem)
            e.items.emplace_back("task " + s.tasks[i].id + ": " + what, bytes);
        }
      }
      // Each repetition keeps its jobs' results and statistics.
      const double reps = static_cast<double>(s.tasks[i].repeat - 1);
      const double jobs = std::max(1.0, task_jobs_estimate(s.tasks[i].workload));
      if (reps > 0)
        e.items.emplace_back("task " + s.tasks[i].id + ": repeated jobs' statistics",
                             reps * jobs * kPerJobBytes);
    }
    if (s.outputs.power) e.items.emplace_back(kPowerItem, power_bins_bytes(s));  // one platform
    return e;
  }
  const common::WorkloadSpec& w = s.workload;
  const sc::AcceleratorSpec& acc = s.accelerators.at(w.accelerator);
  const double elem = static_cast<double>(common::elem_bytes(acc.format(), acc.int_bits()));
  e.items.emplace_back("process", kProcessBytes);
  double jobs = 1;
  // Numerics "off" (timing-only jobs): no operand, reference or output bytes anywhere, and no
  // memory contents (the targets leave their stores alone).
  const bool data = w.numerics;
  switch (w.kind) {
    case common::WorkloadSpec::Kind::Traffic: {
      const double n = static_cast<double>(w.requests);
      // Request lists (host scoreboard and generator), per-request latency samples, the region.
      e.items.emplace_back("traffic requests", n * ((data ? 2 : 1) * 32.0 + 16.0));
      if (data) e.items.emplace_back("memory contents", static_cast<double>(w.region_bytes));
      break;
    }
    case common::WorkloadSpec::Kind::Gemm: {
      if (!data) break;
      const double M = static_cast<double>(w.M), N = static_cast<double>(w.N), K = static_cast<double>(w.K);
      e.items.emplace_back("operands (host, engine)", (M * K + K * N) * (2 * 8.0 + elem));
      e.items.emplace_back("result and reference", M * N * (8.0 + 8.0 + 4.0 + 8.0));
      e.items.emplace_back("memory contents", (M * K + K * N) * elem + M * N * 4.0);
      break;
    }
    case common::WorkloadSpec::Kind::Model: {
      const common::ModelWorkload& mw = *w.model;
      const common::ModelSpec& m = mw.model;
      const double B = static_cast<double>(mw.batch), layers = static_cast<double>(m.layers);
      const double h = static_cast<double>(m.hidden), f = static_cast<double>(m.ffn_hidden);
      const double qd = static_cast<double>(m.heads * m.head_dim),
                   kvd = static_cast<double>(m.kv_heads * m.head_dim);
      const double passes = (mw.runs_prefill() ? 1.0 : 0.0) + static_cast<double>(mw.decode_steps());
      // Per layer and pass: about 15 linear-side jobs, the appends and the attention jobs.
      jobs = passes * layers *
             (15.0 + 2 * B * static_cast<double>(m.kv_heads) + B * static_cast<double>(m.heads));
      if (!w.numerics) break;
      const double params =
          layers * (h * (qd + 2 * kvd) + qd * h + f * h * (m.ffn == common::ModelSpec::Ffn::Swiglu ? 3 : 2));
      const double tokens = static_cast<double>(mw.final_tokens());
      const double cache = layers * B * 2 * kvd * tokens;
      const double rows = B * (mw.runs_prefill() ? static_cast<double>(mw.seq_len) : 1.0);
      const double acts = rows * (4 * h + 2 * qd + 2 * kvd + 3 * f);
      // Host: the weights in double (the runner's, which the reference shares), the KV cache in
      // double (the runner's and the reference's), the activations (host, reference, packing);
      // memory: the weights and the cache in the bus format, the activations at fp32.
      e.items.emplace_back("model weights (host)", params * 8.0);
      e.items.emplace_back("KV cache (host and reference)", cache * 8.0 * 2);
      e.items.emplace_back("activations (host and reference)", acts * 8.0 * 3 + B * tokens * h * 8.0);
      e.items.emplace_back("memory contents", (params + cache) * elem + acts * 4.0);
      if (m.attention.window > 0 || !m.attention.is_dense()) break;
      // The reference's dense scores of one head at a time.
      e.items.emplace_back("reference scores", rows * tokens * 8.0);
      break;
    }
    case common::WorkloadSpec::Kind::Attention: {
      const double L = static_cast<double>(w.seq_len), d = static_cast<double>(w.head_dim),
                   dv = static_cast<double>(w.value_dim);
      const double head = L * (2 * d + dv);  // Q, K, V elements of one head
      jobs = static_cast<double>(w.batch) * static_cast<double>(w.layers) * static_cast<double>(w.heads);
      const EngineFlow& flow = engine_flow(acc);
      if (flow.own_estimate) {
        jobs = flow.own_estimate(s, e);
      } else if (data) {
        // Host: generated doubles, bus-format packing, the reference and the read-back output;
        // engine: decoded operand copies and output accumulators.
        e.items.emplace_back("operands of one job (host)", head * (8.0 + elem) + L * dv * (8.0 + 4.0 + 8.0));
        e.items.emplace_back("operands of one job (engine)", head * 8.0 * 2 + L * dv * 8.0);
        e.items.emplace_back("memory contents", head * elem + L * dv * 4.0);
      }
      if (flow.extra_estimate) flow.extra_estimate(s, e);
      if (w.source == "npy") {  // read and checked at plan time, numerics on or off
        e.items.emplace_back("npy inputs",
                             2 * (file_bytes(w.q_file) + file_bytes(w.k_file) + file_bytes(w.v_file)));
      }
      break;
    }
  }
  e.items.emplace_back("job statistics", jobs * kPerJobBytes);
  if (s.outputs.trace)
    e.items.emplace_back("trace events",
                         static_cast<double>(s.outputs.trace_max_events) * kPerTraceEventBytes);
  if (s.outputs.power) e.items.emplace_back(kPowerItem, power_bins_bytes(s));
  return e;
}

std::uint64_t default_memory_limit() {
  double phys = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream cg("/sys/fs/cgroup/memory.max");
  std::string v;
  if (cg >> v && v != "max") {
    try {
      phys = std::min(phys, std::stod(v));
    } catch (const std::exception&) {
    }
  }
  return static_cast<std::uint64_t>(0.8 * phys);
}

void check_memory(const sc::Scenario& s, std::uint64_t limit_bytes) {
  const MemoryEstimate e = estimate_memory(s);
  if (e.total() > static_cast<double>(limit_bytes)) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "this scenario needs an estimated %.3g GB of memory, above the limit of %.3g GB",
                  e.total() / 1e9, static_cast<double>(limit_bytes) / 1e9);
    throw common::InputError(
        s.file, s.tasks.empty() ? "/workload" : "/tasks",
        std::string(buf) + " (largest: " + e.describe() +
            "); reduce the workload, or raise the limit with --max-memory SIZE (default: 80 % "
            "of physical memory)");
  }
  // The baseline runs after the scenario, as its own process under the same limit.
  if (const std::optional<sc::Scenario> b = baseline_scenario(s)) {
    try {
      check_memory(*b, limit_bytes);
    } catch (const common::InputError& err) {
      throw baseline_error(s, err);
    }
  }
}

}  // namespace savp::tb
