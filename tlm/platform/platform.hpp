// Platform: the virtual platform a scenario describes, elaborated as SystemC modules. A router
// joins the initiators (the host's socket, bound by the testbench, and every accelerator's DMA
// port) to the targets (the shared main memory and each accelerator's CSR block); each accelerator
// drives an interrupt line. Accelerators are built by a factory keyed by "type".
//
// Address map: main memory at [0, size); accelerator i's CSRs at kCsrBase + i * 0x1000; SPRINT's
// PIM window at kPimBase; the shared SRAM (platform.sram, when given) at [kSramBase, kSramBase +
// its size). The memory model follows platform.memory's kind: "simple" (fixed latency and
// bandwidth) or "dram" (banked DRAM with JEDEC timing); a DRAM's burst size caps every DMA request
// (the SRAM takes any size). A scenario with tasks turns on the memory targets' per-initiator
// statistics (by_initiator).
#pragma once

#include <systemc>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tlm/accelerators/accelerator_base.hpp"
#include "tlm/core/protocol_checker.hpp"
#include "tlm/core/stats_tree.hpp"
#include "tlm/interconnect/router.hpp"
#include "tlm/memory/memory_target.hpp"
#include "tlm/memory/reram_pim_target.hpp"
#include "tlm/memory/sram_target.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

class Platform : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kCsrBase = 0x10'0000'0000ull;
  // SPRINT's transposable ReRAM arrays (the processing-in-memory window), when a "sprint" engine
  // is present: its ordinary socket on the bus here, its PIM socket bound to every sprint engine.
  static constexpr std::uint64_t kPimBase = 0x20'0000'0000ull;
  static constexpr std::uint64_t kPimBytes = 1ull << 32;
  // The shared on-chip SRAM (platform.sram): at most 4 GiB (SramSpec::kMaxPlatformKib).
  static constexpr std::uint64_t kSramBase = 0x30'0000'0000ull;

  // vcd_base: where waves.vcd goes (sc_create_vcd_trace_file adds ".vcd"); empty for none.
  Platform(sc_core::sc_module_name name, const Scenario& scenario, const std::string& vcd_base = "");
  ~Platform() override;

  Router bus;
  std::unique_ptr<MemoryTarget> memory_target;  // SimpleMemory or DramTarget by memory kind
  MemoryTarget& memory() const { return *memory_target; }
  std::vector<std::unique_ptr<AcceleratorBase>> accelerators;
  std::unique_ptr<ReramPimTarget> pim;  // null without a sprint engine
  std::unique_ptr<SramTarget> sram;     // null without platform.sram
  sc_core::sc_vector<sc_core::sc_signal<bool>> irq;

  // Binds an outside initiator (the host) to the bus, through a protocol checker when enabled.
  void bind_initiator(tlm::tlm_initiator_socket<>& socket);
  // Base-protocol checkers on every socket: on when the environment sets SAVP_PROTOCOL_CHECK=1
  // (the test suite does). Their violations, one message each.
  std::vector<std::string> protocol_violations() const;
  const TraceWriter* trace_writer() const { return trace_.get(); }
  // Power over time (outputs.power; null when off): every component that spends energy puts it on
  // this profile. finish_power() closes it after the simulation (what only the end gives: DRAM
  // background, SRAM leakage); add_power_tracks() writes its bins into trace.json.
  // leakage_w: leakage power (W) by component name (as in energy_by_component_pj), powered over the
  // whole run, except the sub-components ("<its name>.<sub>") of a power-gated accelerator: their
  // logic over its powered periods only, with each wake-up's energy at the period's start, and
  // their state's (SRAM) leakage over the whole run.
  common::PowerProfile* power() { return power_.get(); }
  void finish_power(const std::map<std::string, double>& leakage_w = {});
  void add_power_tracks(const common::PowerTable& table);
  // Ends the waveform file (call after the simulation).
  void close_vcd();

  // Initiator ids carried by every DMA request (InitiatorExtension): 0 the host, i + 1 accelerator
  // i; their names by id, for the per-initiator statistics of the bus and the memory targets.
  const std::vector<std::string>& initiator_names() const { return initiator_names_; }

  std::uint64_t memory_base() const { return 0; }
  std::uint64_t memory_size() const { return memory_target->size_bytes(); }
  std::uint64_t csr_base(std::size_t i) const { return kCsrBase + i * csr::kBlockBytes; }
  std::uint64_t sram_base() const { return kSramBase; }
  void report_stats(StatsTree& tree) const;

 private:
  template <typename From, typename To>
  void bind_through_checker(From& from, To& to, const std::string& hop) {
    if (!check_protocol_) {
      from.bind(to);
      return;
    }
    checkers_.push_back(std::make_unique<ProtocolChecker>(("check_" + hop).c_str()));
    from.bind(checkers_.back()->tgt_socket);
    checkers_.back()->init_socket.bind(to);
  }
  bool check_protocol_ = false;
  std::vector<std::string> initiator_names_{"host"};
  std::unique_ptr<TraceWriter> trace_;
  std::unique_ptr<common::PowerProfile> power_;
  std::map<std::string, common::HardwareCost> hardware_;  // platform_hardware(): router, PIM
  sc_core::sc_trace_file* vcd_ = nullptr;
  std::vector<std::unique_ptr<ProtocolChecker>> checkers_;
};

// Builds one accelerator module from its spec (the factory by "type"); seed: the engine's own
// random choices (SpAtten's top-k pivots, replayed token orders).
std::unique_ptr<AcceleratorBase> make_accelerator(const AcceleratorSpec& spec,
                                                  const common::EnergyTable& energy, TimingMode mode,
                                                  std::uint64_t seed);

}  // namespace savp::sc
