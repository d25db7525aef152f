// Platform: the virtual platform a scenario describes, elaborated as SystemC modules. A router
// joins the initiators (the host's socket, bound by the testbench, and every accelerator's DMA
// port) to the targets (the shared main memory and each accelerator's CSR block); each accelerator
// drives an interrupt line. Accelerators are built by a factory keyed by "type".
//
// Address map: main memory at [0, size); accelerator i's CSRs at kCsrBase + i * 0x1000.
#pragma once

#include <systemc>

#include <memory>
#include <vector>

#include "tlm/accelerators/accelerator_base.hpp"
#include "tlm/core/stats_tree.hpp"
#include "tlm/interconnect/router.hpp"
#include "tlm/memory/simple_memory.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

class Platform : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kCsrBase = 0x10'0000'0000ull;

  Platform(sc_core::sc_module_name name, const Scenario& scenario);

  Router bus;
  SimpleMemory memory;
  std::vector<std::unique_ptr<AcceleratorBase>> accelerators;
  sc_core::sc_vector<sc_core::sc_signal<bool>> irq;

  std::uint64_t memory_base() const { return 0; }
  std::uint64_t memory_size() const { return memory.store().size(); }
  std::uint64_t csr_base(std::size_t i) const { return kCsrBase + i * csr::kBlockBytes; }
  void report_stats(StatsTree& tree) const;
};

// Builds one accelerator module from its spec (the factory by "type").
std::unique_ptr<AcceleratorBase> make_accelerator(const AcceleratorSpec& spec,
                                                  const common::EnergyTable& energy, TimingMode mode);

}  // namespace savp::sc
