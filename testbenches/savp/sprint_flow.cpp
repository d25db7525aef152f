// The savp flow of SPRINT: dense attention (optionally causal, padded batches allowed) checked
// against the engine (sprint::SprintCore::check_job); the layout adds the diagnostics region after
// the output, and the head's K MSB codes must fit the PIM window. Host flow: sprint_host.cpp.
#include "models/common/input_error.hpp"
#include "models/sprint/sprint_core.hpp"
#include "testbenches/savp/engine_flow.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

const EngineFlow& sprint_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "sprint";
    e.check = [](const sc::Scenario& s, const JobPlan&) -> std::string {
      const common::WorkloadSpec& w = s.workload;
      refuse_gemm(s, "SPRINT");
      refuse_sparse_pattern(s,
                            "SPRINT prunes dense attention (optionally causal): no window, dilation, global "
                            "tokens or 2D window");
      const auto c = sprint::SprintCore::check_job(s.accelerators[w.accelerator].sprint, w.seq_len,
                                                   w.head_dim, w.value_dim);
      refuse_job(s, "SPRINT", accelerator_path(s) + "/" + c.key, c.why);
      return "";
    };
    e.extra_regions = [](const sc::Scenario& s, MemoryLayout& m) {
      // Diagnostics right after the output: keep bits + output without recompute.
      const common::WorkloadSpec& w = s.workload;
      m.diag = m.out + w.seq_len * w.value_dim * 4;
      m.end = page_align(m.diag + sprint::SprintCore::diag_bytes(w.seq_len, w.value_dim));
      if (w.seq_len * w.head_dim > sc::Platform::kPimBytes) {
        throw common::InputError(s.file, "/workload/seq_len",
                                 "the head's K MSB codes do not fit the PIM window");
      }
    };
    e.numerics_off = [](const sc::Scenario&) -> std::string {
      return "its in-ReRAM scoring keeps the keys whose approximate scores pass the threshold, so which keys "
             "it fetches and recomputes depends on Q and K (no pruning-trace replay exists for SPRINT)";
    };
    e.run_job = &HostDriver::run_sprint_job;
    return e;
  }();
  return f;
}

}  // namespace savp::tb
