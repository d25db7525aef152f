// ReramCrossbar: in-memory key scoring and pruning of SPRINT's transposable ReRAM; see
// reram_crossbar.hpp for the current, noise, counting and timing model and reram_spec.hpp for the
// sources of the defaults (shared/reference/sprint.md, shared/reference/energy-and-memory.md).
#include "models/memory/reram_crossbar.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "models/common/int_math.hpp"

namespace savp::memory {

namespace {

// Independent random streams derived from the crossbar's seed.
constexpr std::uint64_t kCellStream = 1;
constexpr std::uint64_t kReadStream = 2;
constexpr std::uint64_t kOffsetStream = 3;

const ReramSpec& checked(const ReramSpec& spec) {
  if (const auto p = spec.check()) {
    throw std::invalid_argument("ReramCrossbar \"" + spec.name + "\": " + p->message);
  }
  return spec;
}

}  // namespace

common::ActionLedger reram_actions(const ReramCounters& c, const ReramSpec& s) {
  return {{"write_bit", {c.bits_written, s.write_pj_per_bit, "bit"}},
          {"in_memory_mac", {c.macs, s.mac_pj, "MAC"}},
          {"dac_drive", {c.dac_drives, s.dac_pj, "1-bit drive"}},
          {"comparator", {c.comparator_ops, s.comparator_pj, "comparison"}},
          {"read_bit", {c.bits_read(), s.read_pj_per_bit, "bit"}}};
}

double energy_pj(const ReramCounters& counters, const ReramSpec& spec) {
  double e = 0.0;
  for (const auto& kv : reram_actions(counters, spec)) e += kv.second.energy_pj();
  return e;
}

ReramCrossbar::ReramCrossbar(ReramSpec spec, std::uint64_t seed)
    : spec_(checked(spec)),
      seed_(seed),
      cell_rng_(common::derive_seed(seed, kCellStream)),
      read_rng_(common::derive_seed(seed, kReadStream)) {}

std::vector<std::int32_t> ReramCrossbar::quantise_query(const double* q, std::size_t n, double scale) const {
  if (!(scale > 0.0) || !std::isfinite(scale)) {
    throw std::invalid_argument("ReramCrossbar::quantise_query: the scale must be a positive finite number");
  }
  const double lo = spec_.query_min(), hi = spec_.query_max();
  std::vector<std::int32_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(q[i])) {
      throw std::invalid_argument("ReramCrossbar::quantise_query: query element " + std::to_string(i) +
                                  " is not finite");
    }
    const double v = std::nearbyint(q[i] / scale);
    out[i] = static_cast<std::int32_t>(v < lo ? lo : v > hi ? hi : v);
  }
  return out;
}

common::HardwareCost reram_mats_hw(const ReramSpec& spec, const common::EnergyTable& energy,
                                   std::uint64_t mats) {
  const double rows = spec.crossbar_rows, cols = spec.crossbar_cols;
  const common::HardwareCost mat =
      energy.hardware("reram_cell") * (rows * cols) + energy.hardware("dac_1b") * (rows * spec.dac_bits) +
      energy.hardware("analog_comparator") * static_cast<double>(spec.keys_per_mat());
  return mat * static_cast<double>(mats);
}

std::uint64_t ReramCrossbar::mats_per_slice() const {
  return common::ceil_div(num_keys_, spec_.keys_per_mat());
}

std::uint64_t ReramCrossbar::key_bits_programmed() const {
  return std::uint64_t{head_dim_} * spec_.cells_per_element() * static_cast<std::uint64_t>(spec_.cell_bits);
}

void ReramCrossbar::store_keys(const std::int8_t* codes, std::size_t num_keys, std::size_t head_dim) {
  const std::string why = spec_.check_head_dim(head_dim);
  if (!why.empty()) throw std::invalid_argument("ReramCrossbar \"" + spec_.name + "\": " + why);
  const int kmin = spec_.key_min(), kmax = spec_.key_max();
  const std::size_t n = num_keys * head_dim;
  for (std::size_t x = 0; x < n; ++x) {
    if (codes[x] < kmin || codes[x] > kmax) {
      throw std::invalid_argument("ReramCrossbar \"" + spec_.name + "\": key " +
                                  std::to_string(x / head_dim) + " element " + std::to_string(x % head_dim) +
                                  " has MSB code " + std::to_string(codes[x]) + ", outside the " +
                                  std::to_string(spec_.msb_bits) + "-bit range [" + std::to_string(kmin) +
                                  ", " + std::to_string(kmax) + "]");
    }
  }
  num_keys_ = num_keys;
  head_dim_ = head_dim;
  slices_ = spec_.embedding_slices(head_dim);
  full_scale_ = static_cast<double>(spec_.crossbar_rows) * static_cast<double>(slices_) *
                std::ldexp(1.0, spec_.dac_bits - 1) * std::ldexp(1.0, spec_.msb_bits - 1);
  codes_.assign(codes, codes + n);
  k_eff_.resize(n);
  offsets_.assign(num_keys, 0.0);
  if (!spec_.noise) {
    for (std::size_t x = 0; x < n; ++x) k_eff_[x] = codes_[x];
  } else {
    const int offset = 1 << (spec_.msb_bits - 1);
    const std::uint32_t cells = spec_.cells_per_element();
    const unsigned mask = (1u << spec_.cell_bits) - 1;
    const double sigma = spec_.conductance_sigma;
    for (std::size_t x = 0; x < n; ++x) {
      const unsigned u = static_cast<unsigned>(codes_[x] + offset);
      double v = 0.0;
      for (std::uint32_t s = 0; s < cells; ++s) {
        const unsigned shift = s * static_cast<unsigned>(spec_.cell_bits);
        const double digit = static_cast<double>((u >> shift) & mask);
        v += std::ldexp(digit, static_cast<int>(shift)) * (1.0 + sigma * cell_rng_.normal());
      }
      k_eff_[x] = v - offset;
    }
    const double offset_sd = spec_.comparator_offset_sigma * full_scale_;
    for (std::size_t j = 0; j < num_keys; ++j) {
      common::Rng r(common::derive_seed(seed_, kOffsetStream, j));
      offsets_[j] = offset_sd * r.normal();
    }
  }
  counters_.keys_written += num_keys;
  counters_.bits_written += num_keys * key_bits_programmed();
}

void ReramCrossbar::check_query(const std::int32_t* q) const {
  if (head_dim_ == 0) {
    throw std::logic_error("ReramCrossbar \"" + spec_.name + "\": a query before any keys were stored");
  }
  const std::int32_t lo = spec_.query_min(), hi = spec_.query_max();
  for (std::size_t i = 0; i < head_dim_; ++i) {
    if (q[i] < lo || q[i] > hi) {
      throw std::invalid_argument("ReramCrossbar \"" + spec_.name + "\": query element " + std::to_string(i) +
                                  " has code " + std::to_string(q[i]) + ", outside the " +
                                  std::to_string(spec_.dac_bits) + "-bit DAC range [" + std::to_string(lo) +
                                  ", " + std::to_string(hi) + "]");
    }
  }
}

std::vector<std::int64_t> ReramCrossbar::exact_scores(const std::int32_t* q) const {
  check_query(q);
  std::vector<std::int64_t> out(num_keys_);
  for (std::size_t j = 0; j < num_keys_; ++j) {
    const std::int8_t* k = &codes_[j * head_dim_];
    std::int64_t acc = 0;
    for (std::size_t i = 0; i < head_dim_; ++i) acc += std::int64_t{q[i]} * k[i];
    out[j] = acc;
  }
  return out;
}

void ReramCrossbar::read(const std::int32_t* q, std::vector<double>& out) {
  check_query(q);
  out.resize(num_keys_);
  const double read_sd = spec_.read_noise_sigma * full_scale_;
  for (std::size_t j = 0; j < num_keys_; ++j) {
    const double* k = &k_eff_[j * head_dim_];
    double acc = 0.0;
    for (std::size_t i = 0; i < head_dim_; ++i) acc += static_cast<double>(q[i]) * k[i];
    if (spec_.noise) acc += read_sd * read_rng_.normal() + offsets_[j];
    out[j] = acc;
  }
}

std::vector<double> ReramCrossbar::currents(const std::int32_t* q) {
  std::vector<double> out;
  read(q, out);
  return out;
}

std::vector<std::uint8_t> ReramCrossbar::prune(const std::int32_t* q, double threshold,
                                               std::vector<double>* currents_out) {
  if (!std::isfinite(threshold)) {
    throw std::invalid_argument("ReramCrossbar \"" + spec_.name + "\": the threshold must be finite");
  }
  std::vector<double> local;
  std::vector<double>& cur = currents_out ? *currents_out : local;
  read(q, cur);
  std::vector<std::uint8_t> keep(num_keys_);
  for (std::size_t j = 0; j < num_keys_; ++j) keep[j] = cur[j] >= threshold ? 1 : 0;
  ReramCounters& c = counters_;
  c.queries += 1;
  c.copyq_bits += static_cast<std::uint64_t>(spec_.dac_bits) * head_dim_;
  c.macs += std::uint64_t{head_dim_} * num_keys_;
  c.dac_drives += static_cast<std::uint64_t>(spec_.dac_bits) * head_dim_ * mats_per_slice();
  c.comparator_ops += num_keys_;
  c.readp_bits += num_keys_;
  return keep;
}

std::vector<std::int8_t> ReramCrossbar::transposed_read(const std::vector<std::uint32_t>& columns) {
  std::vector<std::int8_t> out;
  out.reserve(columns.size() * head_dim_);
  for (std::uint32_t col : columns) {
    if (col >= num_keys_) {
      throw std::out_of_range("ReramCrossbar \"" + spec_.name + "\": transposed read of column " +
                              std::to_string(col) + ", but " + std::to_string(num_keys_) +
                              " keys are stored");
    }
    const std::int8_t* k = key_codes(col);
    out.insert(out.end(), k, k + head_dim_);
  }
  counters_.transposed_reads += 1;
  counters_.transposed_keys += columns.size();
  counters_.transposed_bits += columns.size() * static_cast<std::uint64_t>(spec_.msb_bits) * head_dim_;
  return out;
}

std::uint64_t ReramCrossbar::transposed_read_cycles(std::uint64_t selected) const {
  return spec_.read_burst_cycles(selected * static_cast<std::uint64_t>(spec_.msb_bits) * head_dim_);
}

std::uint64_t ReramCrossbar::store_cycles(std::uint64_t keys) const {
  return spec_.write_burst_cycles(keys * key_bits_programmed());
}

}  // namespace savp::memory
