#include "tlm/platform/engine_registry.hpp"

#include "tlm/accelerators/chela_accelerator.hpp"
#include "tlm/accelerators/dense_accelerator.hpp"
#include "tlm/accelerators/salo_accelerator.hpp"
#include "tlm/accelerators/spatten_accelerator.hpp"
#include "tlm/accelerators/sprint_accelerator.hpp"
#include "tlm/accelerators/traffic_generator.hpp"

namespace savp::sc {

const std::vector<const EngineDescriptor*>& engines() {
  // The registration table: a new engine adds its descriptor here (and its flow in
  // testbenches/savp/engine_flow.cpp).
  static const std::vector<const EngineDescriptor*> all{&dense_engine(),  &salo_engine(),  &spatten_engine(),
                                                        &sprint_engine(), &chela_engine(), &traffic_engine()};
  return all;
}

const EngineDescriptor* find_engine(const std::string& type) {
  for (const EngineDescriptor* e : engines()) {
    if (e->type == type) return e;
  }
  return nullptr;
}

}  // namespace savp::sc
