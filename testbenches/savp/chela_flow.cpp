// The savp flow of CHELA: linear attention over the whole sequence (causal or not) checked against
// the engine (chela::ChelaCore::check_job); the layout adds the job block, kernels and FFT scratch
// after the output. Host flow: chela_host.cpp.
#include "models/chela/chela_core.hpp"
#include "testbenches/savp/engine_flow.hpp"

namespace savp::tb {

const EngineFlow& chela_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "chela";
    e.check = [](const sc::Scenario& s, const JobPlan&) -> std::string {
      const common::WorkloadSpec& w = s.workload;
      refuse_gemm(s, "CHELA");
      refuse_sparse_pattern(s,
                            "CHELA runs linear attention over the whole sequence (causal or not): no window, "
                            "dilation, global tokens or 2D window");
      const auto c = chela::ChelaCore::check_job(s.accelerators[w.accelerator].chela, w.seq_len, w.head_dim,
                                                 w.value_dim);
      refuse_job(s, "CHELA", accelerator_path(s) + "/" + c.key, c.why);
      return "";
    };
    e.extra_regions = [](const sc::Scenario& s, MemoryLayout& m) {
      // Job block, kernels and FFT scratch after the output.
      const common::WorkloadSpec& w = s.workload;
      m.diag = m.end;
      m.end = chela::chela_regions(s.accelerators[w.accelerator].chela, m.diag, w.seq_len, w.value_dim).end;
    };
    e.numerics_off = [](const sc::Scenario&) { return std::string(); };  // same steps without data
    e.run_job = &HostDriver::run_chela_job;
    return e;
  }();
  return f;
}

}  // namespace savp::tb
