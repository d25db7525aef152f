#include "tlm/platform/platform.hpp"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <stdexcept>

#include "tlm/accelerators/dense_accelerator.hpp"
#include "tlm/accelerators/traffic_generator.hpp"

namespace savp::sc {

std::unique_ptr<AcceleratorBase> make_accelerator(const AcceleratorSpec& spec,
                                                  const common::EnergyTable& energy, TimingMode mode) {
  if (spec.type == "dense") {
    return std::make_unique<DenseAccelerator>(spec.name().c_str(), spec.dense, energy, mode);
  }
  if (spec.type == "traffic") return std::make_unique<TrafficGenerator>(spec.name().c_str(), spec.traffic, mode);
  throw std::invalid_argument("unknown accelerator type " + spec.type);
}

Platform::Platform(sc_core::sc_module_name name, const Scenario& s)
    : sc_module(name),
      bus("bus", sc_core::sc_time(s.hop_latency_ns, sc_core::SC_NS)),
      memory("memory", s.memory),
      irq("irq", s.accelerators.size()) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(s.quantum_ns, sc_core::SC_NS));
  bus.init_socket.bind(memory.tgt_socket);
  bus.map({"memory", memory_base(), memory.store().size(), 0});
  for (std::size_t i = 0; i < s.accelerators.size(); ++i) {
    accelerators.push_back(make_accelerator(s.accelerators[i], s.energy, s.timing_mode));
    AcceleratorBase& a = *accelerators.back();
    a.init_socket.bind(bus.tgt_socket);
    bus.init_socket.bind(a.tgt_socket);
    bus.map({a.name(), csr_base(i), csr::kBlockBytes, static_cast<unsigned>(i + 1)});
    a.irq.bind(irq[i]);
  }
}

void Platform::report_stats(StatsTree& tree) const {
  memory.report_stats(tree);
  for (const auto& a : accelerators) a->report_stats(tree);
  tree.add(bus.name(), "decode_errors", static_cast<double>(bus.decode_errors()), "error");
}

}  // namespace savp::sc
