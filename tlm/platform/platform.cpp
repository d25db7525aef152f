#include "tlm/platform/platform.hpp"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdlib>

#include "models/common/random.hpp"
#include "tlm/memory/dram_target.hpp"
#include "tlm/memory/simple_memory.hpp"
#include "tlm/platform/hardware_inventory.hpp"

namespace savp::sc {

std::unique_ptr<AcceleratorBase> make_accelerator(const AcceleratorSpec& spec,
                                                  const common::EnergyTable& energy, TimingMode mode,
                                                  std::uint64_t seed) {
  return spec.engine().make(spec, energy, mode, seed);
}

Platform::Platform(sc_core::sc_module_name name, const Scenario& s, const std::string& vcd_base)
    : sc_module(name),
      bus("bus", RouterConfig{sc_core::sc_time(s.interconnect.hop_latency_ns, sc_core::SC_NS),
                              s.interconnect.bandwidth_gbps, s.interconnect.pj_per_byte}),

      irq("irq", s.accelerators.size()) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(s.quantum_ns, sc_core::SC_NS));
  if (s.memory.kind == "dram") {
    memory_target = std::make_unique<DramTarget>("memory", s.memory.dram, s.memory.size_bytes);
  } else {
    memory_target = std::make_unique<SimpleMemory>("memory", s.memory);
  }
  const char* env = std::getenv("SAVP_PROTOCOL_CHECK");
  check_protocol_ = env != nullptr && std::string(env) == "1";
  bind_through_checker(bus.init_socket, memory_target->target_socket(), "bus2memory");
  bus.map({"memory", memory_base(), memory_size(), 0});
  for (std::size_t i = 0; i < s.accelerators.size(); ++i) {
    accelerators.push_back(make_accelerator(s.accelerators[i], s.energy_of(s.accelerators[i]), s.timing_mode,
                                            common::derive_seed(s.seed, 1000 + i)));
    AcceleratorBase& a = *accelerators.back();
    a.set_initiator(static_cast<std::uint32_t>(i + 1));
    a.set_dma_hardware(dma_hardware(s.accelerators[i], s.energy_of(s.accelerators[i])));
    if (s.accelerators[i].power_gating) {  // the loader checked the table has a break-even point
      a.set_power_gating(s.energy.power_gating().break_even_cycles * s.accelerators[i].clock_period_ns());
    }
    initiator_names_.push_back(a.basename());
    bind_through_checker(a.init_socket, bus.tgt_socket, std::string(a.basename()) + "2bus");
    if (memory_target->max_request_bytes() != 0) a.limit_burst(memory_target->max_request_bytes());
    bind_through_checker(bus.init_socket, a.tgt_socket, std::string("bus2") + a.basename());
    bus.map({a.name(), csr_base(i), csr::kBlockBytes, static_cast<unsigned>(i + 1)});
    a.irq.bind(irq[i]);
  }
  // SPRINT's transposable ReRAM: one PIM target (the first PIM engine's array spec), the next
  // port on the bus, its command socket bound to every PIM engine.
  for (std::size_t i = 0; i < s.accelerators.size(); ++i) {
    const EngineDescriptor& e = s.accelerators[i].engine();
    if (!e.pim_array) continue;
    if (!pim) {
      pim = std::make_unique<ReramPimTarget>("pim", *e.pim_array(s.accelerators[i]), kPimBase, kPimBytes,
                                             common::derive_seed(s.seed, 2000));
      bind_through_checker(bus.init_socket, pim->tgt_socket, "bus2pim");
      bus.map({"pim", kPimBase, kPimBytes, static_cast<unsigned>(s.accelerators.size() + 1)});
    }
    e.bind_pim(*accelerators[i], *pim);
  }
  if (s.sram) {
    sram = std::make_unique<SramTarget>("sram", *s.sram, s.energy);
    bind_through_checker(bus.init_socket, sram->tgt_socket, "bus2sram");
    bus.map({"sram", kSramBase, sram->size_bytes(),
             static_cast<unsigned>(s.accelerators.size() + (pim ? 2 : 1))});
  }
  // The bus's quality of service by initiator id (0 the host, i + 1 accelerator i, as set above).
  std::vector<InitiatorQos> qos{s.interconnect.qos_of("host")};
  for (const auto& a : s.accelerators) qos.push_back(s.interconnect.qos_of(a.name()));
  bus.set_arbitration(s.interconnect.arbitration, std::move(qos));
  // Per-initiator statistics (by_initiator, the bus's bandwidth counters in the trace): for task
  // scenarios, where several initiators share the bus and the memories.
  if (!s.tasks.empty()) {
    bus.enable_per_initiator(initiator_names_);
    memory_target->enable_per_initiator(initiator_names_);
    if (sram) sram->enable_per_initiator(initiator_names_);
  }
  if (s.outputs.trace) {
    trace_ = std::make_unique<TraceWriter>(s.outputs.trace_max_events);
    bus.set_trace(trace_.get());
    memory_target->set_trace(trace_.get());
    if (sram) sram->set_trace(trace_.get());
    for (auto& a : accelerators) a->set_trace(trace_.get());
  }
  hardware_ = platform_hardware(s, this->name());
  if (s.outputs.power) {
    power_ = std::make_unique<common::PowerProfile>(s.outputs.power_bin_ns);
    bus.set_power(power_.get());
    memory_target->set_power(power_.get());
    if (sram) sram->set_power(power_.get());
    if (pim) pim->set_power(power_.get());
    for (auto& a : accelerators) a->set_power(power_.get());
  }
  if (!vcd_base.empty()) {
    vcd_ = sc_core::sc_create_vcd_trace_file(vcd_base.c_str());
    for (std::size_t i = 0; i < accelerators.size(); ++i) {
      sc_core::sc_trace(vcd_, irq[i], std::string(accelerators[i]->name()) + ".irq");
      sc_core::sc_trace(vcd_, accelerators[i]->busy(), std::string(accelerators[i]->name()) + ".busy");
    }
    memory_target->trace_signals(vcd_);
  }
}

Platform::~Platform() { close_vcd(); }

void Platform::finish_power(const std::map<std::string, double>& leakage_w) {
  if (!power_) return;
  memory_target->finish_power();  // DRAM refresh and background; every leakage comes from leakage_w
  std::set<std::string> gated;
  for (const auto& a : accelerators) {
    if (!a->power_gated()) continue;
    const common::GatingSchedule g = a->gating_schedule();
    std::vector<std::pair<double, double>> powered = g.powered_ns;
    if (powered.empty()) powered.emplace_back(0.0, 0.0);  // gated and never woken: no leakage
    for (const auto& [sub, hw] : a->hardware()) {
      const std::string component = std::string(a->name()) + "." + sub;
      const int id = power_->component(component);
      gated.insert(component);
      power_->add_leakage(id, hw.state_leakage_uw * 1e-6);  // SRAM holds state: powered all run
      power_->add_leakage(id, hw.gateable_leakage_mw() * 1e-3, powered);
      const double wake_pj = a->wake_pj(hw);
      if (wake_pj > 0.0) {
        for (const auto& period : g.powered_ns) power_->add_at(id, period.first, wake_pj);
      }
    }
  }
  for (const auto& [component, watts] : leakage_w) {
    if (gated.count(component) == 0) power_->add_leakage(power_->component(component), watts);
  }
}

// One counter track per component (its dynamic + static power) and the total, in W, under "power".
void Platform::add_power_tracks(const common::PowerTable& table) {
  if (!trace_) return;
  const double to_w = 1e-3 / table.bin_ns;  // pJ per bin -> W
  std::vector<double> total(table.bins);
  for (std::size_t b = 0; b < table.bins; ++b) total[b] = table.total_w(b);
  trace_->series("power", "total W", table.bin_ns, std::move(total));
  for (std::size_t c = 0; c < table.components.size(); ++c) {
    std::vector<double> w(table.bins);
    for (std::size_t b = 0; b < table.bins; ++b)
      w[b] = (table.dynamic_pj[c][b] + table.static_pj[c][b]) * to_w;
    trace_->series("power", table.components[c] + " W", table.bin_ns, std::move(w));
  }
}

void Platform::close_vcd() {
  if (vcd_ != nullptr) sc_core::sc_close_vcd_trace_file(vcd_);
  vcd_ = nullptr;
}

void Platform::bind_initiator(tlm::tlm_initiator_socket<>& socket) {
  bind_through_checker(socket, bus.tgt_socket, "host2bus");
}

std::vector<std::string> Platform::protocol_violations() const {
  std::vector<std::string> out;
  for (const auto& c : checkers_) out.insert(out.end(), c->violations().begin(), c->violations().end());
  return out;
}

void Platform::report_stats(StatsTree& tree) const {
  memory_target->report_stats(tree);
  if (pim) pim->report_stats(tree);
  if (sram) sram->report_stats(tree);
  for (const auto& a : accelerators) a->report_stats(tree);
  bus.report_stats(tree);
  for (const auto& [component, cost] : hardware_) tree.add_hardware(component, cost);
  for (const auto& c : checkers_) c->report_stats(tree);
}

}  // namespace savp::sc
