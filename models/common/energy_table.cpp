#include "models/common/energy_table.hpp"

#include <algorithm>
#include <cmath>

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
    if (!e.has("pj")) e.child("pj");  // required: reports the missing key
    entry.source = e.get_string("source");
    entry.node_nm = e.get_number_in("node_nm", t.node_nm_, 1, 1000);
    entry.scaling = e.get_string("scaling", "none");
    e.get_string("unit", "");
    e.finish();
    t.entries_[key] = entry;
  }
  entries.finish();
  if (node.has("sram")) {
    JsonNode sram = node.object_at("sram");
    sram.get_string("scaling", "");
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

double EnergyTable::pj(const std::string& key) const { return entry(key).pj; }

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

}  // namespace savp::common
