#include "tlm/accelerators/sprint_accelerator.hpp"

#include "models/sprint/sprint_core.hpp"
#include "tlm/core/initiator_port.hpp"
#include "tlm/memory/reram_pim_target.hpp"
#include "tlm/platform/engine_registry.hpp"
#include "tlm/platform/scenario.hpp"

namespace savp::sc {

SprintAccelerator::SprintAccelerator(sc_core::sc_module_name name, const sprint::SprintConfig& cfg,
                                     const common::EnergyTable& energy, TimingMode mode)
    : AcceleratorBase(name, "sprint", std::make_unique<sprint::SprintCore>(cfg, energy),
                      accelerator_timing(cfg.clock_period_ns(), cfg.dma, mode)),
      pim_socket("pim_socket") {}

sc_core::sc_time SprintAccelerator::run_pim(std::vector<common::PimCommand>& commands,
                                            sc_core::sc_time start) {
  sc_core::sc_time t = start;
  for (auto& c : commands) {
    tlm::tlm_generic_payload p;
    p.set_command(c.kind == common::PimCommand::Kind::CopyQ ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(c.array);
    p.set_data_ptr(c.out);
    p.set_data_length(0);
    p.set_streaming_width(0);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    PimCommandExtension ext(&c);
    p.set_extension(&ext);
    // The payload deletes the extensions it still holds when it is destroyed: take the stack
    // extension back on every path, a target that throws included.
    struct Detach {
      tlm::tlm_generic_payload& p;
      PimCommandExtension* e;
      ~Detach() { p.clear_extension(e); }
    } detach{p, &ext};
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    pim_socket->b_transport(p, delay);
    if (!p.is_response_ok()) {
      throw BusError(std::string(name()) + ": PIM command refused: " + p.get_response_string());
    }
    t += delay;
  }
  return t;
}

const EngineDescriptor& sprint_engine() {
  static const EngineDescriptor d = [] {
    EngineDescriptor e;
    e.type = "sprint";
    e.padded_batches = true;
    e.parse = [](common::JsonNode node, AcceleratorSpec& a) { a.sprint = sprint::SprintConfig::parse(node); };
    e.name = [](const AcceleratorSpec& a) -> const std::string& { return a.sprint.name; };
    e.clock_period_ns = [](const AcceleratorSpec& a) { return a.sprint.clock_period_ns(); };
    e.dma = [](const AcceleratorSpec& a) -> const common::DmaSpec& { return a.sprint.dma; };
    e.tolerance_rel_l2 = [](const AcceleratorSpec& a) { return a.sprint.tolerance_rel_l2; };
    e.make_core = [](const AcceleratorSpec& a, const common::EnergyTable& energy,
                     std::uint64_t) -> std::unique_ptr<common::EngineCore> {
      return std::make_unique<sprint::SprintCore>(a.sprint, energy);
    };
    e.make = [](const AcceleratorSpec& a, const common::EnergyTable& energy, TimingMode mode,
                std::uint64_t) -> std::unique_ptr<AcceleratorBase> {
      return std::make_unique<SprintAccelerator>(a.name().c_str(), a.sprint, energy, mode);
    };
    e.pim_array = [](const AcceleratorSpec& a) { return &a.sprint.pim; };
    e.bind_pim = [](AcceleratorBase& engine, ReramPimTarget& pim) {
      static_cast<SprintAccelerator&>(engine).pim_socket.bind(pim.pim_socket);
    };
    return e;
  }();
  return d;
}

}  // namespace savp::sc
