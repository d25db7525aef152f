// The savp flow of SpAtten: its own plan (spatten_plan.hpp: one job per batch element running every
// layer and head, since cascade pruning spans them; generation and trace replay) and memory
// estimate (the job block of all heads, or the pruning trace). Host flow: spatten_host.cpp.
#include "models/common/random.hpp"
#include "testbenches/savp/engine_flow.hpp"

namespace savp::tb {

const EngineFlow& spatten_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "spatten";
    e.own_plan = [](sc::Scenario& s, JobPlan& plan) {
      const common::WorkloadSpec& w = s.workload;
      plan.spatten = std::make_shared<SpattenPlan>(plan_spatten(s, plan.base + 4096));
      plan.rows = plan.cols = plan.spatten->job.seq_len;
      plan.depth = w.head_dim;
      plan.value_dim = w.value_dim;
      for (std::uint64_t b = 0; b < w.batch; ++b) {
        JobSlot j;
        j.index = b;
        j.batch = b;
        j.seed = common::derive_seed(s.seed, b);
        plan.jobs.push_back(j);
      }
    };
    e.own_estimate = [](const sc::Scenario& s, MemoryEstimate& est) {
      // One job per batch element runs every layer and head; the job block in memory holds all
      // of them (FP16 or quantised codes), the host generates and checks one head at a time.
      const common::WorkloadSpec& w = s.workload;
      const double L = static_cast<double>(w.seq_len), d = static_cast<double>(w.head_dim),
                   dv = static_cast<double>(w.value_dim);
      const double head = L * (2 * d + dv);  // Q, K, V elements of one head
      const double heads = static_cast<double>(w.layers) * static_cast<double>(w.heads);
      if (w.source == "trace") {
        est.items.emplace_back("pruning trace", 4 * file_bytes(w.trace_file));
      } else {
        est.items.emplace_back("memory contents", heads * head * 2.0 + heads * L * 64.0);
        // Host: the generated head and the reference row by row; engine: decoded K and V, the
        // P x V sums and output rows of one head (queries are scored one at a time).
        est.items.emplace_back("operands of one head (host, engine)", head * 8.0 * 2 + L * dv * 20.0);
      }
      return static_cast<double>(w.batch);
    };
    e.numerics_off = [](const sc::Scenario& s) -> std::string {
      // A replay takes every decision from the trace and computes nothing: it runs as it always does.
      if (s.workload.source == "trace") return "";
      return "its cascade token and head pruning and its progressive quantisation decide on the attention "
             "probabilities of the data; replay a recorded pruning trace (workload.data.source \"trace\") "
             "for a timing-only run";
    };
    e.run_job = &HostDriver::run_spatten_job;
    return e;
  }();
  return f;
}

}  // namespace savp::tb
