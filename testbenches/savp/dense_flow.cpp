// The savp flow of the dense systolic baseline: attention and GEMMs on the shared plan and host flow,
// within the array's limits (dense::DenseCore::check_job).
#include "models/dense/dense_core.hpp"
#include "testbenches/savp/engine_flow.hpp"

namespace savp::tb {

const EngineFlow& dense_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "dense";
    e.check = [](const sc::Scenario& s, const JobPlan& plan) {
      const bool gemm = s.workload.kind == common::WorkloadSpec::Kind::Gemm;
      return dense::DenseCore::check_job(s.accelerators[s.workload.accelerator].dense,
                                         gemm ? common::JobKind::Gemm : common::JobKind::Attention, plan.rows,
                                         plan.cols, plan.depth, plan.value_dim);
    };
    e.numerics_off = [](const sc::Scenario&) { return std::string(); };  // same steps without data
    e.model_linear = true;
    e.model_shares_kv = true;  // a decode job's rows may be a GQA group's queries against one K/V head
    e.model_attention = [](const sc::Scenario& s, std::uint32_t a, const common::JobDescriptor& job,
                           const common::AttentionPattern&, bool) {
      return common::JobCheck{
          "", dense::DenseCore::check_job(s.accelerators[a].dense, common::JobKind::Attention, job.rows,
                                          job.cols, job.depth, job.value_dim)};
    };
    return e;
  }();
  return f;
}

}  // namespace savp::tb
