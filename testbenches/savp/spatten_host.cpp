// HostDriver::run_spatten_job: the host side of one SpAtten job (all layers and heads of one batch
// element). Data modes: generates or loads every head's Q/K/V, stores them in the engine's DRAM
// formats (Q fp16; K as separate MSB and LSB regions and V at the progressive-quantisation widths,
// or fp32), fills the output region with NaN (rows the engine does not write stay NaN), runs the
// job, then reads the decision log and the outputs back and scores every layer against the exact,
// unpruned reference. Replay mode: writes the trace's command rows and runs them.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "models/common/dot_rows.hpp"
#include "models/common/number_format.hpp"
#include "models/common/random.hpp"
#include "models/common/softmax.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "testbenches/savp/host_driver.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::tb {

namespace {

struct LogEntry {
  std::vector<std::uint32_t> tokens;
  std::vector<bool> heads;
};

// Exact attention of the query rows qs[0 .. m) over keys [0, ctx): probabilities (m rows of ctx)
// and outputs (m rows of dv). The rows go through the keys and values together a tile at a time
// (dot_block); every score and output element is summed in its scalar loop's order.
void reference_rows(const common::QkvData& d, const std::uint32_t* qs, std::size_t m, std::size_t ctx,
                    double scale, std::vector<double>& p, std::vector<double>& o) {
  constexpr std::size_t kTile = 32;
  const std::size_t dim = d.q.cols(), dv = d.v.cols();
  p.resize(m * ctx);
  common::dot_block<double>(
      m, [&](std::size_t i) { return &d.q(qs[i], 0); }, [ctx](std::size_t) { return ctx; }, dim,
      [&](std::size_t, std::size_t j) { return &d.k(j, 0); }, [&](std::size_t i) { return &p[i * ctx]; });
  for (std::size_t i = 0; i < m; ++i) {
    double* pi = &p[i * ctx];
    for (std::size_t j = 0; j < ctx; ++j) pi[j] *= scale;
    const double sum = common::exp_shifted(pi, ctx);
    for (std::size_t j = 0; j < ctx; ++j) pi[j] /= sum;
  }
  o.assign(m * dv, 0.0);
  for (std::size_t j0 = 0; j0 < ctx; j0 += kTile) {
    for (std::size_t i = 0; i < m; ++i) {
      double* oi = &o[i * dv];
      for (std::size_t j = j0; j < std::min(ctx, j0 + kTile); ++j) {
        const double pj = p[i * ctx + j];
        for (std::size_t x = 0; x < dv; ++x) oi[x] += pj * d.v(j, x);
      }
    }
  }
}

}  // namespace

void HostDriver::run_spatten_job(const JobSlot& slot) {
  const SpattenPlan& sp = *plan_.spatten;
  const common::WorkloadSpec& w = scenario_.workload;
  const sc::AcceleratorSpec& acc = scenario_.accelerators[w.accelerator];
  spatten::SpattenJob job = sp.job;
  const std::uint64_t L = job.seq_len;
  JobResult r;
  r.slot = slot;

  auto head_data = [&](std::uint32_t l, std::uint32_t h) {
    const std::uint64_t index = (slot.batch * w.layers + l) * w.heads + h;
    return plan_.npy ? plan_.npy->head(index)
                     : common::generate_qkv(w.synthetic, L, w.head_dim, w.value_dim,
                                            common::derive_seed(scenario_.seed, slot.batch, l, h));
  };
  if (job.mode == spatten::SpattenMode::Trace) {
    std::vector<std::uint8_t> rows(sp.trace->rows.size() * spatten::TraceCommand::kBytes);
    for (std::size_t i = 0; i < sp.trace->rows.size(); ++i) {
      const spatten::TraceRow& t = sp.trace->rows[i];
      spatten::TraceCommand c;
      c.iteration = t.iteration;
      c.layer = t.layer;
      c.head = t.head;
      c.seq_len = t.seq_len;
      c.keys = t.keys_fetched;
      c.values = t.values_fetched;
      c.key_bits = t.key_bits;
      c.value_bits = t.value_bits;
      c.query_bits = t.query_bits;
      c.extra_bits = t.requant_extra_bits;
      c.requant = t.requant;
      c.topk = t.topk;
      c.topk_k = t.topk ? static_cast<std::uint32_t>(t.topk_k) : 0;
      c.serialise(&rows[i * spatten::TraceCommand::kBytes]);
    }
    port_.debug(true, job.trace_addr, rows.data(), rows.size());
  } else {
    std::vector<std::uint8_t> scales(16 * std::uint64_t{job.layers} * job.heads);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<std::uint8_t> nan_rows((L - job.first_query) * job.out_row_bytes());
    for (std::size_t i = 0; i < nan_rows.size(); i += 4) std::memcpy(&nan_rows[i], &nan, 4);
    for (std::uint32_t l = 0; l < job.layers; ++l) {
      for (std::uint32_t h = 0; h < job.heads; ++h) {
        const common::QkvData d = head_data(l, h);
        const std::uint64_t hi = job.head_index(l, h);
        auto q = common::pack(d.q.data(), common::ElemFormat::FP16);
        port_.debug(true, job.q_base + hi * job.q_stride, q.data(), q.size());
        double ks = 1.0, vs = 1.0;
        if (job.quantised) {
          const auto k = spatten::quantise_split(
              d.k.data(), L, job.head_dim, {static_cast<int>(job.key_msb), static_cast<int>(job.key_lsb)});
          const auto v =
              spatten::quantise_split(d.v.data(), L, job.value_dim, {static_cast<int>(job.value_bits), 0});
          port_.debug(true, job.k_msb_base + hi * job.k_msb_stride, const_cast<std::uint8_t*>(k.msb.data()),
                      k.msb.size());
          if (!k.lsb.empty()) {
            port_.debug(true, job.k_lsb_base + hi * job.k_lsb_stride, const_cast<std::uint8_t*>(k.lsb.data()),
                        k.lsb.size());
          }
          port_.debug(true, job.v_base + hi * job.v_stride, const_cast<std::uint8_t*>(v.msb.data()),
                      v.msb.size());
          ks = k.scale;
          vs = v.scale;
        } else {
          auto k = common::pack(d.k.data(), common::ElemFormat::FP32);
          auto v = common::pack(d.v.data(), common::ElemFormat::FP32);
          port_.debug(true, job.k_msb_base + hi * job.k_msb_stride, k.data(), k.size());
          port_.debug(true, job.v_base + hi * job.v_stride, v.data(), v.size());
        }
        std::memcpy(&scales[16 * hi], &ks, 8);
        std::memcpy(&scales[16 * hi + 8], &vs, 8);
        port_.debug(true, job.out_base + hi * job.out_stride + job.first_query * job.out_row_bytes(),
                    nan_rows.data(), nan_rows.size());
      }
    }
    port_.debug(true, job.scales_addr, scales.data(), scales.size());
  }
  auto block = job.serialise();
  port_.debug(true, sp.block_addr, block.data(), block.size());
  common::JobDescriptor desc;
  desc.kind = common::JobKind::PrunedModel;
  desc.addr_a = sp.block_addr;
  desc.rows = desc.cols = L;
  desc.depth = job.head_dim;
  desc.value_dim = job.value_dim;
  r.status = kick_and_wait(desc);
  if (job.mode == spatten::SpattenMode::Trace) {
    r.passed = r.status == sc::csr::kStatusDone;  // a replay has counts, not data, to check
    r.data_checked = true;
    r.data_ok = r.passed;
    results_.push_back(r);
    return;
  }

  // The decision log: the tokens and heads every (step, layer) ran on.
  const std::uint64_t steps = job.steps(), mw = job.log_mask_words();
  std::vector<LogEntry> log(steps * job.layers);
  std::vector<std::uint8_t> raw(job.log_entry_bytes());
  for (std::size_t e = 0; e < log.size(); ++e) {
    port_.debug(false, job.log_addr + e * raw.size(), raw.data(), raw.size());
    std::uint32_t nt = 0;
    std::memcpy(&nt, &raw[0], 4);
    if (nt > L) throw std::runtime_error("SpAtten decision log: entry " + std::to_string(e) + " is corrupt");
    log[e].tokens.resize(nt);
    std::memcpy(log[e].tokens.data(), &raw[8 + 8 * mw], 4 * std::size_t{nt});
    log[e].heads.resize(job.heads);
    for (std::uint32_t h = 0; h < job.heads; ++h) log[e].heads[h] = (raw[8 + h / 8] >> (h % 8)) & 1;
  }
  // Score every layer: the rows the engine computed (pruned heads contribute zeros, as in the
  // hardware) against the exact reference over all keys the query may see.
  std::vector<common::AccuracyAccumulator> layer_acc(job.layers);
  double mass = 0, top1 = 0, compared = 0;
  bool complete = true;
  std::vector<double> p, o, got(job.value_dim);
  std::vector<std::uint8_t> out_raw(L * job.out_row_bytes());
  for (std::uint32_t l = 0; l < job.layers; ++l) {
    for (std::uint32_t h = 0; h < job.heads; ++h) {
      const common::QkvData d = head_data(l, h);
      const std::uint64_t hi = job.head_index(l, h);
      port_.debug(false, job.out_base + hi * job.out_stride, out_raw.data(), out_raw.size());
      for (std::uint64_t t = 0; t < steps; ++t) {
        const LogEntry& e = log[t * job.layers + l];
        std::vector<std::uint32_t> queries =
            job.mode == spatten::SpattenMode::Generate
                ? std::vector<std::uint32_t>{static_cast<std::uint32_t>(job.first_query + t)}
                : e.tokens;
        const std::size_t ctx = job.mode == spatten::SpattenMode::Generate ? queries[0] + 1 : L;
        std::vector<bool> kept(ctx, false);
        for (std::uint32_t tok : e.tokens) {
          if (tok < ctx) kept[tok] = true;
        }
        constexpr std::size_t kBlock = 16;
        for (std::size_t b0 = 0; b0 < queries.size(); b0 += kBlock) {
          const std::size_t nb = std::min(kBlock, queries.size() - b0);
          reference_rows(d, &queries[b0], nb, ctx, job.softmax_scale, p, o);
          for (std::size_t i = 0; i < nb; ++i) {
            const std::uint32_t q = queries[b0 + i];
            const double* pq = &p[i * ctx];
            for (std::size_t x = 0; x < job.value_dim; ++x) {
              float f = 0.0f;
              if (e.heads[h]) std::memcpy(&f, &out_raw[(q * job.value_dim + x) * 4], 4);
              complete &= std::isfinite(f);
              got[x] = f;
            }
            layer_acc[l].add(got.data(), &o[i * job.value_dim], job.value_dim);
            if (!e.heads[h]) continue;
            std::size_t arg = 0;
            double m = 0;
            for (std::size_t j = 0; j < ctx; ++j) {
              if (kept[j]) m += pq[j];
              if (pq[j] > pq[arg]) arg = j;
            }
            mass += m;
            top1 += kept[arg] ? 1 : 0;
            compared += 1;
          }
        }
      }
    }
  }
  for (const auto& a : layer_acc) r.layer_rel_l2.push_back(a.result().rel_l2_err);
  overall_.merge(layer_acc.back());
  r.accuracy = layer_acc.back().result();
  r.mass_kept = compared ? mass / compared : 0;
  r.top1_kept = compared ? top1 / compared : 0;
  r.data_checked = true;
  r.data_ok = complete;
  r.passed = r.status == sc::csr::kStatusDone && complete && r.accuracy.rel_l2_err <= acc.tolerance_rel_l2();
  results_.push_back(r);
}

}  // namespace savp::tb
