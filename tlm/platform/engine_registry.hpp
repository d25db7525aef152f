// EngineDescriptor: what the tlm layer knows of one engine type ("dense", "salo", ...): how its
// platform.accelerators[i] object is parsed, the properties the host and the report read (name,
// clock, operand format, scoreboard tolerance), which workloads it takes, and how its SystemC module
// is built and wired. One descriptor per engine, defined beside its module
// (tlm/accelerators/<engine>_*.cpp); engines() is the one table that lists them.
//
// The registry follows the layering (testbenches -> tlm -> models): this part holds what the
// loader and the platform need; testbenches/savp/engine_flow.hpp adds, per type, what the savp
// program needs (plan checks, memory estimate, host flow). Code outside an engine's own files asks
// these tables and never compares type strings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/common/dma_spec.hpp"
#include "models/common/energy_table.hpp"
#include "models/common/engine_step.hpp"
#include "models/common/json_reader.hpp"
#include "models/common/number_format.hpp"
#include "models/memory/reram_spec.hpp"
#include "tlm/core/timing_mode.hpp"

namespace savp::sc {

struct AcceleratorSpec;
class AcceleratorBase;
class ReramPimTarget;

struct EngineDescriptor {
  std::string type;  // the "type" of platform.accelerators[i]
  // Workloads it runs: a traffic generator runs traffic workloads, an engine compute workloads;
  // padded batches (valid_len) need padding removal; generation and trace replay need a pruning engine.
  bool traffic = false;
  bool padded_batches = false;
  bool trace_replay = false;
  // Reads the accelerator's keys into its member of `spec` (the "type" key is read by the loader).
  void (*parse)(common::JsonNode node, AcceleratorSpec& spec) = nullptr;
  const std::string& (*name)(const AcceleratorSpec& spec) = nullptr;
  double (*clock_period_ns)(const AcceleratorSpec& spec) = nullptr;
  // The engine's DMA port (its area: hardware_inventory.hpp dma_hardware); null: no DMA hardware of SAVP's (a traffic
  // generator).
  const common::DmaSpec& (*dma)(const AcceleratorSpec& spec) = nullptr;
  // Operand format on the bus; null: the default (dense) format.
  common::ElemFormat (*format)(const AcceleratorSpec& spec) = nullptr;
  double (*tolerance_rel_l2)(const AcceleratorSpec& spec) = nullptr;
  // Whether part of the engine runs on verilated RTL (outputs.rtl_waves needs one); null: never.
  bool (*rtl_backend)(const AcceleratorSpec& spec) = nullptr;
  std::unique_ptr<AcceleratorBase> (*make)(const AcceleratorSpec& spec, const common::EnergyTable& energy,
                                           TimingMode mode, std::uint64_t seed) = nullptr;
  // The engine's pure C++ core alone (no SystemC), e.g. for its hardware() without a simulation.
  std::unique_ptr<common::EngineCore> (*make_core)(const AcceleratorSpec& spec,
                                                   const common::EnergyTable& energy,
                                                   std::uint64_t seed) = nullptr;
  // Engines computing in the shared ReRAM PIM window: the array spec of the window (the first such
  // engine's) and how the engine's command socket binds to it; null: no PIM.
  const memory::ReramSpec* (*pim_array)(const AcceleratorSpec& spec) = nullptr;
  void (*bind_pim)(AcceleratorBase& engine, ReramPimTarget& pim) = nullptr;
};

// Every engine type this build knows, in `savp list` order.
const std::vector<const EngineDescriptor*>& engines();

// The descriptor of `type`; nullptr when no engine has that type.
const EngineDescriptor* find_engine(const std::string& type);

}  // namespace savp::sc
