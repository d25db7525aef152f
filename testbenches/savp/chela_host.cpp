// HostDriver::run_chela_job: the host side of one CHELA head. Generates (or loads) Q, K, V and the
// seeded short/long convolution kernels (models/chela/chela_job.hpp), loads them in the engine's
// operand format, writes the CHELA job block (kernel and scratch addresses) that the descriptor's
// addr_globals points to, runs the job and scores the fp32 output against the double-precision
// reference of the same layer (recurrent linear attention + short-long convolution branch, gate,
// residual), computed on a worker thread while the engine simulates. With numerics "off": the job
// block only, a timing-only descriptor, no operands, kernels, reference or read-back.
#include <cstring>
#include <future>

#include "models/chela/chela_job.hpp"
#include "models/common/number_format.hpp"
#include "models/common/random.hpp"
#include "testbenches/savp/host_driver.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::tb {

void HostDriver::run_chela_job(const JobSlot& slot) {
  const common::WorkloadSpec& w = scenario_.workload;
  const sc::AcceleratorSpec& acc = scenario_.accelerators[w.accelerator];
  const chela::ChelaConfig& cfg = acc.chela;
  const MemoryLayout& m = plan_.layout;
  const std::uint64_t L = w.seq_len, dim = w.head_dim, dv = w.value_dim;
  const bool data = w.numerics;  // numerics "off": no operands or kernels
  const common::QkvData qkv = data ? head_qkv(slot.index, slot.seed) : common::QkvData{};
  const chela::ChelaRegions r = chela::chela_regions(cfg, m.diag, L, dv);
  const std::uint64_t lk = cfg.long_taps(L);
  const chela::ChelaKernels kern =
      data ? chela::generate_kernels(dv, cfg.short_kernel, lk, common::derive_seed(slot.seed, 9))
           : chela::ChelaKernels{};
  const common::QuantParams fp{};  // float formats: no scale
  auto load = [&](std::uint64_t addr, const std::vector<double>& values) {
    const std::vector<std::uint8_t> bytes = common::pack(values, cfg.format, fp);
    port_.debug(true, addr, const_cast<std::uint8_t*>(bytes.data()), bytes.size());
  };
  if (data) {
    load(m.a, qkv.q.data());
    load(m.b, qkv.k.data());
    load(m.c, qkv.v.data());
  }
  if (data && cfg.conv_enabled) {
    load(r.short_kernel, kern.w);
    load(r.long_kernel, kern.h);
  }
  chela::ChelaJobBlock blk;
  blk.short_kernel = r.short_kernel;
  blk.long_kernel = r.long_kernel;
  blk.u_scratch = r.u_scratch;
  blk.z_scratch = r.z_scratch;
  std::vector<std::uint8_t> blk_bytes = blk.serialise();
  port_.debug(true, r.block, blk_bytes.data(), blk_bytes.size());

  common::JobDescriptor d;
  d.kind = common::JobKind::Attention;
  d.format = cfg.format;
  d.timing_only = !data;
  d.rows = d.cols = L;
  d.depth = dim;
  d.value_dim = dv;
  d.addr_a = m.a;
  d.addr_b = m.b;
  d.addr_c = m.c;
  d.addr_out = m.out;
  d.causal = w.pattern.causal ? 1 : 0;
  d.addr_globals = r.block;
  d.n_globals = 0;
  JobResult res;
  res.slot = slot;
  if (!data) {  // timing only: nothing to read back or check
    res.status = kick_and_wait(d);
    res.timing_only = true;
    res.passed = res.status == sc::csr::kStatusDone;
    results_.push_back(res);
    return;
  }
  std::future<std::vector<double>> reference = std::async(std::launch::async, [&] {
    return chela::chela_reference(cfg, qkv.q.data(), qkv.k.data(), qkv.v.data(), kern, L, dim, dv, w.pattern.causal);
  });
  res.status = kick_and_wait(d);
  const std::vector<double> ref = reference.get();
  std::vector<std::uint8_t> out(L * dv * 4);
  port_.debug(false, m.out, out.data(), out.size());
  std::vector<double> got(L * dv);
  for (std::size_t i = 0; i < got.size(); ++i) {
    float f;
    std::memcpy(&f, &out[4 * i], 4);
    got[i] = f;
  }
  res.accuracy = overall_.add(got.data(), ref.data(), got.size());
  res.passed = res.status == sc::csr::kStatusDone && res.accuracy.rel_l2_err <= acc.tolerance_rel_l2();
  results_.push_back(res);
}

}  // namespace savp::tb
