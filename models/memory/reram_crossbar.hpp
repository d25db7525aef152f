// ReramCrossbar: functional and energy model of SPRINT's transposable ReRAM arrays scoring one query
// against N stored keys in memory (Yazdanbakhsh et al., MICRO 2022; shared/reference/sprint.md
// "Architecture": K MSBs one key per column, the query on the wordlines through DACs, each column
// current compared with a threshold by a 1-bit comparator, a transposed read returning the selected
// columns; commands CopyQ, threshold step, ReadP). Pure C++ (no SystemC). Parameters, layout and
// validation rules: ReramSpec (reram_spec.hpp), whose defaults name their sources.
//
// Codes. Keys: signed msb_bits-bit MSB codes (int8, in [-2^(msb_bits-1), 2^(msb_bits-1) - 1]): the
// caller quantises a key to msb_bits + lsb_bits bits and passes the top msb_bits as a signed code.
// Query: signed dac_bits-bit codes (int32, in [-2^(dac_bits-1), 2^(dac_bits-1) - 1]); quantise_query()
// makes them from real values and a scale (round to nearest, ties to even, saturating). Codes out of
// range are refused (std::invalid_argument).
//
// Current model (units: one query-code step x one key-code step, so with noise off the current of
// key j is exactly the integer dot product sum_i q_i k_ji and thresholds are given in those units):
//  - Each element is stored offset-binary, u = k + 2^(msb_bits-1), in cells_per_element() digits
//    d_s (cell_bits each, bit-sliced over adjacent columns, weighted 2^(s x cell_bits); reram_spec.hpp).
//    The offset's current 2^(msb_bits-1) x sum_i q_i is known to the controller once the query is
//    written and is taken off the comparator reference exactly (assumption); signed wordline drive is
//    bipolar (assumption). The current of key j is sum_i q_i x k_eff_ji with
//        k_eff_ji = sum_s 2^(s x cell_bits) x d_jis x (1 + conductance_sigma x z_jis) - 2^(msb_bits-1),
//    z_jis ~ N(0, 1) drawn per cell when the keys are written (store_keys) and fixed until the next
//    write: repeated reads see the same device variation. With split embedding the slices' currents
//    are summed (the sum over i runs over the whole head).
//  - Read noise: N(0, read_noise_sigma x FS) added to each key's comparator input on every read.
//  - Comparator offset: N(0, comparator_offset_sigma x FS), fixed per comparator (key slot j): drawn
//    from derive_seed(seed, stream, j), so slot j keeps its offset across writes.
//  - FS = full_scale_current() = crossbar_rows x slices x 2^(dac_bits-1) x 2^(msb_bits-1): the largest
//    |dot product| full columns can carry.
//  - With spec.noise false none of this applies and nothing random is drawn. With noise true every
//    random value is drawn even when its sigma is 0, so the streams (and so the draws) do not depend
//    on the sigmas: the same seed with a larger sigma scales the same deviations.
//  - Seeds: common::Rng streams derived from the constructor's seed (cells: one stream advanced per
//    write; reads: one stream advanced per read, counted or not; offsets: per slot).
//  - keep[j] = 1 iff comparator input >= threshold, where the comparator input is the column current
//    plus the comparator's (input-referred) offset; currents() and prune()'s optional output give
//    exactly these inputs, so keep[j] == (currents[j] >= threshold) always.
//
// Placement: keys_per_mat() = crossbar_cols / cells_per_element() keys per mat; a head of D rows needs
// slices = ceil(D / crossbar_rows) mats per key group (1 unless split_embedding); mats_per_slice =
// ceil(N / keys_per_mat); mats = slices x mats_per_slice. All mats work in parallel: one threshold step
// scores every stored key.
//
// Counters (ReramCounters) and what each action counts:
//  - store_keys(N keys of D): keys_written += N; bits_written += N x D x cells_per_element x cell_bits
//    (the cell bits programmed; = N x D x msb_bits when cell_bits divides msb_bits).
//  - prune() = one CopyQ + one threshold step + one ReadP: queries += 1; copyq_bits += dac_bits x D
//    (the query buffer: counted, not priced: a latch, not ReRAM cells); macs += D x N (one in-memory
//    MAC per key element scored; the bit slices of an element are one MAC, as SPRINT's 0.10 pJ/MAC
//    is per multiply-accumulate); dac_drives += dac_bits x D x mats_per_slice (every mat holding keys
//    has its D_s rows driven by its query slice; a dac_bits-bit drive is priced as dac_bits 1-bit
//    drives of ISAAC's 1-bit DAC: assumption); comparator_ops += N; readp_bits += N.
//  - transposed_read(m columns): transposed_reads += 1; transposed_keys += m; transposed_bits +=
//    m x msb_bits x D (the stored MSBs of each selected key; a digital read: exact codes).
//  - currents() and exact_scores() are diagnostics: they count nothing.
// Pricing (reram_actions / energy_pj): write_bit = bits_written x write_pj_per_bit; in_memory_mac =
// macs x mac_pj; dac_drive = dac_drives x dac_pj; comparator = comparator_ops x comparator_pj;
// read_bit = (readp_bits + transposed_bits) x read_pj_per_bit (ReadP uses normal read timing,
// sprint.md, and is priced as a normal read: assumption).
//
// Timing (memory cycles): threshold step = threshold_cycles (tAxTh); CopyQ = copyq_cycles (CAS
// timing); ReadP of N bits = read_cycles + ceil(N / bus_bits); transposed read of m selected columns =
// read_cycles + ceil(m x msb_bits x D / bus_bits) (the selected columns of all mats are sensed in
// parallel after one read latency, the bus serialises the data: assumption); storing N keys =
// write_cycles + ceil(bits_written / bus_bits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/common/energy_table.hpp"
#include "models/common/random.hpp"
#include "models/memory/reram_spec.hpp"

namespace savp::memory {

struct ReramCounters {
  std::uint64_t keys_written = 0;      // key columns written
  std::uint64_t bits_written = 0;      // cell bits programmed (priced)
  std::uint64_t queries = 0;           // prune() calls: CopyQ + threshold step + ReadP each
  std::uint64_t copyq_bits = 0;        // query-buffer bits written by CopyQ (not priced)
  std::uint64_t macs = 0;              // in-memory MACs (priced)
  std::uint64_t dac_drives = 0;        // 1-bit DAC drive equivalents (priced)
  std::uint64_t comparator_ops = 0;    // 1-bit comparisons (priced)
  std::uint64_t readp_bits = 0;        // pruning-vector bits read by ReadP (priced as read bits)
  std::uint64_t transposed_reads = 0;  // transposed-read commands
  std::uint64_t transposed_keys = 0;   // selected key columns read
  std::uint64_t transposed_bits = 0;   // MSB bits read by transposed reads (priced as read bits)
  std::uint64_t bits_read() const { return readp_bits + transposed_bits; }
};

// Priced actions (see the header comment): write_bit, in_memory_mac, dac_drive, comparator, read_bit.
common::ActionLedger reram_actions(const ReramCounters& counters, const ReramSpec& spec);
// Sum of reram_actions' energies (pJ).
double energy_pj(const ReramCounters& counters, const ReramSpec& spec);

// Area and leakage of `mats` mats with their in-memory periphery (energy-table entries, each with its
// source): per mat crossbar_rows x crossbar_cols cells (reram_cell), one dac_bits-bit wordline driver
// per row counted as dac_bits 1-bit DACs (dac_1b, as the DAC energy counts drives), and one 1-bit
// comparator per key (analog_comparator, keys_per_mat() of them).
common::HardwareCost reram_mats_hw(const ReramSpec& spec, const common::EnergyTable& energy,
                                   std::uint64_t mats);

class ReramCrossbar {
 public:
  // Throws std::invalid_argument when spec.check() finds a problem.
  ReramCrossbar(ReramSpec spec, std::uint64_t seed);

  const ReramSpec& spec() const { return spec_; }

  // n query codes from real values: clamp(nearbyint(q / scale)) to the DAC range; scale > 0.
  std::vector<std::int32_t> quantise_query(const double* q, std::size_t n, double scale) const;

  // Writes num_keys keys of head_dim MSB codes (row-major: key j's codes at codes[j x head_dim ...]),
  // replacing what was stored, and draws the cells' conductance variation. Throws
  // std::invalid_argument for a head_dim that check_head_dim() refuses or a code out of range.
  void store_keys(const std::int8_t* codes, std::size_t num_keys, std::size_t head_dim);

  std::size_t num_keys() const { return num_keys_; }
  std::size_t head_dim() const { return head_dim_; }
  std::uint64_t slices() const { return slices_; }
  std::uint64_t mats_per_slice() const;
  std::uint64_t mats() const { return spec_.mats_for(num_keys_, head_dim_); }
  double full_scale_current() const { return full_scale_; }
  // Key j's stored MSB codes (head_dim of them).
  const std::int8_t* key_codes(std::size_t j) const { return &codes_[j * head_dim_]; }
  // Fixed comparator offsets of the stored key slots (0 with noise off).
  const std::vector<double>& comparator_offsets() const { return offsets_; }

  // Integer dot products q . k_j (the noise-free currents). Counts nothing, draws nothing.
  std::vector<std::int64_t> exact_scores(const std::int32_t* q_codes) const;
  // One analog read (diagnostics, calibration): the comparator inputs of every key with the fixed
  // conductance variation and offsets and a fresh read-noise draw. Counts nothing.
  std::vector<double> currents(const std::int32_t* q_codes);
  // One in-memory pruning step (CopyQ, threshold step, ReadP): keep[j] = 1 iff key j's comparator
  // input >= threshold_current. When `currents` is given it receives the inputs of this same read.
  // Throws std::logic_error before any store_keys(), std::invalid_argument for a query code out of
  // range or a non-finite threshold.
  std::vector<std::uint8_t> prune(const std::int32_t* q_codes, double threshold_current,
                                  std::vector<double>* currents = nullptr);
  // Transposed read of the selected key columns: their MSB codes, columns.size() x head_dim, in the
  // order given. Throws std::out_of_range for a column >= num_keys().
  std::vector<std::int8_t> transposed_read(const std::vector<std::uint32_t>& columns);

  // Timing in memory cycles (header comment).
  std::uint64_t threshold_cycles() const { return spec_.threshold_step_cycles(); }
  std::uint64_t copyq_cycles() const { return spec_.copyq_step_cycles(); }
  std::uint64_t readp_cycles(std::uint64_t bits) const { return spec_.read_burst_cycles(bits); }
  std::uint64_t readp_cycles() const { return readp_cycles(num_keys_); }
  std::uint64_t transposed_read_cycles(std::uint64_t selected) const;
  std::uint64_t store_cycles(std::uint64_t keys) const;

  const ReramCounters& counters() const { return counters_; }
  void reset_counters() { counters_ = ReramCounters{}; }

 private:
  void check_query(const std::int32_t* q_codes) const;
  void read(const std::int32_t* q_codes, std::vector<double>& out);
  std::uint64_t key_bits_programmed() const;

  ReramSpec spec_;
  std::uint64_t seed_;
  common::Rng cell_rng_;
  common::Rng read_rng_;
  std::size_t num_keys_ = 0, head_dim_ = 0;
  std::uint64_t slices_ = 0;
  double full_scale_ = 0.0;
  std::vector<std::int8_t> codes_;  // num_keys x head_dim
  std::vector<double> k_eff_;       // num_keys x head_dim effective key values (header comment)
  std::vector<double> offsets_;     // per key slot
  ReramCounters counters_;
};

}  // namespace savp::memory
