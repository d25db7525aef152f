// The savp flow of the traffic generator: traffic workloads only; its own plan (one job over one
// region after the descriptor page, which must fit the memory). Host flow: traffic_host.cpp.
#include "models/common/input_error.hpp"
#include "models/common/random.hpp"
#include "testbenches/savp/engine_flow.hpp"

namespace savp::tb {

const EngineFlow& traffic_flow() {
  static const EngineFlow f = [] {
    EngineFlow e;
    e.type = "traffic";
    e.own_plan = [](sc::Scenario& s, JobPlan& plan) {
      const common::WorkloadSpec& w = s.workload;
      plan.layout.a = plan.base + 4096;
      plan.layout.end = plan.layout.a + w.region_bytes;
      if (plan.layout.end > s.memory.size_bytes) {
        throw common::InputError(s.file, "/workload/region_kib",
                                 "the traffic region (" + std::to_string(w.region_bytes >> 10) +
                                     " KiB) does not fit the " + std::to_string(s.memory.size_bytes >> 20) +
                                     " MiB memory");
      }
      JobSlot j;
      j.seed = common::derive_seed(s.seed, 0);
      plan.jobs.push_back(j);
    };
    e.numerics_off = [](const sc::Scenario&) { return std::string(); };  // same requests without data
    e.run_job = &HostDriver::run_traffic_job;
    return e;
  }();
  return f;
}

}  // namespace savp::tb
