#include "models/common/energy_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace savp::common {

EnergyTable EnergyTable::parse(JsonNode node) {
  EnergyTable t;
  t.file_ = node.file();
  t.name_ = node.get_string("name");
  node.get_string("description", "");
  t.node_nm_ = node.get_number_in("node_nm", 45, 1, 1000);
  JsonNode entries = node.object_at("entries");
  for (auto it = entries.value().begin(); it != entries.value().end(); ++it) {
    const std::string key = it.key();
    JsonNode e = entries.object_at(key);
    EnergyEntry entry;
    entry.pj = e.get_number_in("pj", 0, 0, 1e12);
    entry.priced = e.has("pj");
    if (!entry.priced && !e.has("area_um2")) e.child("pj");  // required unless area-only: reports it
    entry.source = e.get_string("source");
    entry.node_nm = e.get_number_in("node_nm", t.node_nm_, 1, 1000);
    entry.scaling = e.get_string("scaling", "none");
    entry.unit = e.get_string("unit", "");
    entry.area_um2 = e.get_number_in("area_um2", 0, 0, 1e12);
    entry.area_source = e.has("area_um2") ? e.get_string("area_source") : e.get_string("area_source", "");
    entry.leakage_uw = e.get_number_in("leakage_uw", 0, 0, 1e12);
    entry.leakage_source =
        e.has("leakage_uw") ? e.get_string("leakage_source") : e.get_string("leakage_source", "");
    e.finish();
    t.entries_[key] = entry;
  }
  entries.finish();
  if (node.has("sram")) {
    JsonNode sram = node.object_at("sram");
    sram.get_string("scaling", "");
    t.sram_area_um2_per_bit_ = sram.get_number_in("area_um2_per_bit", 0, 0, 1e6);
    if (sram.has("area_um2_per_bit")) sram.get_string("area_source");
    t.sram_leakage_nw_per_bit_ = sram.get_number_in("leakage_nw_per_bit", 0, 0, 1e6);
    if (sram.has("leakage_nw_per_bit")) sram.get_string("leakage_source");
    t.sram_cell_area_um2_ = sram.get_number_in("cell_area_um2", 0, 0, t.sram_area_um2_per_bit_);
    if (sram.has("cell_area_um2")) sram.get_string("cell_source");
    JsonNode anchors = sram.child("anchors");
    const std::size_t n = anchors.array_size();
    if (n == 0) anchors.fail("expected at least one SRAM anchor");
    for (std::size_t i = 0; i < n; ++i) {
      JsonNode a = anchors.element(i).as_object();
      SramAnchor s;
      s.capacity_bytes = a.get_number_in("capacity_bytes", 0, 1, 1e12);
      if (!a.has("capacity_bytes")) a.child("capacity_bytes");
      s.read_pj_per_64b = a.get_number_in("read_pj_per_64b", 0, 0, 1e9);
      s.write_pj_per_64b = a.get_number_in("write_pj_per_64b", s.read_pj_per_64b, 0, 1e9);
      s.source = a.get_string("source");
      a.get_number("node_nm", 0);
      a.finish();
      if (!t.sram_.empty() && s.capacity_bytes <= t.sram_.back().capacity_bytes) {
        a.fail("SRAM anchors must be sorted by increasing capacity_bytes");
      }
      t.sram_.push_back(s);
    }
    sram.finish();
  }
  if (node.has("node_scaling")) {
    JsonNode ns = node.object_at("node_scaling");
    t.nodes_source_ = ns.get_string("source");
    ns.get_string("sram_rule", "");
    ns.get_string("leakage_rule", "");
    JsonNode nodes = ns.object_at("nodes");
    for (auto it = nodes.value().begin(); it != nodes.value().end(); ++it) {
      const std::string key = it.key();
      JsonNode f = nodes.object_at(key);
      char* end = nullptr;
      const long nm = std::strtol(key.c_str(), &end, 10);
      if (key.empty() || *end != '\0' || nm < 1 || nm > 1000)
        f.fail("expected a node in nm (an integer) as the key");
      NodeScaling n;
      n.energy = f.get_number_in("energy", 0, 1e-6, 1e6);
      n.logic_area = f.get_number_in("logic_area", 0, 1e-6, 1e6);
      n.sram_area = f.get_number_in("sram_area", 0, 1e-6, 1e6);
      n.leakage = f.get_number_in("leakage", 0, 1e-6, 1e6);
      for (const char* k : {"energy", "logic_area", "sram_area", "leakage"}) {
        if (!f.has(k)) f.child(k);  // required: reports the missing key
      }
      f.finish();
      t.nodes_[static_cast<int>(nm)] = n;
    }
    nodes.finish();
    ns.finish();
    const int own = static_cast<int>(std::lround(t.node_nm_));
    if (!t.nodes_.count(own)) {
      node.child("node_nm").fail("the table's own node must be in node_scaling/nodes");
    }
  }
  if (node.has("power_gating")) t.power_gating_ = PowerGatingRule::parse(node.object_at("power_gating"));
  node.finish();
  return t;
}

const EnergyEntry& EnergyTable::entry(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    throw InputError(file_, "/entries", "energy table \"" + name_ + "\" has no entry \"" + key + "\"");
  }
  return it->second;
}

double EnergyTable::pj(const std::string& key) const {
  const EnergyEntry& e = entry(key);
  if (!e.priced) {
    throw InputError(
        file_, "/entries/" + key,
        "energy table \"" + name_ + "\" entry \"" + key + "\" has an area but no price (\"pj\")");
  }
  return e.pj;
}

double EnergyTable::int_mult_pj(int bits) const {
  const double r = bits / 8.0;
  return pj("int8_mult") * r * r;
}

double EnergyTable::int_add_pj(int bits) const { return pj("int32_add") * bits / 32.0; }

double EnergyTable::register_pj(int bits) const { return pj("regfile_8b") * bits / 8.0; }

double EnergyTable::mac_pj(const std::string& format, int operand_bits, int accumulator_bits) const {
  if (format == "fp32") return pj("fp32_mult") + pj("fp32_add");
  if (format == "fp16") return pj("fp16_mult") + pj("fp32_add");
  return int_mult_pj(operand_bits) + int_add_pj(accumulator_bits);
}

double EnergyTable::sram_pj_per_64b(double capacity_bytes, bool write) const {
  if (sram_.empty()) {
    throw InputError(file_, "/sram", "energy table \"" + name_ + "\" has no SRAM anchors");
  }
  auto value = [&](const SramAnchor& a) { return write ? a.write_pj_per_64b : a.read_pj_per_64b; };
  if (sram_.size() == 1) return value(sram_[0]) * std::sqrt(capacity_bytes / sram_[0].capacity_bytes);
  // Log-log interpolation between the two anchors around the capacity (extrapolated at the ends).
  std::size_t hi = 1;
  while (hi + 1 < sram_.size() && sram_[hi].capacity_bytes < capacity_bytes) ++hi;
  const SramAnchor& a = sram_[hi - 1];
  const SramAnchor& b = sram_[hi];
  const double x = std::log(capacity_bytes), xa = std::log(a.capacity_bytes), xb = std::log(b.capacity_bytes);
  const double ya = std::log(value(a)), yb = std::log(value(b));
  return std::exp(ya + (yb - ya) * (x - xa) / (xb - xa));
}

HardwareCost EnergyTable::hardware(const std::string& key) const {
  const EnergyEntry& e = entry(key);
  return {e.area_um2, e.leakage_uw};
}

HardwareCost EnergyTable::int_mult_hw(int bits) const {
  const double r = bits / 8.0;
  return hardware("int8_mult") * (r * r);
}

HardwareCost EnergyTable::int_add_hw(int bits) const { return hardware("int32_add") * (bits / 32.0); }

HardwareCost EnergyTable::register_hw(int bits) const { return hardware("regfile_8b") * (bits / 8.0); }

HardwareCost EnergyTable::mac_hw(const std::string& format, int operand_bits, int accumulator_bits) const {
  if (format == "fp32") return hardware("fp32_mult") + hardware("fp32_add");
  if (format == "fp16") return hardware("fp16_mult") + hardware("fp32_add");
  return int_mult_hw(operand_bits) + int_add_hw(accumulator_bits);
}

HardwareCost EnergyTable::sram_hw(double capacity_bytes, std::uint32_t banks) const {
  const double bits = capacity_bytes * 8.0;
  const double leakage_uw = bits * sram_leakage_nw_per_bit_ * 1e-3;
  const HardwareCost one_bank{bits * sram_area_um2_per_bit_, leakage_uw, leakage_uw};  // all of it holds state
  if (banks <= 1 || sram_area_um2_per_bit_ <= 0) return one_bank;
  const double per_bit = sram_cell_area_um2_ + (sram_area_um2_per_bit_ - sram_cell_area_um2_) *
                                                   std::sqrt(static_cast<double>(banks));
  return one_bank * (per_bit / sram_area_um2_per_bit_);
}

HardwareCost EnergyTable::dma_hw(std::uint32_t outstanding) const {
  return register_hw(64 + 32) * static_cast<double>(outstanding) + int_add_hw(64);
}

std::string EnergyTable::known_nodes() const {
  std::string out;
  for (const auto& [nm, f] : nodes_) out += (out.empty() ? "" : ", ") + std::to_string(nm);
  return out;
}

namespace {
std::string format_nm(double nm) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", nm);
  return buf;
}
}  // namespace

EnergyTable EnergyTable::at_node(double node_nm, const std::string& file, const std::string& path) const {
  const int to = static_cast<int>(std::lround(node_nm));
  const int from = static_cast<int>(std::lround(node_nm_));
  if (std::abs(node_nm - to) > 1e-9 || !nodes_.count(to) || !nodes_.count(from)) {
    throw InputError(file, path,
                     "technology node " + format_nm(node_nm) + " nm is not in energy table \"" + name_ +
                         "\"'s node_scaling (known: " + (nodes_.empty() ? "none" : known_nodes()) + ")");
  }
  if (to == from) return *this;
  const NodeScaling& a = nodes_.at(from);
  const NodeScaling& b = nodes_.at(to);
  const double e = b.energy / a.energy, la = b.logic_area / a.logic_area, sa = b.sram_area / a.sram_area,
               lk = b.leakage / a.leakage;
  EnergyTable t = *this;
  t.node_nm_ = to;
  for (auto& [k, v] : t.entries_) {
    v.pj *= e;
    v.area_um2 *= la;
    v.leakage_uw *= lk;
  }
  for (auto& s : t.sram_) {
    s.read_pj_per_64b *= e;
    s.write_pj_per_64b *= e;
  }
  t.sram_area_um2_per_bit_ *= sa;
  t.sram_cell_area_um2_ *= sa;
  t.sram_leakage_nw_per_bit_ *= lk;
  return t;
}

}  // namespace savp::common
