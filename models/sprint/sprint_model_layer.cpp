// SprintCore's model form (sprint_core.hpp, sprint_model_job.hpp): one job per (sequence, layer,
// pass). Steps: the job block; (decode) the layer's state record; per K/V head g: the append (read the
// pass's new K/V rows, quantise, write the K MSB codes into g's ReRAM array, the LSBs and V codes into
// its DRAM cache block); (prefill, calibrated policy, numerics on) the calibration of each query head
// of the group; then each query head's query loop (sprint_core.cpp); (prefill) the state record.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "models/common/int_math.hpp"
#include "models/common/job_descriptor.hpp"
#include "models/common/number_format.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/sprint/sprint_core.hpp"
#include "models/sprint/threshold.hpp"

namespace savp::sprint {

using common::ceil_div;
using common::EngineStep;

namespace {

void put_double(std::uint8_t* p, double v) { common::store_le64(p, common::double_bits(v)); }
double get_double(const std::uint8_t* p) { return common::bits_double(common::load_le64(p)); }

}  // namespace

// The threshold of the current query in integer score units (query codes x MSB codes): a fixed
// fraction of the largest possible score, or the head's calibrated real threshold over this query's
// DAC scale and the K/V head's key scale (one MSB code step = 2^lsb key code steps).
double SprintCore::query_threshold() const {
  // Numerics off: the stated model decides (model_keep) and a decode alone has no prefill's state.
  if (timing_only()) return 0.0;
  const std::uint64_t d = mj_.head_dim;
  if (cfg_.threshold.kind == "fixed")
    return cfg_.threshold.value * static_cast<double>(d) * cfg_.pim.query_max() * cfg_.pim.key_max();
  const double unit = job_.scale_a * job_.scale_b * static_cast<double>(1 << cfg_.key_lsb_bits);
  return thresholds_[h_] / unit;
}

// Numerics off: the stated model (sprint_flow.cpp) in place of the comparators: the query keeps the
// max(1, round(keep_ratio x visible)) visible keys nearest its position (the largest of a probability
// row p_j proportional to 1 / (1 + |t - j|)), a window clipped to the visible keys.
void SprintCore::model_keep(std::vector<std::uint8_t>& pbits) const {
  const std::uint64_t vis = keys_visible(), pos = q0_ + t_;
  const double r = cfg_.threshold.keep_ratio;  // the flow refuses a fixed threshold without data
  const std::uint64_t k =
      std::min<std::uint64_t>(vis, std::max<std::uint64_t>(1, std::llround(r * static_cast<double>(vis))));
  std::uint64_t lo = pos >= k / 2 ? pos - k / 2 : 0;
  if (lo + k > vis) lo = vis - k;
  std::fill(pbits.begin(), pbits.end(), 0);
  for (std::uint64_t j = lo; j < lo + k; ++j) pbits[j / 8] |= static_cast<std::uint8_t>(1u << (j % 8));
}

bool SprintCore::model_next(EngineStep& step) {
  const std::uint64_t d = mj_.head_dim, n = mj_.tokens;
  switch (stage_) {
    case Stage::MBlock:
      step.phase = "block";
      block_raw_.assign(SprintModelJob::kBytes, 0);
      step.reads.push_back({desc_.addr_a, SprintModelJob::kBytes, block_raw_.data(), nullptr});
      return true;
    case Stage::MState:
      step.phase = "state";
      state_raw_.assign(SprintModelJob::record_bytes(mj_.heads, mj_.kv_heads), 0);
      step.reads.push_back({mj_.state_addr, state_raw_.size(), state_raw_.data(), nullptr});
      return true;
    case Stage::MAppend: {
      step.phase = "append";
      step.fence = true;  // the projections' rows are in memory (and the previous group's writes out)
      const bool data = !timing_only();
      knew_raw_.assign(data ? n * d * 2 : 0, 0);
      vnew_raw_.assign(data ? n * d * 2 : 0, 0);
      for (std::uint64_t t = 0; t < n; ++t) {
        const std::uint64_t off = t * mj_.new_row_stride + std::uint64_t{g_} * d * 2;
        step.reads.push_back({mj_.knew_base + off, d * 2, data ? &knew_raw_[t * d * 2] : nullptr, nullptr});
        step.reads.push_back({mj_.vnew_base + off, d * 2, data ? &vnew_raw_[t * d * 2] : nullptr, nullptr});
      }
      return true;
    }
    case Stage::MCalib: {
      step.phase = "calibrate";
      q_raw_.assign(calib_pos_.size() * d * 2, 0);
      for (std::size_t i = 0; i < calib_pos_.size(); ++i)
        step.reads.push_back(
            {mj_.q_base + h_ * mj_.q_stride + calib_pos_[i] * d * 2, d * 2, &q_raw_[i * d * 2], nullptr});
      return true;
    }
    case Stage::MStateWrite:
      step.phase = "state";
      return true;
    default:
      return false;
  }
}

void SprintCore::model_reads_done(EngineStep& step) {
  const std::uint64_t d = mj_.head_dim, n = mj_.tokens, G = mj_.kv_heads, H = mj_.heads;
  const std::uint64_t group = H / G;
  switch (stage_) {
    case Stage::MBlock:
      mj_ = SprintModelJob::deserialise(block_raw_.data(), block_raw_.size());
      if (mj_.kv_heads == 0 || mj_.heads % mj_.kv_heads != 0 || mj_.tokens == 0)
        throw std::runtime_error("SPRINT model job block: bad shape");
      k_scale_.assign(mj_.kv_heads, 1.0);
      v_scale_.assign(mj_.kv_heads, 1.0);
      thresholds_.assign(mj_.heads, 0.0);
      g_ = 0;
      keys_ = valid_ = mj_.context + mj_.tokens;
      q0_ = mj_.context;
      last_ = mj_.tokens;
      job_ = desc_;
      job_.rows = mj_.tokens;
      job_.cols = keys_;
      job_.depth = job_.value_dim = mj_.head_dim;
      job_.causal = mj_.causal ? 1 : 0;
      job_.softmax_scale = mj_.softmax_scale;
      lsb_row_bytes_ = spatten::packed_row_bytes(cfg_.key_lsb_bits, mj_.head_dim);
      stage_ = mj_.prefill ? Stage::MAppend : Stage::MState;
      return;
    case Stage::MState:
      for (std::uint64_t g = 0; g < G; ++g) {
        k_scale_[g] = get_double(&state_raw_[g * 16]);
        v_scale_[g] = get_double(&state_raw_[g * 16 + 8]);
      }
      for (std::uint64_t h = 0; h < H; ++h) thresholds_[h] = get_double(&state_raw_[G * 16 + h * 8]);
      stage_ = Stage::MAppend;
      return;
    case Stage::MAppend: {
      // Quantise the new rows: K to key_bits (MSB code into the array, LSBs packed), V to value_bits;
      // the prefill sets the K/V head's scales from its prompt rows, a decode step uses them
      // (saturating a value beyond the prompt's range).
      const int kb = cfg_.key_bits(), lsb = cfg_.key_lsb_bits;
      const std::uint64_t lrow = lsb_row_bytes_;
      msb_new_.assign(n * d, 0);
      lsb_new_.assign(n * lrow, 0);
      v_new_.assign(n * d, 0);
      const bool data = !timing_only();
      if (data) {
        std::vector<double> k(n * d), v(n * d);
        common::unpack(knew_raw_.data(), n * d, common::ElemFormat::FP16, common::QuantParams{}, k.data());
        common::unpack(vnew_raw_.data(), n * d, common::ElemFormat::FP16, common::QuantParams{}, v.data());
        if (mj_.prefill) {
          k_scale_[g_] = common::symmetric_params(k, kb).scale;
          v_scale_[g_] = common::symmetric_params(v, cfg_.value_bits).scale;
        }
        const common::QuantParams kp{k_scale_[g_], kb}, vp{v_scale_[g_], cfg_.value_bits};
        std::vector<std::uint32_t> low(d);
        for (std::uint64_t t = 0; t < n; ++t) {
          for (std::uint64_t x = 0; x < d; ++x) {
            const std::int32_t c = common::quantise(k[t * d + x], kp);
            msb_new_[t * d + x] = static_cast<std::uint8_t>(static_cast<std::int8_t>(c >> lsb));
            low[x] = static_cast<std::uint32_t>(c & ((1 << lsb) - 1));
            v_new_[t * d + x] =
                static_cast<std::uint8_t>(static_cast<std::int8_t>(common::quantise(v[t * d + x], vp)));
          }
          if (lsb > 0) spatten::pack_unsigned(low.data(), d, lsb, &lsb_new_[t * lrow]);
        }
        if (mj_.prefill) {  // the group's keys for the calibration
          msb_codes_.resize(n * d);
          for (std::size_t i = 0; i < n * d; ++i) msb_codes_[i] = static_cast<std::int8_t>(msb_new_[i]);
        }
      }
      const std::uint64_t c0 = mj_.context;
      auto src = [&](std::vector<std::uint8_t>& b) { return data ? b.data() : nullptr; };
      step.writes.push_back({mj_.pim_base + g_ * mj_.pim_stride + c0 * d, n * d, nullptr, src(msb_new_)});
      if (lsb > 0)
        step.writes.push_back(
            {mj_.lsb_base + g_ * mj_.cache_stride + c0 * lrow, n * lrow, nullptr, src(lsb_new_)});
      step.writes.push_back({mj_.v_base + g_ * mj_.cache_stride + c0 * d, n * d, nullptr, src(v_new_)});
      reram_write_bytes_ += n * d;
      // ASSUMPTION: the QK and V units' lanes quantise the rows, one row of K and one of V per
      // ceil(d / lanes) cycles each.
      step.compute_cycles = n * (ceil_div(d, cfg_.qk_lanes) + ceil_div(d, cfg_.v_lanes));
      job_cycles_ += step.compute_cycles;
      busy_cycles_ += step.compute_cycles;
      h_ = static_cast<std::uint32_t>(g_ * group);
      if (mj_.prefill && cfg_.threshold.kind == "calibrated" && data) {
        calib_pos_.clear();
        const std::uint64_t q = std::min<std::uint64_t>(cfg_.threshold.calibration_queries, n);
        for (std::uint64_t i = 0; i < q; ++i)
          calib_pos_.push_back(static_cast<std::uint32_t>((2 * i + 1) * n / (2 * q)));
        stage_ = Stage::MCalib;
      } else {
        start_model_head();
      }
      return;
    }
    case Stage::MCalib: {
      // The head's threshold on its own prompt (standing in for SPRINT's thresholds learned
      // offline; threshold.hpp): the integer in-memory scores of the calibration queries (each at
      // its own DAC scale) in real units, calibrated to the keep ratio. Not charged (offline).
      ScoreRows rows;
      std::vector<double> q(d);
      const double ks = k_scale_[g_] * static_cast<double>(1 << cfg_.key_lsb_bits);
      for (std::size_t i = 0; i < calib_pos_.size(); ++i) {
        common::unpack(&q_raw_[i * d * 2], d, common::ElemFormat::FP16, common::QuantParams{}, q.data());
        double qmax = 0;
        for (double x : q) qmax = std::max(qmax, std::fabs(x));
        const double qs = qmax > 0 ? qmax / cfg_.pim.query_max() : 1.0;
        std::vector<double> qc(d);
        for (std::uint64_t x = 0; x < d; ++x)
          qc[x] = std::clamp(std::round(q[x] / qs), static_cast<double>(cfg_.pim.query_min()),
                             static_cast<double>(cfg_.pim.query_max()));
        const std::uint64_t vis = mj_.causal ? calib_pos_[i] + 1 : n;
        std::vector<double> r(vis);
        for (std::uint64_t j = 0; j < vis; ++j) {
          double s = 0;
          for (std::uint64_t x = 0; x < d; ++x) s += qc[x] * msb_codes_[j * d + x];
          r[j] = s * qs * ks;
        }
        rows.push_back(std::move(r));
      }
      // Without the one-key-per-row limit: a causal prompt's first calibration query sees one key and
      // would cap the threshold at its score; a query whose vector comes back empty keeps its own key
      // (the controller's fallback, sprint_core.hpp).
      const CalibrationResult c = calibrate_threshold(rows, cfg_.threshold.keep_ratio, false);
      if (!c.ok()) throw std::runtime_error("SPRINT threshold calibration: " + c.error);
      thresholds_[h_] = c.threshold;
      if (h_ + 1 < (g_ + 1) * group) {
        ++h_;
      } else {
        h_ = static_cast<std::uint32_t>(g_ * group);
        start_model_head();
      }
      return;
    }
    case Stage::MStateWrite: {
      state_raw_.assign(SprintModelJob::record_bytes(H, G), 0);
      for (std::uint64_t g = 0; g < G; ++g) {
        put_double(&state_raw_[g * 16], k_scale_[g]);
        put_double(&state_raw_[g * 16 + 8], v_scale_[g]);
      }
      for (std::uint64_t h = 0; h < H; ++h) put_double(&state_raw_[G * 16 + h * 8], thresholds_[h]);
      step.writes.push_back({mj_.state_addr, state_raw_.size(), nullptr, state_raw_.data()});
      stage_ = Stage::Done;
      return;
    }
    default:
      return;
  }
}

// Query head h_ of K/V head g_: its Q and output blocks, the group's cache blocks and scales.
void SprintCore::start_model_head() {
  job_.addr_a = mj_.q_base + h_ * mj_.q_stride;
  job_.addr_out = mj_.out_base + h_ * mj_.out_stride;
  job_.addr_globals = mj_.pim_base + g_ * mj_.pim_stride;
  job_.addr_b = mj_.lsb_base + g_ * mj_.cache_stride;
  job_.addr_c = mj_.v_base + g_ * mj_.cache_stride;
  job_.scale_b = k_scale_[g_];
  job_.scale_c = v_scale_[g_];
  begin_head();
}

void SprintCore::model_head_done() {
  const std::uint64_t group = mj_.heads / mj_.kv_heads;
  if (h_ + 1 < (g_ + 1) * group) {
    ++h_;
    start_model_head();
  } else if (++g_ < mj_.kv_heads) {
    stage_ = Stage::MAppend;
  } else {
    stage_ = mj_.prefill ? Stage::MStateWrite : Stage::Done;
  }
}

}  // namespace savp::sprint
