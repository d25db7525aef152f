// ReramSpec: the parameters of SPRINT's transposable ReRAM arrays (Yazdanbakhsh et al., MICRO 2022;
// shared/reference/sprint.md "Architecture" and "Technology"; prices from
// shared/reference/energy-and-memory.md "ReRAM, ADC, DAC"): crossbar geometry, cells, DAC and
// comparator resolution, non-idealities, command timing and energy per action. Pure C++ (no SystemC).
// The arrays themselves are modelled by ReramCrossbar (reram_crossbar.hpp).
//
// sprint.md says most SPRINT parameters come from third-party summaries and are uncertain: every one
// is a parameter here, and each default below names its source or says "assumption".
//
// Layout (the model ReramCrossbar implements; see there for the current model):
//  - A key's msb_bits-bit MSB code is stored as an offset-binary value u = k + 2^(msb_bits-1) split
//    into cells_per_element() = ceil(msb_bits / cell_bits) digits of cell_bits bits (the top digit
//    holds the msb_bits mod cell_bits bits left when cell_bits does not divide msb_bits). The digits
//    of one element sit in the same row (wordline) of adjacent physical columns (bit slicing, as in
//    ISAAC); the currents of a key's digit columns are summed with binary weights 2^(s x cell_bits) in
//    the analog periphery (assumption: current-mirror weighting) into the key's ONE comparator, so a
//    mat holds keys_per_mat() = floor(crossbar_cols / cells_per_element()) keys.
//  - A head dimension D <= crossbar_rows fits one column group. D > crossbar_rows is only accepted with
//    split_embedding: the embedding is split into ceil(D / crossbar_rows) slices, slice s of every key
//    in its own mat (same column position in each), the currents of a key's slices summed before its
//    comparator (sprint.md: "long embeddings split over adjacent columns").
//
// Validation rules (parse() names the offending key; check() states the same rules for specs built in
// code; check_head_dim() is the head-dimension rule, which needs the workload):
//  - Resolution (cell_bits vs DAC and comparator): the smallest current step of a column is one DAC
//    step on one cell-conductance step; a column of R rows driven by dac_bits-bit DACs over cells of
//    cell_bits bits takes L = R x (2^dac_bits - 1) x (2^cell_bits - 1) + 1 distinct current levels,
//    and a comparator path that can place its reference between any two of them must resolve
//    ceil(log2(L)) bits (the counting argument of ISAAC's ADC-resolution rule, ISCA 2016):
//        ceil(log2(crossbar_rows x (2^dac_bits - 1) x (2^cell_bits - 1) + 1)) <= sense_bits.
//    More bits per cell than that are levels the comparator cannot tell apart: refused (key cell_bits).
//  - cells_per_element() <= crossbar_cols: a key's digit columns must fit one mat (key crossbar_cols).
//  - threshold_cycles < 8 (sprint.md: the in-memory threshold step takes "under 8 memory cycles").
//  - Ranges: crossbar_rows, crossbar_cols in [1, 4096]; cell_bits in [1, 8]; msb_bits in [1, 8] (the
//    codes are int8); dac_bits in [1, 16]; sense_bits in [1, 32]; sigmas in [0, 1]; cycles >= 1;
//    bus_bits in [1, 4096]; prices >= 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/common/json_reader.hpp"

namespace savp::memory {

// A rule a spec breaks: the keys it concerns (the first is the one to blame when the JSON has it)
// and the message.
struct ReramSpecProblem {
  std::vector<std::string> keys;
  std::string message;
};

struct ReramSpec {
  std::string name = "reram";
  std::string description;

  // ---- geometry ----
  // Wordlines per mat. Assumption (64 x 128 mats: SPRINT's mat size is not in the record; 64 rows hold
  // one key of the D = 64 heads of LeOPArd's suite, sprint.md "Workloads").
  std::uint32_t crossbar_rows = 64;
  // Physical columns (bitlines) per mat. Assumption (see crossbar_rows). Keys per mat =
  // crossbar_cols / cells_per_element().
  std::uint32_t crossbar_cols = 128;
  // Bits per ReRAM cell. Assumption (2-bit multi-level cells, as ISAAC).
  int cell_bits = 2;
  // Key MSBs held in the transposable arrays: sprint.md "the 4 most significant bits of every K vector".
  int msb_bits = 4;
  // Signed query precision driven on the wordlines (codes in [-2^(dac_bits-1), 2^(dac_bits-1) - 1]).
  // Assumption: SPRINT's "low-precision query" width is not in the record; 4 bits like the key MSBs.
  int dac_bits = 4;
  // Bits the 1-bit comparator path resolves on a column current (see the resolution rule above).
  // Assumption: 12, the least the default geometry needs (64 x 15 x 3 + 1 = 2881 levels).
  int sense_bits = 12;
  // Accept heads wider than crossbar_rows by splitting them over mats (sprint.md: "long embeddings
  // split over adjacent columns"). Default false: a head that does not fit is an error.
  bool split_embedding = false;

  // ---- non-idealities (all assumptions: the record gives no device figures) ----
  // Off by default: with noise false the currents are the exact integer dot products.
  bool noise = false;
  // Relative std of each cell's conductance, drawn once per cell when the keys are written (device
  // and programming variation; ~5 % is a common figure for multi-level ReRAM: assumption).
  double conductance_sigma = 0.05;
  // Std of the read noise of one key's comparator input, per read, relative to full_scale_current().
  double read_noise_sigma = 0.005;
  // Std of each comparator's input-referred offset, fixed per comparator, relative to full scale.
  double comparator_offset_sigma = 0.002;

  // ---- timing (memory cycles of clock_mhz) ----
  double clock_mhz = 1000.0;  // sprint.md "Technology": 1 GHz
  // Normal read (ReadP, transposed read): latency before the data beats. Assumption: a DDR-like
  // interface with DDR4-2400's tRCD + CL = (16 + 16) x 0.833 ns = 26.7 ns -> 27 cycles at 1 GHz
  // (energy-and-memory.md DDR4 timing).
  std::uint32_t read_cycles = 27;
  // Cell write (SET/RESET pulse) latency before the data beats. Assumption: 50 ns (no sourced ReRAM
  // write timing in the reference).
  std::uint32_t write_cycles = 50;
  // In-memory threshold step tAxTh. sprint.md: "under 8 memory cycles"; default 7, must be < 8.
  std::uint32_t threshold_cycles = 7;
  // CopyQ: sprint.md "CAS timing only". Assumption: DDR4-2400's CL 16 x 0.833 ns = 13.3 ns -> 14.
  std::uint32_t copyq_cycles = 14;
  // Data bus width of a read or write burst (bits per cycle). Assumption: a x64 channel.
  std::uint32_t bus_bits = 64;

  // ---- energy (per action; sprint.md "Technology" / energy-and-memory.md "ReRAM, ADC, DAC") ----
  double read_pj_per_bit = 3.1;    // SPRINT, 65 nm
  double write_pj_per_bit = 24.4;  // SPRINT, 65 nm
  double mac_pj = 0.10;            // SPRINT in-memory compute, 65 nm, per MAC
  double dac_pj = 0.417;           // ISAAC 1-bit DAC, per 1-bit drive
  // 1-bit comparator per comparison. Convention: per-conversion energy from the table (a 5-bit ADC
  // is 0.99 pJ per conversion, Saberi et al. scaling as in Accelergy), not power x time; SPRINT's
  // "~30x lower power than a 5-bit ADC" at the same rate gives 0.99 / 30 = 0.033 pJ per comparison.
  double comparator_pj = 0.99 / 30.0;

  // Keys: kind ("reram", optional), name, description, and every field above by its name. Unknown
  // keys are refused; every error names the file and the JSON path of the offending key.
  static ReramSpec parse(common::JsonNode node);

  // The first rule (header comment) this spec breaks, or nothing.
  std::optional<ReramSpecProblem> check() const;
  // "" when a head of this dimension can be stored, else why not (head_dim 0; wider than
  // crossbar_rows without split_embedding).
  std::string check_head_dim(std::uint64_t head_dim) const;

  // ceil(msb_bits / cell_bits): cells (adjacent columns) per key element.
  std::uint32_t cells_per_element() const;
  // floor(crossbar_cols / cells_per_element()).
  std::uint32_t keys_per_mat() const;
  // ceil(head_dim / crossbar_rows): mats one key spans (1 unless split).
  std::uint64_t embedding_slices(std::uint64_t head_dim) const;
  // Mats holding `keys` keys of head_dim: embedding_slices(head_dim) x ceil(keys / keys_per_mat()).
  std::uint64_t mats_for(std::uint64_t keys, std::uint64_t head_dim) const;
  // Sense bits the resolution rule asks for: ceil(log2(rows x (2^dac - 1) x (2^cell - 1) + 1)).
  int required_sense_bits() const;
  // Signed code ranges.
  std::int32_t query_min() const { return -(std::int32_t{1} << (dac_bits - 1)); }
  std::int32_t query_max() const { return (std::int32_t{1} << (dac_bits - 1)) - 1; }
  int key_min() const { return -(1 << (msb_bits - 1)); }
  int key_max() const { return (1 << (msb_bits - 1)) - 1; }

  double cycle_ns() const { return 1000.0 / clock_mhz; }
  // Command timing in memory cycles.
  std::uint64_t threshold_step_cycles() const { return threshold_cycles; }
  std::uint64_t copyq_step_cycles() const { return copyq_cycles; }
  // A normal read of `bits` (ReadP of the pruning vector): read_cycles + ceil(bits / bus_bits).
  std::uint64_t read_burst_cycles(std::uint64_t bits) const;
  // A write of `bits` into the cells: write_cycles + ceil(bits / bus_bits).
  std::uint64_t write_burst_cycles(std::uint64_t bits) const;
};

}  // namespace savp::memory
