// EnergyTable: prices of actions (pJ per action) loaded from a JSON table in which every entry
// carries its source, technology node and scaling rule. Components count actions; this table prices
// them; the two stay separate so a sweep can re-price counts without re-simulating. Derived prices
// (integer multipliers of other widths, SRAM of other capacities) follow documented rules:
// multiplier energy ~ width^2, adder energy ~ width (Horowitz, ISSCC 2014), SRAM energy per 64-bit
// access interpolated log-log in capacity between sourced anchors (CACTI-style).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"

namespace savp::common {

struct EnergyEntry {
  double pj = 0.0;
  std::string source;
  double node_nm = 0.0;
  std::string scaling;
};

struct SramAnchor {
  double capacity_bytes = 0.0;
  double read_pj_per_64b = 0.0;
  double write_pj_per_64b = 0.0;
  std::string source;
};

class EnergyTable {
 public:
  static EnergyTable parse(JsonNode node);

  const std::string& name() const { return name_; }
  double node_nm() const { return node_nm_; }
  bool has(const std::string& key) const { return entries_.count(key) != 0; }
  // Price of a named entry; throws InputError naming the table when missing.
  double pj(const std::string& key) const;
  const EnergyEntry& entry(const std::string& key) const;

  // Integer multiply / add of a width, scaled from the 8-bit multiply and 32-bit add entries.
  double int_mult_pj(int bits) const;
  double int_add_pj(int bits) const;
  // One access of a register of a width, scaled from the 8-bit register-file entry (regfile_8b).
  double register_pj(int bits) const;
  // One multiply-accumulate in a datapath format: "int" (operand bits, accumulator bits),
  // "fp16" (fp16 multiply, fp32 accumulate), "fp32".
  double mac_pj(const std::string& format, int operand_bits, int accumulator_bits) const;
  // SRAM energy per 64-bit access for a macro of the given capacity.
  double sram_pj_per_64b(double capacity_bytes, bool write) const;

  const std::map<std::string, EnergyEntry>& entries() const { return entries_; }
  const std::vector<SramAnchor>& sram_anchors() const { return sram_; }

 private:
  std::string name_;
  std::string file_;
  double node_nm_ = 0.0;
  std::map<std::string, EnergyEntry> entries_;
  std::vector<SramAnchor> sram_;
};

// Action counts of one component with the price of each action: energy = count x pj_each.
struct PricedAction {
  std::uint64_t count = 0;
  double pj_each = 0.0;
  std::string unit;
  double energy_pj() const { return static_cast<double>(count) * pj_each; }
};
using ActionLedger = std::map<std::string, PricedAction>;

}  // namespace savp::common
