#include "models/salo/pe_array.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace savp::salo {

namespace {

constexpr double kLog2e = 1.4426950408889634;

}  // namespace

// Operands of a run: the full matrices plus, in fixed mode, their 5.4 codes quantised on first use
// (shared by all tiles of a schedule, so each token is quantised once). The codes are kept as
// contiguous int16 rows (a 9-bit code fits) together with per-token magnitude bounds, which let the
// row kernels prove that an accumulator cannot saturate and skip the per-step clamp (the result is
// the same bit for bit: a clamp that never triggers is the identity).
class Operands {
 public:
  Operands(const common::MatrixD& q, const common::MatrixD& k, const common::MatrixD& v,
           const ArrayConfig& cfg, double scale)
      : q_(q), k_(k), v_(v), cfg_(cfg), scale_(scale) {
    if (!(scale > 0.0) || !std::isfinite(scale)) {
      throw std::invalid_argument("salo::compute_tile: softmax_scale must be positive and finite");
    }
    if (q.cols() != cfg.head_dim || k.cols() != cfg.head_dim) {
      throw std::invalid_argument("salo::compute_tile: Q/K columns (" + std::to_string(q.cols()) + ", " +
                                  std::to_string(k.cols()) + ") differ from head_dim " +
                                  std::to_string(cfg.head_dim));
    }
    if (k.rows() != v.rows() || q.rows() != k.rows()) {
      throw std::invalid_argument("salo::compute_tile: Q, K, V must have the same number of rows");
    }
    if (v.cols() == 0) throw std::invalid_argument("salo::compute_tile: V has no columns");
    // scale = r * 2^-shift, shift >= 0, r in (0.5, 1] (or r > 1 when scale > 1).
    shift_ = std::min(30, std::max(0, static_cast<int>(std::floor(-std::log2(scale)))));
    q_factor_ = scale * std::ldexp(1.0, shift_) * kLog2e;
    if (cfg.datapath == Datapath::Fixed) {
      qf_.init(q.rows(), q.cols());
      kf_.init(k.rows(), k.cols());
      vf_.init(v.rows(), v.cols());
      for (int f = 0; f < 256; ++f) pwl_[f] = static_cast<std::int32_t>(pwl_exp2_frac_raw(f, cfg.fixed));
    }
  }

  struct Codes {
    std::vector<std::int16_t> code;  // rows x cols 5.4 codes
    std::vector<std::int32_t> maxabs, l1;
    std::vector<std::uint8_t> have;
    std::size_t cols = 0;
    void init(std::size_t rows, std::size_t c) {
      cols = c;
      code.assign(rows * c, 0);
      maxabs.assign(rows, 0);
      l1.assign(rows, 0);
      have.assign(rows, 0);
    }
  };

  std::uint64_t seq_len() const { return q_.rows(); }
  std::size_t d() const { return q_.cols(); }
  std::size_t dv() const { return v_.cols(); }
  double scale() const { return scale_; }
  int shift() const { return shift_; }
  const common::MatrixD& q() const { return q_; }
  const common::MatrixD& k() const { return k_; }
  const common::MatrixD& v() const { return v_; }
  const ArrayConfig& cfg() const { return cfg_; }
  const std::int32_t* pwl() const { return pwl_; }

  // Ensure token t's codes are present; returns the Codes table.
  const Codes& qf(std::uint32_t t) { return row(qf_, q_, t, q_factor_); }
  const Codes& kf(std::uint32_t t) { return row(kf_, k_, t, 1.0); }
  const Codes& vf(std::uint32_t t) { return row(vf_, v_, t, 1.0); }
  Codes& kcodes() { return kf_; }
  Codes& vcodes() { return vf_; }
  void fill_k(std::uint32_t t) { row(kf_, k_, t, 1.0); }
  void fill_v(std::uint32_t t) { row(vf_, v_, t, 1.0); }

  // Per-row scratch (reused across rows: no allocation per row once grown).
  std::vector<std::int32_t> s_mant, s_exp, s_acc;
  std::vector<double> s_x;

 private:
  static const Codes& row(Codes& cache, const common::MatrixD& m, std::uint32_t t, double factor) {
    if (!cache.have[t]) {
      std::int16_t* r = cache.code.data() + std::size_t{t} * cache.cols;
      std::int32_t mx = 0, l1 = 0;
      for (std::size_t c = 0; c < m.cols(); ++c) {
        const std::int64_t code = quantize(m(t, c) * factor, kInputFormat);
        r[c] = static_cast<std::int16_t>(code);
        const std::int32_t a = static_cast<std::int32_t>(code < 0 ? -code : code);
        mx = std::max(mx, a);
        l1 += a;
      }
      cache.maxabs[t] = mx;
      cache.l1[t] = l1;
      cache.have[t] = 1;
    }
    return cache;
  }

  const common::MatrixD& q_;
  const common::MatrixD& k_;
  const common::MatrixD& v_;
  const ArrayConfig& cfg_;
  double scale_;
  int shift_ = 0;
  double q_factor_ = 1.0;
  Codes qf_, kf_, vf_;
  std::int32_t pwl_[256] = {};
};

namespace {

constexpr double kAccLsb = 1.0 / 256.0;  // 10.8 LSB: raw * kAccLsb == kAccFormat.to_double(raw), exactly
constexpr std::int64_t kAccMax = (std::int64_t{1} << 17) - 1;  // 10.8 range
constexpr std::int64_t kAccMin = -(std::int64_t{1} << 17);

// The actions of one row over n > 0 keys (every datapath, whatever the data).
void count_row(std::uint64_t n, std::uint64_t d, std::uint64_t dv, ArrayCounters& cnt) {
  cnt.macs_qk += n * d;
  cnt.macs_exp += n;
  cnt.exp_evals += n;
  cnt.adds_row_sum += n;
  cnt.reciprocals += 1;
  cnt.macs_normalise += n;
  cnt.macs_pv += n * dv;
}

// One row through stages 1-5 over `keys` (in row-sum order).
RowPartial compute_row(Operands& ops, std::uint32_t query, const std::vector<std::uint32_t>& keys,
                       bool global_row, ArrayCounters& cnt) {
  RowPartial p;
  p.query = query;
  p.global_row = global_row;
  const std::size_t d = ops.d(), dv = ops.dv();
  const std::uint64_t n = keys.size();
  if (n == 0) {
    p.out.assign(dv, 0.0);
    if (ops.cfg().datapath == Datapath::Fixed) p.out_raw.assign(dv, 0);
    return p;
  }
  p.empty = false;
  p.keys = static_cast<std::uint32_t>(n);
  count_row(n, d, dv, cnt);

  if (ops.cfg().datapath == Datapath::Float) {
    p.out.assign(dv, 0.0);
    std::vector<double>& x = ops.s_x;
    x.resize(n);
    double mx = -INFINITY;
    const double* qr = ops.q().row(query);
    const double scale = ops.scale();
    for (std::size_t j = 0; j < n; ++j) {
      const double* kr = ops.k().row(keys[j]);
      double s = 0.0;
      for (std::size_t t = 0; t < d; ++t) s += qr[t] * kr[t];
      x[j] = s * scale * kLog2e;
      mx = std::max(mx, x[j]);
    }
    const int e = static_cast<int>(std::floor(mx));
    double sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      x[j] = std::exp2(x[j] - e);
      sum += x[j];
    }
    const double inv = 1.0 / sum;
    double* out = p.out.data();
    for (std::size_t j = 0; j < n; ++j) {
      const double pr = x[j] * inv;
      const double* vr = ops.v().row(keys[j]);
      for (std::size_t t = 0; t < dv; ++t) out[t] += pr * vr[t];
    }
    p.sum_mant = sum;
    p.sum_exp = e;
    return p;
  }

  // Fixed datapath.
  const Operands::Codes& qc = ops.qf(query);
  const std::int16_t* qf = qc.code.data() + std::size_t{query} * qc.cols;
  const std::int64_t q_max = qc.maxabs[query], q_l1 = qc.l1[query];
  Operands::Codes& kc = ops.kcodes();
  const std::int32_t* pwl = ops.pwl();
  const int shift = ops.shift();
  ops.s_mant.resize(n);
  ops.s_exp.resize(n);
  std::int32_t* ev_mant = ops.s_mant.data();
  std::int32_t* ev_exp = ops.s_exp.data();
  // Row sum (ExpSum::add inlined): mantissa in 10.8, shared exponent.
  std::int64_t sum_mant = 0;
  int sum_exp = kExpMin;
  constexpr std::int64_t x_lo = std::int64_t{kExpMin} * 256, x_hi = std::int64_t{kExpMax + 1} * 256 - 1;
  for (std::size_t j = 0; j < n; ++j) {
    const std::uint32_t key = keys[j];
    ops.fill_k(key);
    const std::int16_t* kf = kc.code.data() + std::size_t{key} * d;
    std::int64_t acc;  // 10.8: products of two 5.4 codes have exactly 8 fraction bits
    bool sat = false;
    // |every partial sum| <= sum_t |q_t||k_t| <= min(max|q| L1(k), L1(q) max|k|): when that bound is
    // inside 10.8, no accumulator update can saturate and the exact integer sum is the result.
    const std::int64_t bound = std::min(q_max * kc.l1[key], q_l1 * kc.maxabs[key]);
    if (bound <= kAccMax) {
      std::int32_t a32 = 0;
      for (std::size_t t = 0; t < d; ++t) a32 += std::int32_t{qf[t]} * std::int32_t{kf[t]};
      acc = a32;
    } else {
      acc = 0;
      const Overflow o = ops.cfg().fixed.qk_overflow;
      for (std::size_t t = 0; t < d; ++t) {
        const std::int64_t a = acc + std::int64_t{qf[t]} * std::int64_t{kf[t]};
        acc = fit(a, kAccFormat, o);
        sat = sat || (a != acc);  // saturated or wrapped
      }
    }
    const std::int64_t x = acc >> shift;  // 8 fraction bits; floor (shift <= 30)
    if (sat) ++cnt.qk_saturated;
    if (x < x_lo || x > x_hi) ++cnt.exp_saturated;
    // exp2_fixed: saturate to [-16, 16), split, PWL (table of pwl_exp2_frac_raw).
    const std::int64_t xc = std::min(std::max(x, x_lo), x_hi);
    const int e_exp = static_cast<int>(xc >> 8);
    const std::int64_t e_mant = pwl[xc & 255];
    ev_mant[j] = static_cast<std::int32_t>(e_mant);
    ev_exp[j] = e_exp;
    // ExpSum::add
    std::int64_t m_in = e_mant;
    if (e_exp > sum_exp) {
      sum_mant >>= (e_exp - sum_exp);  // exponent difference <= 31
      sum_exp = e_exp;
    } else {
      m_in >>= (sum_exp - e_exp);
    }
    sum_mant = std::min(std::max(sum_mant + m_in, kAccMin), kAccMax);
    while (sum_mant >= 256 * 256 && sum_exp < kExpMax) {
      sum_mant >>= 1;
      ++sum_exp;
    }
  }
  ExpSum sum;
  sum.mant_raw = sum_mant;
  sum.exp = sum_exp;
  const FixedParams& fp = ops.cfg().fixed;
  const Reciprocal r = reciprocal(sum, fp);
  // Stage 4 (normalise) and the bound for stage 5.
  Operands::Codes& vc = ops.vcodes();
  std::int64_t pv_bound = 0;  // sum_j |p_j| max|v_j|
  for (std::size_t j = 0; j < n; ++j) {
    ExpValue e;
    e.mant_raw = ev_mant[j];
    e.exp = ev_exp[j];
    const std::int64_t pr = normalise(e, r, fp);  // 2.7
    ev_mant[j] = static_cast<std::int32_t>(pr);
    ops.fill_v(keys[j]);
    pv_bound += (pr < 0 ? -pr : pr) * vc.maxabs[keys[j]];
  }
  p.out_raw.resize(dv);
  p.out.resize(dv);
  // 2.7 x 5.4 = 11 fraction bits -> 10.8, rounded to nearest (ties away) or truncated.
  // |round(x / 8)| <= |x|/8 + 1/2 and |floor(x / 8)| < |x|/8 + 1, so every partial sum is bounded by
  // pv_bound / 8 + n: inside 10.8, no update saturates or wraps.
  if (pv_bound + 8 * static_cast<std::int64_t>(n) <= 8 * kAccMax) {
    ops.s_acc.assign(dv, 0);
    std::int32_t* acc = ops.s_acc.data();
    const bool nearest = fp.pv_rounding == Rounding::NearestAway;
    for (std::size_t j = 0; j < n; ++j) {
      const std::int16_t pr = static_cast<std::int16_t>(ev_mant[j]);  // 2.7 code: 9 bits
      const std::int16_t* vf = vc.code.data() + std::size_t{keys[j]} * dv;
      if (nearest) {
        for (std::size_t t = 0; t < dv; ++t) {
          const std::int32_t x = std::int32_t{pr} * std::int32_t{vf[t]};  // widening 16x16 -> 32
          acc[t] += (x + 3 + (x >= 0 ? 1 : 0)) >> 3;                      // == shift_right(x, 3, NearestAway)
        }
      } else {
        for (std::size_t t = 0; t < dv; ++t)
          acc[t] += (std::int32_t{pr} * std::int32_t{vf[t]}) >> 3;  // floor
      }
    }
    for (std::size_t t = 0; t < dv; ++t) {
      p.out_raw[t] = acc[t];
      p.out[t] = static_cast<double>(acc[t]) * kAccLsb;
    }
  } else {
    std::fill(p.out_raw.begin(), p.out_raw.end(), 0);
    for (std::size_t j = 0; j < n; ++j) {
      const std::int64_t pr = ev_mant[j];
      const std::int16_t* vf = vc.code.data() + std::size_t{keys[j]} * dv;
      for (std::size_t t = 0; t < dv; ++t) {
        p.out_raw[t] = fit(p.out_raw[t] + shift_right(pr * std::int64_t{vf[t]}, 3, fp.pv_rounding),
                           kAccFormat, fp.pv_overflow);
      }
    }
    for (std::size_t t = 0; t < dv; ++t) p.out[t] = static_cast<double>(p.out_raw[t]) * kAccLsb;
  }
  p.sum_raw = sum.mant_raw;
  p.sum_mant = static_cast<double>(sum.mant_raw) * kAccLsb;
  p.sum_exp = sum.exp;
  return p;
}

void check_tile(const SaloTile& tile, const ArrayConfig& cfg, std::uint64_t L) {
  auto fail = [](const std::string& why) { throw std::invalid_argument("salo::compute_tile: " + why); };
  auto in_seq = [&](const std::vector<std::uint32_t>& v, const char* what) {
    for (auto t : v) {
      if (t >= L)
        fail(std::string(what) + " token " + std::to_string(t) + " outside seq_len " + std::to_string(L));
    }
  };
  if (tile.queries.size() > cfg.rows) {
    fail(std::to_string(tile.queries.size()) + " queries for " + std::to_string(cfg.rows) + " array rows");
  }
  if (tile.cols_used > cfg.cols) {
    fail("cols_used " + std::to_string(tile.cols_used) + " > array cols " + std::to_string(cfg.cols));
  }
  if (tile.key_stride == 0) fail("key_stride must be >= 1");
  if (tile.global_keys.size() > cfg.global_cols) {
    fail(std::to_string(tile.global_keys.size()) + " global keys for " + std::to_string(cfg.global_cols) +
         " global columns");
  }
  if (tile.global_queries.size() > cfg.global_rows) {
    fail(std::to_string(tile.global_queries.size()) + " global queries for " +
         std::to_string(cfg.global_rows) + " global rows");
  }
  if (!tile.mask_global.empty()) {
    if (tile.mask_global.size() != tile.queries.size()) fail("mask_global rows differ from queries");
    for (const auto& m : tile.mask_global) {
      if (m.size() != tile.global_keys.size()) fail("a mask_global row differs from global_keys");
    }
  }
  if (!tile.global_row_keys.empty()) {
    if (tile.global_row_keys.size() != tile.global_queries.size()) {
      fail("global_row_keys entries differ from global_queries");
    }
    for (const auto& ks : tile.global_row_keys) in_seq(ks, "global row key");
  }
  if (!tile.mask_local.empty()) {
    if (tile.mask_local.size() != tile.queries.size()) fail("mask_local rows differ from queries");
    for (const auto& m : tile.mask_local) {
      if (m.size() < tile.cols_used) fail("a mask_local row is shorter than cols_used");
    }
  }
  in_seq(tile.queries, "query");
  in_seq(tile.global_keys, "global key");
  in_seq(tile.global_queries, "global query");
  in_seq(tile.keys_streamed, "streamed key");
}

// Calls row(query, keys, global_row) for every row of a tile in the array's order (local rows, then
// the global queries) with the keys it attends in row-sum order, and counts the tile's pairs.
template <typename Row>
void for_each_tile_row(const SaloTile& tile, std::uint64_t seq_len, ArrayCounters& cnt, Row&& row) {
  std::vector<std::uint32_t> keys;
  for (std::size_t r = 0; r < tile.queries.size(); ++r) {
    keys.clear();
    for (std::size_t c = 0; c < tile.cols_used; ++c) {
      if (!tile.mask_local.empty() && !tile.mask_local[r][c]) continue;
      const std::int64_t key = tile.key_at(r, c, seq_len);
      if (key < 0) continue;
      keys.push_back(static_cast<std::uint32_t>(key));
    }
    cnt.pairs_local += keys.size();
    for (std::size_t g = 0; g < tile.global_keys.size(); ++g) {
      if (!tile.mask_global.empty() && !tile.mask_global[r][g]) continue;
      keys.push_back(tile.global_keys[g]);
      ++cnt.pairs_global_col;
    }
    row(tile.queries[r], keys, false);
  }
  for (std::size_t g = 0; g < tile.global_queries.size(); ++g) {
    const auto& gk = tile.global_row_keys.empty() ? tile.keys_streamed : tile.global_row_keys[g];
    cnt.pairs_global_row += gk.size();
    row(tile.global_queries[g], gk, true);
  }
}

std::uint64_t pe_slots(const ArrayConfig& cfg) {
  return std::uint64_t{cfg.rows} * cfg.cols + std::uint64_t{cfg.rows} * cfg.global_cols +
         std::uint64_t{cfg.global_rows} * cfg.cols;
}

TileResult compute_tile_impl(const SaloTile& tile, Operands& ops) {
  const ArrayConfig& cfg = ops.cfg();
  check_tile(tile, cfg, ops.seq_len());
  TileResult res;
  res.cycles = tile_cycles(cfg, ops.dv());
  res.counters.pe_slots = pe_slots(cfg);
  res.rows.reserve(tile.queries.size() + tile.global_queries.size());
  for_each_tile_row(tile, ops.seq_len(), res.counters,
                    [&](std::uint32_t query, const std::vector<std::uint32_t>& keys, bool global_row) {
                      res.rows.push_back(compute_row(ops, query, keys, global_row, res.counters));
                    });
  return res;
}

}  // namespace

std::string check_config(const ArrayConfig& cfg) {
  if (cfg.rows == 0 || cfg.cols == 0) return "array rows and cols must be >= 1";
  if (cfg.head_dim == 0) return "head_dim must be >= 1";
  if (cfg.fixed.pwl_slope_frac_bits < 0 || cfg.fixed.pwl_slope_frac_bits > 16) {
    return "pwl_slope_frac_bits must be in 0..16";
  }
  if (cfg.fixed.reciprocal_bits < kReciprocalBitsMin || cfg.fixed.reciprocal_bits > kReciprocalBitsMax) {
    return "reciprocal_bits must be in " + std::to_string(kReciprocalBitsMin) + ".." +
           std::to_string(kReciprocalBitsMax);
  }
  return "";
}

double RowPartial::weight() const { return empty ? 0.0 : std::ldexp(sum_mant, sum_exp); }

void ArrayCounters::add(const ArrayCounters& o) {
  macs_qk += o.macs_qk;
  macs_exp += o.macs_exp;
  adds_row_sum += o.adds_row_sum;
  macs_normalise += o.macs_normalise;
  macs_pv += o.macs_pv;
  exp_evals += o.exp_evals;
  reciprocals += o.reciprocals;
  weighted_sum_merges += o.weighted_sum_merges;
  pairs_local += o.pairs_local;
  pairs_global_col += o.pairs_global_col;
  pairs_global_row += o.pairs_global_row;
  pe_slots += o.pe_slots;
  exp_saturated += o.exp_saturated;
  qk_saturated += o.qk_saturated;
}

TileCycles tile_cycles(const ArrayConfig& cfg, std::uint64_t dv) {
  TileCycles c;
  c.qk = cfg.head_dim;
  c.exp = 1;
  c.row_sum = std::uint64_t{cfg.cols} + cfg.global_cols;
  c.reciprocal = 1;
  c.normalise = 1;
  c.pv = dv;
  c.flush = 1;
  return c;
}

std::uint64_t drain_cycles(const ArrayConfig& cfg) {
  return std::uint64_t{cfg.cols} + cfg.global_rows + cfg.global_cols - 1;
}

std::uint64_t schedule_cycles(const ArrayConfig& cfg, std::uint64_t dv, std::uint64_t n_tiles) {
  if (n_tiles == 0) return 0;
  const TileCycles c = tile_cycles(cfg, dv);
  return n_tiles * c.body() + (n_tiles - 1) * c.flush + drain_cycles(cfg);
}

TileResult compute_tile(const SaloTile& tile, const common::MatrixD& q, const common::MatrixD& k,
                        const common::MatrixD& v, const ArrayConfig& cfg, double softmax_scale) {
  const std::string why = check_config(cfg);
  if (!why.empty()) throw std::invalid_argument("salo::compute_tile: " + why);
  Operands ops(q, k, v, cfg, softmax_scale);
  return compute_tile_impl(tile, ops);
}

TileResult tile_timing(const SaloTile& tile, const ArrayConfig& cfg, std::uint64_t seq_len,
                       std::uint64_t dv) {
  const std::string why = check_config(cfg);
  if (!why.empty()) throw std::invalid_argument("salo::tile_timing: " + why);
  check_tile(tile, cfg, seq_len);
  TileResult res;
  res.cycles = tile_cycles(cfg, dv);
  res.counters.pe_slots = pe_slots(cfg);
  res.rows.reserve(tile.queries.size() + tile.global_queries.size());
  for_each_tile_row(tile, seq_len, res.counters,
                    [&](std::uint32_t query, const std::vector<std::uint32_t>& keys, bool global_row) {
                      RowPartial p;
                      p.query = query;
                      p.global_row = global_row;
                      p.empty = keys.empty();
                      p.keys = static_cast<std::uint32_t>(keys.size());
                      if (!keys.empty()) count_row(keys.size(), cfg.head_dim, dv, res.counters);
                      res.rows.push_back(std::move(p));
                    });
  return res;
}

RowPartial merge_slices(const RowPartial& a, const RowPartial& b, const ArrayConfig& cfg,
                        std::uint64_t* merges) {
  if (b.empty) return a;
  if (a.empty) return b;
  if (a.query != b.query) throw std::invalid_argument("salo::merge_slices: partials of different queries");
  if (a.out.size() != b.out.size()) throw std::invalid_argument("salo::merge_slices: value dims differ");
  if (merges) ++*merges;
  RowPartial m;
  m.query = a.query;
  m.global_row = a.global_row;
  m.empty = false;
  m.keys = a.keys + b.keys;
  const std::size_t dv = a.out.size();
  m.out.assign(dv, 0.0);
  const int e = std::max(a.sum_exp, b.sum_exp);
  if (cfg.datapath == Datapath::Float) {
    const double wa = std::ldexp(a.sum_mant, a.sum_exp - e), wb = std::ldexp(b.sum_mant, b.sum_exp - e);
    const double w = wa + wb;
    for (std::size_t t = 0; t < dv; ++t) m.out[t] = (wa * a.out[t] + wb * b.out[t]) / w;
    m.sum_mant = w;
    m.sum_exp = e;
    return m;
  }
  if (a.out_raw.size() != dv || b.out_raw.size() != dv) {
    throw std::invalid_argument("salo::merge_slices: fixed partials need out_raw");
  }
  const std::int64_t sa = align_mantissa(a.sum_raw, a.sum_exp, e);
  const std::int64_t sb = align_mantissa(b.sum_raw, b.sum_exp, e);
  const std::int64_t w = sa + sb;
  if (w <= 0) return a.sum_exp >= b.sum_exp ? a : b;  // both aligned to zero: keep the heavier
  const std::int64_t w1 = (512 * sa + w) / (2 * w);   // round(256 sa / w), 0.8
  const std::int64_t w2 = 256 - w1;
  m.out_raw.assign(dv, 0);
  for (std::size_t t = 0; t < dv; ++t) {
    m.out_raw[t] =
        saturate(shift_right(w1 * a.out_raw[t] + w2 * b.out_raw[t], 8, Rounding::NearestAway), kAccFormat);
    m.out[t] = static_cast<double>(m.out_raw[t]) * kAccLsb;
  }
  ExpSum s;
  s.mant_raw = sa;
  s.exp = e;
  s.add(sb, e);
  m.sum_raw = s.mant_raw;
  m.sum_mant = static_cast<double>(s.mant_raw) * kAccLsb;
  m.sum_exp = s.exp;
  return m;
}

TileRunner::TileRunner(const common::MatrixD& q, const common::MatrixD& k, const common::MatrixD& v,
                       const ArrayConfig& cfg, double softmax_scale) {
  const std::string why = check_config(cfg);
  if (!why.empty()) throw std::invalid_argument("salo::TileRunner: " + why);
  ops_ = std::make_unique<Operands>(q, k, v, cfg, softmax_scale);
}

TileRunner::~TileRunner() = default;

TileResult TileRunner::run(const SaloTile& tile) { return compute_tile_impl(tile, *ops_); }

const std::int16_t* TileRunner::q_codes(std::uint32_t t) {
  if (ops_->cfg().datapath != Datapath::Fixed)
    throw std::logic_error("salo::TileRunner: codes need the fixed datapath");
  const Operands::Codes& c = ops_->qf(t);
  return c.code.data() + std::size_t{t} * c.cols;
}
const std::int16_t* TileRunner::k_codes(std::uint32_t t) {
  if (ops_->cfg().datapath != Datapath::Fixed)
    throw std::logic_error("salo::TileRunner: codes need the fixed datapath");
  const Operands::Codes& c = ops_->kf(t);
  return c.code.data() + std::size_t{t} * c.cols;
}
const std::int16_t* TileRunner::v_codes(std::uint32_t t) {
  if (ops_->cfg().datapath != Datapath::Fixed)
    throw std::logic_error("salo::TileRunner: codes need the fixed datapath");
  const Operands::Codes& c = ops_->vf(t);
  return c.code.data() + std::size_t{t} * c.cols;
}
int TileRunner::softmax_shift() const { return ops_->shift(); }
std::uint64_t TileRunner::seq_len() const { return ops_->seq_len(); }

ScheduleResult run_schedule(const std::vector<SaloTile>& tiles, const common::MatrixD& q,
                            const common::MatrixD& k, const common::MatrixD& v, const ArrayConfig& cfg,
                            double softmax_scale) {
  const std::string why = check_config(cfg);
  if (!why.empty()) throw std::invalid_argument("salo::run_schedule: " + why);
  Operands ops(q, k, v, cfg, softmax_scale);
  const std::size_t L = q.rows(), dv = v.cols();
  std::vector<RowPartial> acc(L);
  ScheduleResult res;
  for (const auto& tile : tiles) {
    TileResult tr = compute_tile_impl(tile, ops);
    res.counters.add(tr.counters);
    res.tile_cycles.push_back(tr.cycles);
    for (auto& p : tr.rows) {
      acc[p.query] = merge_slices(acc[p.query], p, cfg, &res.counters.weighted_sum_merges);
    }
  }
  res.out = common::MatrixD(L, dv, 0.0);
  for (std::size_t i = 0; i < L; ++i) {
    if (acc[i].empty) continue;
    for (std::size_t t = 0; t < dv; ++t) res.out(i, t) = acc[i].out[t];
  }
  res.cycles = schedule_cycles(cfg, dv, tiles.size());
  return res;
}

ScheduleResult run_schedule(const std::vector<SaloTile>& tiles, const common::MatrixD& q,
                            const common::MatrixD& k, const common::MatrixD& v, const ArrayConfig& cfg) {
  return run_schedule(tiles, q, k, v, cfg, 1.0 / std::sqrt(static_cast<double>(cfg.head_dim)));
}

}  // namespace savp::salo
