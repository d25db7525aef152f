// EnergyTable: prices of actions (pJ per action) loaded from a JSON table in which every entry
// carries its source, technology node and scaling rule. Components count actions; this table prices
// them; the two stay separate so a sweep can re-price counts without re-simulating. Derived prices
// (integer multipliers of other widths, SRAM of other capacities) follow documented rules:
// multiplier energy ~ width^2, adder energy ~ width (Horowitz, ISSCC 2014), SRAM energy per 64-bit
// access interpolated log-log in capacity between sourced anchors (CACTI-style).
//
// Area and leakage sit in the same entries (area_um2, leakage_uw, each with its source) and follow
// the same derivation rules as the energies (an integer multiplier's area and leakage ~ width^2, an
// adder's ~ width, a register's ~ bits); SRAM area and leakage are per bit (sram.area_um2_per_bit,
// sram.leakage_nw_per_bit) for a one-bank macro, the bit cell (sram.cell_area_um2) apart from the
// periphery, whose share grows with the bank count (sram_hw()). An entry may give area and leakage
// without a price (no "pj": hardware priced elsewhere, e.g. the router's pj_per_byte, the ReRAM spec's
// DAC and comparator energies). node_scaling holds, per technology node, the factors that scale
// energy, logic area, SRAM area and leakage from the table's node (at_node()).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"
#include "models/common/power_gating.hpp"

namespace savp::common {

struct EnergyEntry {
  double pj = 0.0;
  bool priced = true;  // false: an area-only entry (no "pj" in the table)
  std::string source;
  std::string unit;  // what one action is ("op", "access"; "" when the table does not say)
  double node_nm = 0.0;
  std::string scaling;
  double area_um2 = 0.0;    // of one unit that performs the action
  double leakage_uw = 0.0;  // of that unit, powered
  std::string area_source, leakage_source;
};

// Silicon area and leakage power of a piece of hardware (one unit, or a component's sum).
// state_leakage_uw: the part of leakage_uw drawn by storage that holds state across jobs (SRAM);
// power gating keeps it powered (gating it would lose its contents), only the rest gates.
struct HardwareCost {
  double area_um2 = 0.0;
  double leakage_uw = 0.0;
  double state_leakage_uw = 0.0;
  HardwareCost& operator+=(const HardwareCost& o) {
    area_um2 += o.area_um2;
    leakage_uw += o.leakage_uw;
    state_leakage_uw += o.state_leakage_uw;
    return *this;
  }
  HardwareCost operator+(const HardwareCost& o) const { return HardwareCost(*this) += o; }
  HardwareCost operator*(double n) const { return {area_um2 * n, leakage_uw * n, state_leakage_uw * n}; }
  double area_mm2() const { return area_um2 * 1e-6; }
  double leakage_mw() const { return leakage_uw * 1e-3; }
  double gateable_leakage_mw() const { return (leakage_uw - state_leakage_uw) * 1e-3; }
};

// Factors from the table's node to another node (Stillmaker and Baas 2017 for logic; the table
// states its SRAM rule).
struct NodeScaling {
  double energy = 1.0, logic_area = 1.0, sram_area = 1.0, leakage = 1.0;
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

  // Area and leakage of one unit, by the same rules as the prices above.
  HardwareCost hardware(const std::string& key) const;
  HardwareCost int_mult_hw(int bits) const;
  HardwareCost int_add_hw(int bits) const;
  HardwareCost register_hw(int bits) const;
  HardwareCost mac_hw(const std::string& format, int operand_bits, int accumulator_bits) const;
  // An SRAM macro of capacity_bytes in `banks` banks. Per bit: the bit cell (sram.cell_area_um2) plus
  // the periphery (area_um2_per_bit - cell_area_um2, the one-bank figure) x sqrt(banks): a bank's
  // decoders and wordline drivers sit along its rows and its sense amplifiers, write drivers and
  // I/O along its columns, so a square bank of b bits has periphery ~ sqrt(b), and banks banks of
  // capacity / banks bits have sqrt(banks) times the periphery of one bank of the same capacity.
  // Leakage scales as area. One bank: exactly the per-bit figures.
  HardwareCost sram_hw(double capacity_bytes, std::uint32_t banks = 1) const;
  // A DMA engine with `outstanding` requests in flight: per request a 64-bit address and a 32-bit
  // byte-count register, plus one 64-bit address adder (derived from the register and adder entries).
  HardwareCost dma_hw(std::uint32_t outstanding) const;

  // The table scaled to another node: every price by energy, every logic area by logic_area, SRAM
  // area by sram_area, leakage by leakage (the factors of node_nm over those of the table's node).
  // Throws InputError at `path` of `file` when the node is not in node_scaling.
  EnergyTable at_node(double node_nm, const std::string& file, const std::string& path) const;
  const std::map<int, NodeScaling>& node_scaling() const { return nodes_; }
  const std::string& node_scaling_source() const { return nodes_source_; }
  // Every node node_scaling knows, as "7, 10, ..." (for messages).
  std::string known_nodes() const;

  // The break-even point of power gating (power_gating in the table; !known() when absent).
  const PowerGatingRule& power_gating() const { return power_gating_; }

  const std::map<std::string, EnergyEntry>& entries() const { return entries_; }
  const std::vector<SramAnchor>& sram_anchors() const { return sram_; }
  double sram_area_um2_per_bit() const { return sram_area_um2_per_bit_; }
  double sram_leakage_nw_per_bit() const { return sram_leakage_nw_per_bit_; }
  double sram_cell_area_um2() const { return sram_cell_area_um2_; }

 private:
  std::string name_;
  std::string file_;
  double node_nm_ = 0.0;
  std::map<std::string, EnergyEntry> entries_;
  std::vector<SramAnchor> sram_;
  double sram_area_um2_per_bit_ = 0.0, sram_leakage_nw_per_bit_ = 0.0, sram_cell_area_um2_ = 0.0;
  std::map<int, NodeScaling> nodes_;
  std::string nodes_source_;
  PowerGatingRule power_gating_;
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
