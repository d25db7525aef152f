#include "testbenches/savp/engine_flow.hpp"

#include <stdexcept>

#include "models/common/input_error.hpp"

namespace savp::tb {

const std::vector<const EngineFlow*>& engine_flows() {
  // The registration table of the savp program: a new engine adds its flow here (and its
  // descriptor in tlm/platform/engine_registry.cpp).
  static const std::vector<const EngineFlow*> all{&dense_flow(),  &salo_flow(),  &spatten_flow(),
                                                  &sprint_flow(), &chela_flow(), &traffic_flow()};
  return all;
}

const EngineFlow& engine_flow(const sc::AcceleratorSpec& acc) {
  for (const EngineFlow* f : engine_flows()) {
    if (f->type == acc.engine().type) return *f;
  }
  throw std::logic_error("no savp flow for accelerator type " + acc.type);
}

std::string accelerator_path(const sc::Scenario& s) {
  return "/platform/accelerators/" + std::to_string(s.workload.accelerator);
}

void refuse_gemm(const sc::Scenario& s, const std::string& engine) {
  if (s.workload.kind == common::WorkloadSpec::Kind::Gemm) {
    throw common::InputError(s.file, "/workload/kind", "the " + engine + " engine runs attention, not GEMMs");
  }
}

void refuse_sparse_pattern(const sc::Scenario& s, const std::string& why) {
  const common::AttentionPattern& p = s.workload.pattern;
  if (p.window || p.dilation != 1 || !p.global_tokens.empty() || p.grid_h) {
    throw common::InputError(s.file, "/workload/pattern", why);
  }
}

void refuse_job(const sc::Scenario& s, const std::string& engine, const std::string& key,
                const std::string& why) {
  if (!why.empty()) {
    throw common::InputError(
        s.file, key, "the " + engine + " engine (" + accelerator_path(s) + ") cannot run this: " + why);
  }
}

}  // namespace savp::tb
