#include "tlm/platform/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "models/common/json_files.hpp"

namespace savp::sc {

namespace fs = std::filesystem;
using common::Json;
using common::JsonNode;

std::vector<std::string> engine_types() {
  std::vector<std::string> out;
  for (const EngineDescriptor* e : engines()) out.push_back(e->type);
  return out;
}

const EngineDescriptor& AcceleratorSpec::engine() const {
  const EngineDescriptor* e = find_engine(type);
  if (e == nullptr) throw std::logic_error("unknown accelerator type " + type);
  return *e;
}

const std::string& AcceleratorSpec::name() const { return engine().name(*this); }

common::EnergyTable Scenario::energy_of(const AcceleratorSpec& a) const {
  if (platform_node_given || !(a.node_nm > 0)) return energy;
  return energy.at_node(a.node_nm, file, "/platform/accelerators");  // checked by the loader
}

double AcceleratorSpec::clock_period_ns() const { return engine().clock_period_ns(*this); }

common::ElemFormat AcceleratorSpec::format() const {
  const EngineDescriptor& e = engine();
  return e.format ? e.format(*this) : dense.format;
}

double AcceleratorSpec::tolerance_rel_l2() const {
  const EngineDescriptor& e = engine();
  return e.tolerance_rel_l2 ? e.tolerance_rel_l2(*this) : dense.effective_tolerance();
}

namespace {

bool id_char(char c, bool dot) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         (dot && c == '.');
}

bool all_id_chars(const std::string& s, bool dot) {
  if (s.empty() || s.size() > kMaxIdBytes) return false;
  for (const char c : s) {
    if (!id_char(c, dot)) return false;
  }
  return true;
}

}  // namespace

bool valid_id(const std::string& id) { return all_id_chars(id, true) && id[0] != '.'; }

bool valid_name(const std::string& name) {
  for (const char* own : {"bus", "irq", "memory", "pim", "sram", "host"}) {
    if (name == own) return false;
  }
  const bool checker = name.rfind("bus2", 0) == 0 || name.find("2bus") != std::string::npos;
  return all_id_chars(name, false) && !checker;
}

namespace {

AcceleratorSpec parse_accelerator(JsonNode node) {
  AcceleratorSpec a;
  const Json& v = node.value();
  if (!v.contains("type")) node.child("type");  // "missing required key"
  a.type = node.get_choice("type", engine_types());
  // Keys every engine shares, read before the engine's own parser (which then accepts them).
  node.get_string("source", "");  // a preset's citation: where its numbers come from
  a.power_gating = node.get_bool("power_gating", false);
  if (a.power_gating && a.engine().traffic)
    node.child("power_gating").fail("a traffic generator has no logic to power-gate (engines only)");
  if (node.has("technology")) {
    if (a.engine().traffic) node.child("technology").fail("a traffic generator has no priced hardware");
    JsonNode tech = node.object_at("technology");
    if (!tech.has("node_nm")) tech.child("node_nm");  // "missing required key"
    a.node_nm = tech.get_number_in("node_nm", 0.0, 1, 1000);
    tech.finish();
  }
  a.engine().parse(node, a);
  if (!valid_name(a.name())) {
    (v.contains("name") ? node.child("name") : node).fail_expected(kNameRule);
  }
  return a;
}

// An accelerator as the scenario gives it: an object, an include (a path ending in ".json") or a
// hardware preset's name (hardware_dir/<name>.json, listed by `savp list`), resolved as memory
// presets are: one of the files there, else refused with the list of names.
JsonNode accelerator_object(JsonNode node, const std::string& hardware_dir) {
  const Json& v = node.value();
  if (v.is_string()) {
    const std::string name = v.get<std::string>();
    const bool path = name.find('/') != std::string::npos ||
                      (name.size() >= 5 && name.compare(name.size() - 5, 5, ".json") == 0);
    if (!path) {
      const std::vector<std::string> names = common::json_file_stems(hardware_dir);
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : "|") + n;
        node.fail_expected("a hardware preset (" + list + ") or an include file (a path ending in .json)");
      }
      node.value() = (fs::path(hardware_dir) / (name + ".json")).string();
    }
  }
  return node.as_object();
}

std::uint32_t accelerator_index(JsonNode node, std::size_t accelerators) {
  if (!node.value().is_number_integer() || node.value().get<std::int64_t>() < 0 ||
      node.value().get<std::uint64_t>() >= accelerators) {
    node.fail_expected("an accelerator index below " + std::to_string(accelerators));
  }
  return node.value().get<std::uint32_t>();
}

ModelMapping parse_mapping(JsonNode node, std::size_t accelerators) {
  ModelMapping m;
  m.given = true;
  if (!node.has("linear")) node.child("linear");  // "missing required key"
  if (!node.has("attention")) node.child("attention");
  m.linear = accelerator_index(node.child("linear"), accelerators);
  JsonNode a = node.child("attention");
  if (a.value().is_array()) {
    if (a.array_size() == 0) a.fail("expected at least one accelerator index");
    for (std::size_t i = 0; i < a.array_size(); ++i) {
      const std::uint32_t x = accelerator_index(a.element(i), accelerators);
      if (std::find(m.attention.begin(), m.attention.end(), x) != m.attention.end())
        a.element(i).fail("accelerator " + std::to_string(x) + " is listed twice");
      m.attention.push_back(x);
    }
  } else {
    m.attention.push_back(accelerator_index(a, accelerators));
  }
  node.finish();
  return m;
}

void parse_tree(Json& root, const std::string& file, const std::string& data_dir, Scenario& s) {
  JsonNode top(root, file);
  top.as_object();
  s.id = top.get_string("id");
  if (!valid_id(s.id)) top.child("id").fail_expected(std::string("an id of ") + kIdRule);
  s.description = top.get_string("description", "");
  s.seed = static_cast<std::uint64_t>(top.get_int("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  const std::string mode = top.get_choice("timing_mode", {"LT", "AT"}, "LT");
  s.timing_mode = mode == "AT" ? TimingMode::AT : TimingMode::LT;
  s.quantum_ns = top.get_number_in("quantum_ns", 1000.0, 1e-3, 1e9);

  JsonNode platform = top.object_at("platform");
  JsonNode accs = platform.child("accelerators");
  const std::size_t n = accs.array_size();
  if (n == 0) accs.fail("expected at least one accelerator");
  const std::string hardware_dir = (fs::path(data_dir) / "hardware").string();
  for (std::size_t i = 0; i < n; ++i) {
    s.accelerators.push_back(parse_accelerator(accelerator_object(accs.element(i), hardware_dir)));
    for (std::size_t j = 0; j < i; ++j) {
      if (s.accelerators[j].name() == s.accelerators[i].name()) {
        JsonNode e = accs.element(i).as_object();
        (e.has("name") ? e.child("name") : e)
            .fail("duplicate accelerator name \"" + s.accelerators[i].name() +
                  "\" (give each accelerator its own \"name\")");
      }
    }
  }
  const std::string presets = (fs::path(data_dir) / "memory" / "presets").string();
  if (platform.has("memory")) {
    s.memory = memory::MemorySpec::parse(platform.object_at("memory"), presets);
  } else {
    Json empty = Json::object();
    s.memory = memory::MemorySpec::parse(JsonNode(empty, file, "/platform/memory"), presets);
  }
  if (platform.has("sram")) s.sram = memory::SramSpec::parse_platform(platform.object_at("sram"));
  if (platform.has("interconnect")) {
    std::vector<std::string> names;
    for (const auto& a : s.accelerators) names.push_back(a.name());
    s.interconnect = InterconnectSpec::parse(platform.object_at("interconnect"), names);
  }
  if (!platform.has("energy")) {
    // The default table, spliced in so resolved.json shows the prices used.
    platform.value()["energy"] = (fs::path(data_dir) / "energy" / "default-45nm.json").string();
  }
  s.energy = common::EnergyTable::parse(platform.object_at("energy"));
  if (platform.has("technology")) {
    // platform.technology.node_nm: every energy, area and leakage of the table scaled to that node
    // by the table's node_scaling (frequencies stay what the scenario sets), every accelerator's too.
    JsonNode tech = platform.object_at("technology");
    const double nm = tech.get_number_in("node_nm", s.energy.node_nm(), 1, 1000);
    s.platform_node_given = tech.has("node_nm");
    tech.finish();
    s.energy = s.energy.at_node(nm, tech.file(), tech.pointer() + "/node_nm");
  }
  accs = platform.child("accelerators");  // again: splicing the energy table moved platform's keys
  for (std::size_t i = 0; i < n; ++i) {
    if (s.accelerators[i].node_nm > 0) {  // its own node (its preset's): refused when not in the table
      JsonNode nm = accs.element(i).as_object().object_at("technology").child("node_nm");
      s.energy.at_node(s.accelerators[i].node_nm, nm.file(), nm.pointer());
    }
  }
  for (std::size_t i = 0; i < n && !s.energy.power_gating().known(); ++i) {
    if (s.accelerators[i].power_gating) {
      accs.element(i)
          .as_object()
          .child("power_gating")
          .fail("energy table \"" + s.energy.name() + "\" has no power_gating entry (its break-even point)");
    }
  }
  std::optional<JsonNode> mapping;
  if (platform.has("mapping")) mapping = platform.object_at("mapping");
  if (s.sram && s.energy.sram_anchors().empty()) {
    platform.child("sram").fail(
        "the energy table has no \"sram\" anchors to price the shared SRAM's accesses");
  }
  platform.finish();

  if (top.has("tasks") && top.has("workload")) {
    top.child("tasks").fail(
        "give either \"workload\" (one workload) or \"tasks\" (several at once), not both");
  }
  if (top.has("tasks")) {
    s.tasks = parse_tasks(top.child("tasks"), s.accelerators.size());
  } else {
    s.workload = common::WorkloadSpec::parse(top.object_at("workload"),
                                             (fs::path(data_dir) / "models" / "presets").string());
    if (s.workload.accelerator >= s.accelerators.size()) {
      top.object_at("workload")
          .child("accelerator")
          .fail("expected an index below the number of accelerators (" +
                std::to_string(s.accelerators.size()) + ")");
    }
  }
  if (mapping) {
    s.mapping = parse_mapping(*mapping, s.accelerators.size());
    if (s.workload.kind == common::WorkloadSpec::Kind::Model && root["workload"].contains("accelerator")) {
      mapping->fail("give the model's accelerators either here or as workload.accelerator, not both");
    }
    if (s.workload.kind != common::WorkloadSpec::Kind::Model || !s.tasks.empty()) {
      mapping->fail(
          "the mapping places a model's linear layers and attention on accelerators: it needs a "
          "workload of kind \"model\"");
    }
  } else {
    s.mapping.linear = s.workload.accelerator;
    s.mapping.attention = {s.workload.accelerator};
  }
  if (top.has("outputs")) {
    JsonNode o = top.object_at("outputs");
    s.outputs.summary_csv = o.get_bool("summary_csv", true);
    s.outputs.report = o.get_bool("report", true);
    s.outputs.trace = o.get_bool("trace", false);
    s.outputs.trace_max_events =
        static_cast<std::uint64_t>(o.get_int("trace_max_events", 1000000, 1, 100000000));
    s.outputs.vcd = o.get_bool("vcd", false);
    if (o.has("power") && o.value()["power"].is_object()) {
      JsonNode p = o.object_at("power");
      s.outputs.power = true;
      s.outputs.power_bin_ns = p.get_number("power_bin_ns", 1000.0);
      if (!(s.outputs.power_bin_ns >= 1e-3) || s.outputs.power_bin_ns > 1e15) {
        p.child("power_bin_ns")
            .fail_expected(
                "a bin width in ns, at least 0.001 (1 ps, the simulator's time resolution) and at most 1e15");
      }
      p.finish();
    } else if (o.has("power") && !o.value()["power"].is_boolean()) {
      o.child("power").fail_expected("true, false or an object {\"power_bin_ns\": ns}");
    } else {
      s.outputs.power = o.get_bool("power", false);
    }
    s.outputs.rtl_waves = o.get_bool("rtl_waves", false);
    if (s.outputs.rtl_waves) {
      bool rtl = false;
      for (const auto& a : s.accelerators) {
        rtl = rtl || (a.engine().rtl_backend && a.engine().rtl_backend(a));
      }
      if (!rtl) o.child("rtl_waves").fail("no accelerator runs on an RTL backend (\"backend\": \"rtl\")");
    }
    s.outputs.alone = o.get_bool("alone", false);
    if (s.outputs.alone && s.tasks.empty()) {
      o.child("alone").fail("\"alone\" compares each task with a run of it alone: it needs \"tasks\"");
    }
    if (!s.tasks.empty() && o.has("baseline") && !o.value()["baseline"].is_null()) {
      o.child("baseline")
          .fail(
              "a baseline replaces the workload's accelerator; with \"tasks\" compare with \"alone\": true, "
              "or give a "
              "task on a baseline accelerator");
    }
    if (o.has("baseline") && o.value()["baseline"].is_null()) {
      o.accept("baseline");  // null: no comparison (e.g. --set outputs.baseline=null)
    } else if (o.has("baseline")) {
      JsonNode b = accelerator_object(o.child("baseline"), hardware_dir);
      if (b.has("same_engine")) {
        // The workload's own accelerator with some keys changed (e.g. SPRINT without in-memory
        // pruning): follows every --set on the accelerator, so the comparison stays like for like.
        JsonNode over = b.object_at("same_engine");
        b.finish();
        Json merged = root["platform"]["accelerators"][s.workload.accelerator];  // includes spliced
        for (auto it = over.value().begin(); it != over.value().end(); ++it) merged[it.key()] = it.value();
        JsonNode m(merged, b.file(), b.pointer() + "/same_engine");
        s.outputs.baseline_spec = parse_accelerator(m);
        s.outputs.baseline = merged;
        s.outputs.baseline_pointer = "/outputs/baseline/same_engine";
      } else {
        s.outputs.baseline_spec = parse_accelerator(b);  // validated here, run later as its own simulation
        s.outputs.baseline = b.value();
        s.outputs.baseline_pointer = "/outputs/baseline";
      }
    }
    o.finish();
  }
  top.get_string("$schema", "");
  top.finish();
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets,
                       const std::string& data_dir) {
  Json root = common::load_json_file(path);
  Scenario s;
  // Pass 1: validate the file as written, splicing every include into the tree.
  parse_tree(root, path, data_dir, s);
  if (!sets.empty()) {
    for (const auto& a : sets) {
      try {
        common::apply_set_override(root, a);
      } catch (const common::InputError& e) {
        // Name the scenario and the JSON path the --set aimed at, not just "--set".
        throw common::InputError(path, common::dotted_to_pointer(e.path()),
                                 "--set " + common::printable(a) + ": " + e.message());
      }
    }
    // Pass 2: the overridden tree; errors now come from a --set value.
    Scenario again;
    parse_tree(root, path + " (after --set)", data_dir, again);
    s = std::move(again);
  }
  s.file = path;
  s.resolved = root;
  return s;
}

}  // namespace savp::sc
