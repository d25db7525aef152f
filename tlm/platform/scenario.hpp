// Scenario: one complete, validated run description (DESIGN.md "Scenario file"): id, seed, timing
// mode, quantum, platform (accelerators by "type", memory, interconnect, energy table), workload
// and outputs. Loading resolves includes (any object may be a relative path to another JSON file),
// applies --set overrides, refuses unknown keys, and keeps the resolved tree for resolved.json.
// Every error is an InputError naming the file and the JSON path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/chela/chela_config.hpp"
#include "models/common/energy_table.hpp"
#include "models/common/json_reader.hpp"
#include "models/common/workload_spec.hpp"
#include "models/dense/dense_config.hpp"
#include "models/memory/memory_spec.hpp"
#include "models/memory/sram_model.hpp"
#include "models/memory/traffic_core.hpp"
#include "models/salo/salo_config.hpp"
#include "models/spatten/spatten_config.hpp"
#include "models/sprint/sprint_config.hpp"
#include "tlm/core/timing_mode.hpp"
#include "tlm/platform/engine_registry.hpp"
#include "tlm/platform/interconnect_spec.hpp"
#include "tlm/platform/task_spec.hpp"

namespace savp::sc {

// One platform.accelerators[i]: its type and the parsed configuration of that engine (the member
// named after the type; the others keep their defaults). Its properties come from the type's
// EngineDescriptor (engine_registry.hpp).
struct AcceleratorSpec {
  std::string type;  // an engine type of engines(): "dense", "salo", "spatten", "sprint", "chela", "traffic"
  dense::DenseConfig dense;
  salo::SaloConfig salo;
  spatten::SpattenConfig spatten;
  sprint::SprintConfig sprint;
  chela::ChelaConfig chela;
  memory::TrafficConfig traffic;
  // Power gating of the engine's logic (power_gating, default false): leaks only over its busy
  // periods, plus a wake-up energy per power-up (models/common/power_gating.hpp). Engines only.
  bool power_gating = false;
  // The technology node its logic and buffers are priced at (technology.node_nm; a preset states its
  // paper's node); 0: the platform's. An explicit platform.technology.node_nm overrides it.
  double node_nm = 0.0;
  // The descriptor of `type` (throws std::logic_error for a type no engine has).
  const EngineDescriptor& engine() const;
  const std::string& name() const;
  double clock_period_ns() const;
  // Operand format on the bus and the scoreboard tolerance of the engine's datapath (SpAtten lays
  // out its own formats: the quantised K/V regions of its job block).
  common::ElemFormat format() const;
  int int_bits() const { return dense.int_bits; }
  double tolerance_rel_l2() const;
};

struct OutputsSpec {
  bool summary_csv = true;
  // report.html: the run's page (summary, energy/area, phases, roofline, tasks, layers), drawn by
  // scripts/report/savp_report.py; SAVP_REPORT=0 in the environment turns it off as well.
  bool report = true;
  bool trace = false;  // trace.json: engine phases and memory transactions on timelines
  std::uint64_t trace_max_events = 1'000'000;
  bool vcd = false;  // waves.vcd: IRQ lines, engine busy flags, DRAM queue occupancy
  // power.csv, power tracks in trace.json, totals.power_avg_w / power_peak_w: `"power": true` or
  // `"power": {"power_bin_ns": W}` (bins of W ns, default 1000).
  bool power = false;
  double power_bin_ns = 1000.0;
  bool rtl_waves = false;  // rtl_<instance>.vcd: the verilated RTL blocks' own waves (backend rtl)
  // Tasks: each task also run alone on the same platform (a process each), for its slowdown.
  bool alone = false;
  // An accelerator to run the same workload on the same platform for comparison (e.g. the dense
  // baseline beside SALO): savp runs it as a second process and reports the speedup. Null: none.
  common::Json baseline;
  std::optional<AcceleratorSpec> baseline_spec;  // baseline, parsed
  std::string baseline_pointer;                  // its JSON path (/outputs/baseline[/same_engine])
};

// platform.mapping: which accelerators run a model workload's parts (kind "model"): the linear
// layers (GEMMs, norms, activations, residuals, the KV-cache append) on one dense array, the
// attention on one accelerator or spread over several. Without it the workload's accelerator runs
// everything.
struct ModelMapping {
  bool given = false;
  std::uint32_t linear = 0;
  std::vector<std::uint32_t> attention;
};

struct Scenario {
  std::string file;  // the scenario file as given
  std::string id;
  std::string description;
  std::uint64_t seed = 1;
  TimingMode timing_mode = TimingMode::LT;
  double quantum_ns = 1000.0;
  std::vector<AcceleratorSpec> accelerators;
  memory::MemorySpec memory;
  std::optional<memory::SramSpec> sram;  // platform.sram: the shared SRAM, absent = none
  InterconnectSpec interconnect;         // platform.interconnect: the router
  common::EnergyTable energy;            // at the platform's node (platform.technology)
  bool platform_node_given = false;      // platform.technology.node_nm set: every accelerator at that node
  // The table an accelerator is priced with: `energy` at its own node (AcceleratorSpec::node_nm)
  // unless the platform's node was given or it has none.
  common::EnergyTable energy_of(const AcceleratorSpec& a) const;
  common::WorkloadSpec workload;  // one workload (when `tasks` is empty)
  std::vector<TaskSpec> tasks;    // the SoC form: tasks instead of a workload
  ModelMapping mapping;           // platform.mapping (a model workload)
  OutputsSpec outputs;
  common::Json resolved;  // the scenario after includes and --set
};

// The longest id a user gives (a scenario id, a sweep point id): it becomes a directory name, and file
// systems refuse components over 255 bytes; the rest leaves room for suffixes.
constexpr std::size_t kMaxIdBytes = 200;

// Whether an id is safe as a directory name and anywhere else savp writes it: 1 to kMaxIdBytes of
// letters, digits, '-', '_' and '.', not starting with '.' (no hidden or temporary names, no "..").
bool valid_id(const std::string& id);
// The rule of valid_id, for messages ("expected " + kIdRule).
inline constexpr const char* kIdRule =
    "letters, digits, '-', '_' and '.', not starting with '.' (at most 200 characters)";

// Whether an accelerator name can be a SystemC object name as given: 1 to kMaxIdBytes of letters,
// digits, '-' and '_' ('.' separates SystemC's hierarchy, which would rename it), and none of the
// platform's own objects beside the accelerators (Platform: bus, irq, memory, pim, sram, host, and
// the protocol checkers bus2<x> and <x>2bus), which SystemC would rename with a warning.
bool valid_name(const std::string& name);
// The rule of valid_name, for messages.
inline constexpr const char* kNameRule =
    "an accelerator name of letters, digits, '-' and '_' (at most 200 characters; a SystemC object name, "
    "where "
    "'.' separates the hierarchy), not one of the platform's own names (bus, irq, memory, pim, sram, host, "
    "bus2*, "
    "*2bus)";

// Engine types this build knows, in the order of engines().
std::vector<std::string> engine_types();

// data_dir: the shipped scenarios/ tree (memory presets, default energy table).
Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets,
                       const std::string& data_dir);

}  // namespace savp::sc
