// The savp flow of SALO: attention (no GEMMs) on the shared plan and host flow, checked against the
// array and the pattern (salo::SaloCore::check_job); the memory estimate adds the scheduler's tiles.
#include <cmath>

#include "models/salo/salo_core.hpp"
#include "testbenches/savp/engine_flow.hpp"

namespace savp::tb {

const EngineFlow& salo_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "salo";
    e.check = [](const sc::Scenario& s, const JobPlan&) -> std::string {
      const common::WorkloadSpec& w = s.workload;
      refuse_gemm(s, "SALO");
      const auto c = salo::SaloCore::check_job(s.accelerators[w.accelerator].salo, w.seq_len, w.head_dim,
                                               w.value_dim, w.pattern);
      const bool on_accelerator = salo::SaloCore::is_accelerator_key(c.key);
      refuse_job(s, "SALO", (on_accelerator ? accelerator_path(s) : "/workload") + "/" + c.key, c.why);
      return "";
    };
    e.numerics_off = [](const sc::Scenario& s) -> std::string {
      if (!s.accelerators[s.workload.accelerator].salo.rtl_backend) return "";  // same steps without data
      return "its backend \"rtl\" runs every tile on the verilated array, which needs the operands (use "
             "backend \"model\")";
    };
    e.model_attention = [](const sc::Scenario& s, std::uint32_t a, const common::JobDescriptor& job,
                           const common::AttentionPattern& pattern, bool decode) {
      // A decode step: the new token's query (one array row; the other rows idle) against the keys
      // the plan gives it (the cache, or its sliding window), every one of them allowed.
      if (decode)
        return salo::SaloCore::check_job(s.accelerators[a].salo, job.cols, job.depth, job.value_dim,
                                         common::AttentionPattern{}, job.rows);
      return salo::SaloCore::check_job(s.accelerators[a].salo, job.cols, job.depth, job.value_dim, pattern);
    };
    e.extra_estimate = [](const sc::Scenario& s, MemoryEstimate& est) {
      // The scheduler's tiles: one per 32 x 32 patch of the pattern, each with its masks.
      const common::WorkloadSpec& w = s.workload;
      const sc::AcceleratorSpec& acc = s.accelerators[w.accelerator];
      const double L = static_cast<double>(w.seq_len);
      const double rows = acc.salo.array.rows, cols = acc.salo.array.cols;
      const double span = w.pattern.window ? 2.0 * static_cast<double>(w.pattern.window) + 1 : L;
      const double tiles = std::ceil(L / rows) * std::ceil(span / cols);
      est.items.emplace_back("SALO schedule", tiles * (rows * (cols + 64.0) + 512.0));
    };
    return e;
  }();
  return f;
}

}  // namespace savp::tb
