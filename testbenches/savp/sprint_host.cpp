// HostDriver::run_sprint_job: the host side of one SPRINT head. Generates (or loads) Q, K, V;
// stores Q at fp16, K quantised to MSB + LSB bits (the MSB codes, one byte each, into the ReRAM's
// transposable arrays through the PIM window; the LSBs packed into standard ReRAM; the baseline's
// full codes one byte each), V codes one byte each; sets the head's pruning threshold (fixed, or
// calibrated to the target keep ratio on calibration data: a separate draw for the same head, never
// the data it is evaluated on); runs the job; scores the output (exact recompute) and, from the
// diagnostics region, the output without recompute, the attention mass the kept keys carry and how
// often the reference's top-1 key was kept.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "models/common/attention_reference.hpp"
#include "models/common/number_format.hpp"
#include "models/common/random.hpp"
#include "models/common/softmax.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/sprint/sprint_core.hpp"
#include "models/sprint/threshold.hpp"
#include "testbenches/savp/host_driver.hpp"
#include "tlm/accelerators/accelerator_base.hpp"
#include "tlm/platform/platform.hpp"

namespace savp::tb {

namespace {

struct Codes {
  double scale = 1.0;
  std::vector<std::int32_t> q;  // quantised values, row-major
};

// The query DAC step of a head: dac_bits codes span its largest |q|.
double dac_scale(const common::MatrixD& q, const sprint::SprintConfig& cfg) {
  double qmax = 0;
  for (double x : q.data()) qmax = std::max(qmax, std::fabs(x));
  return qmax > 0 ? qmax / cfg.pim.query_max() : 1.0;
}

Codes quantise(const common::MatrixD& m, int bits) {
  Codes c;
  const common::QuantParams p = common::symmetric_params(m.data(), bits);
  c.scale = p.scale;
  for (double x : m.data()) c.q.push_back(common::quantise(x, p));
  return c;
}

// The calibration draw's in-memory scores and what one unit of them is worth: a score unit is one
// query DAC step x one key code step (the draw's own scales), so a threshold found on these rows
// converts to another head's integer scores by unit / (that head's scale_a x scale_b).
struct CalibrationScores {
  sprint::ScoreRows rows;
  double unit = 1.0;  // query scale x key scale of the calibration draw
};

// Integer in-memory scores (query codes x MSB codes) of `queries` queries spread evenly over the
// sequence (all of them when it is shorter): query (2i + 1) L / (2 queries), i = 0 .. queries - 1.
// Spread, not the first ones: with causal attention the early queries see few keys, and a threshold
// that keeps r of those keeps much less of a late query's (1024 causal tokens: 5 % for r = 25 %).
CalibrationScores calibration_scores(const common::QkvData& d, const sprint::SprintConfig& cfg, bool causal,
                                     std::uint32_t queries) {
  const Codes k = quantise(d.k, cfg.key_bits());
  const std::size_t L = d.q.rows(), dim = d.q.cols();
  const double qs = dac_scale(d.q, cfg);
  CalibrationScores out;
  out.unit = qs * k.scale;
  sprint::ScoreRows& rows = out.rows;
  std::vector<double> qc(dim);  // the query's DAC codes
  const std::size_t n = std::min<std::size_t>(queries, L);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t t = (2 * i + 1) * L / (2 * n);
    for (std::size_t x = 0; x < dim; ++x)
      qc[x] = std::clamp(std::round(d.q(t, x) / qs), static_cast<double>(cfg.pim.query_min()),
                         static_cast<double>(cfg.pim.query_max()));
    std::vector<double> r;
    for (std::size_t j = 0; j < (causal ? t + 1 : L); ++j) {
      double s = 0;
      for (std::size_t x = 0; x < dim; ++x) s += qc[x] * (k.q[j * dim + x] >> cfg.key_lsb_bits);
      r.push_back(s);
    }
    rows.push_back(std::move(r));
  }
  return out;
}

}  // namespace

void HostDriver::run_sprint_job(const JobSlot& slot) {
  const common::WorkloadSpec& w = scenario_.workload;
  const sc::AcceleratorSpec& acc = scenario_.accelerators[w.accelerator];
  const sprint::SprintConfig& cfg = acc.sprint;
  const MemoryLayout& m = plan_.layout;
  const std::uint64_t L = w.seq_len, dim = w.head_dim, dv = w.value_dim;
  const common::QkvData d = head_qkv(slot.index, slot.seed);
  common::JobDescriptor desc;
  desc.kind = common::JobKind::Attention;
  const std::uint64_t valid = w.valid_tokens(slot.batch);  // padded batches: the rest is padding
  desc.rows = L;
  desc.cols = valid;
  desc.depth = dim;
  desc.value_dim = dv;
  desc.causal = w.pattern.causal ? 1 : 0;
  desc.softmax_scale = w.effective_softmax_scale();
  desc.addr_a = m.a;
  desc.addr_b = m.b;
  desc.addr_c = m.c;
  desc.addr_out = m.out;
  desc.addr_globals = sc::Platform::kPimBase;  // the head's arrays in the PIM window
  // Q at fp16; its DAC scale (dac_bits codes span the head's largest |q|).
  auto q = common::pack(d.q.data(), common::ElemFormat::FP16);
  port_.debug(true, m.a, q.data(), q.size());
  desc.scale_a = dac_scale(d.q, cfg);
  // K at msb + lsb bits: MSB codes into the transposable arrays, LSBs packed into standard ReRAM.
  const Codes k = quantise(d.k, cfg.key_bits());
  desc.scale_b = k.scale;
  std::vector<std::uint8_t> bytes(L * dim);
  if (cfg.in_memory_pruning) {
    for (std::size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = static_cast<std::uint8_t>(static_cast<std::int8_t>(k.q[i] >> cfg.key_lsb_bits));
    port_.debug(true, desc.addr_globals, bytes.data(), bytes.size());
    const std::size_t row = spatten::packed_row_bytes(cfg.key_lsb_bits, dim);
    std::vector<std::uint8_t> lsb(L * row, 0);
    std::vector<std::uint32_t> low(dim);
    for (std::size_t j = 0; j < L && cfg.key_lsb_bits > 0; ++j) {
      for (std::size_t x = 0; x < dim; ++x)
        low[x] = static_cast<std::uint32_t>(k.q[j * dim + x] & ((1 << cfg.key_lsb_bits) - 1));
      spatten::pack_unsigned(low.data(), dim, cfg.key_lsb_bits, &lsb[j * row]);
    }
    port_.debug(true, m.b, lsb.data(), lsb.size());
  } else {
    for (std::size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = static_cast<std::uint8_t>(static_cast<std::int8_t>(k.q[i]));
    port_.debug(true, m.b, bytes.data(), bytes.size());
  }
  const Codes v = quantise(d.v, cfg.value_bits);
  desc.scale_c = v.scale;
  std::vector<std::uint8_t> vb(v.q.size());
  for (std::size_t i = 0; i < vb.size(); ++i)
    vb[i] = static_cast<std::uint8_t>(static_cast<std::int8_t>(v.q[i]));
  port_.debug(true, m.c, vb.data(), vb.size());
  // The threshold, in units of the integer in-memory score.
  if (cfg.threshold.kind == "fixed") {
    desc.pim_threshold =
        cfg.threshold.value * static_cast<double>(dim) * cfg.pim.query_max() * cfg.pim.key_max();
  } else {
    // Calibration data the run does not score: a separate synthetic draw, or with .npy data (real
    // operands) the same layer and head of the next batch element, held out as an offline
    // calibration set would be (a batch of one calibrates on its own data: say so in the docs).
    const common::QkvData cal =
        plan_.npy ? plan_.npy->head((((slot.batch + 1) % w.batch) * w.layers + slot.layer) * w.heads + slot.head)
                  : common::generate_qkv(w.synthetic, L, dim, dv, common::derive_seed(slot.seed, 0xCA1));
    const CalibrationScores c =
        calibration_scores(cal, cfg, w.pattern.causal, cfg.threshold.calibration_queries);
    const sprint::CalibrationResult r = sprint::calibrate_threshold(c.rows, cfg.threshold.keep_ratio);
    if (!r.ok()) throw std::runtime_error("SPRINT threshold calibration: " + r.error);
    // The same threshold on the score (not on the codes): in this head's code units. The draws'
    // scales differ (a head's largest |q| and |k| set them), 0.35x to 3.55x on ViT-Base 197.
    desc.pim_threshold = r.threshold * c.unit / (desc.scale_a * desc.scale_b);
  }
  JobResult res;
  res.slot = slot;
  res.status = kick_and_wait(desc);

  // Scoreboard: the output (recompute) and, from the diagnostics, the output without recompute and
  // the kept keys against the exact reference.
  // The reference runs on the valid tokens only (padding attends and is attended by nothing).
  auto rows_of = [valid](const common::MatrixD& x) {
    common::MatrixD r(valid, x.cols());
    std::copy(x.data().begin(), x.data().begin() + static_cast<std::ptrdiff_t>(valid * x.cols()),
              r.data().begin());
    return r;
  };
  const common::MatrixD ref =
      common::reference_attention(rows_of(d.q), rows_of(d.k), rows_of(d.v), w.pattern, desc.softmax_scale);
  std::vector<float> got(L * dv), lp(L * dv);
  port_.debug(false, m.out, reinterpret_cast<std::uint8_t*>(got.data()), got.size() * 4);
  const std::uint64_t row = (L + 7) / 8;
  std::vector<std::uint8_t> bits(L * row);
  port_.debug(false, m.diag, bits.data(), bits.size());
  port_.debug(false, m.diag + L * row, reinterpret_cast<std::uint8_t*>(lp.data()), lp.size() * 4);
  const auto valid_rows = static_cast<std::ptrdiff_t>(valid * dv);
  std::vector<double> g(got.begin(), got.begin() + valid_rows), gl(lp.begin(), lp.begin() + valid_rows);
  res.accuracy = overall_.add(g.data(), ref.data().data(), g.size());
  if (cfg.in_memory_pruning) {
    res.has_no_recompute = true;
    res.accuracy_no_recompute = overall_no_recompute_.add(gl.data(), ref.data().data(), gl.size());
  }
  double mass = 0, top1 = 0;
  std::size_t no_key = 0;  // queries that kept no key at all: their output is zero, not attention
  std::size_t first_no_key = 0;
  std::vector<double> p;
  for (std::size_t t = 0; t < valid; ++t) {
    const std::size_t ctx = w.pattern.causal ? t + 1 : valid;
    p.assign(ctx, 0.0);
    for (std::size_t j = 0; j < ctx; ++j) {
      double s = 0;
      for (std::size_t x = 0; x < dim; ++x) s += d.q(t, x) * d.k(j, x);
      p[j] = s * desc.softmax_scale;
    }
    const double sum = common::exp_shifted(p.data(), ctx);
    std::size_t arg = 0;
    bool kept_any = false;
    for (std::size_t j = 0; j < ctx; ++j) {
      if ((bits[t * row + j / 8] >> (j % 8)) & 1) {
        mass += p[j] / sum;
        kept_any = true;
      }
      if (p[j] > p[arg]) arg = j;
    }
    if (!kept_any && no_key++ == 0) first_no_key = t;
    top1 += (bits[t * row + arg / 8] >> (arg % 8)) & 1;
  }
  res.mass_kept = mass / static_cast<double>(valid);
  res.top1_kept = top1 / static_cast<double>(valid);
  res.passed =
      res.status == sc::csr::kStatusDone && no_key == 0 && res.accuracy.rel_l2_err <= acc.tolerance_rel_l2();
  if (no_key > 0 && res.status == sc::csr::kStatusDone) {
    res.failure = std::to_string(no_key) + " query(ies) kept no key, the first query " +
                  std::to_string(first_no_key) + " (its output is zeros, not attention)";
  }
  results_.push_back(res);
}

}  // namespace savp::tb
