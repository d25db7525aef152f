// libsavp_ref.so: SpAtten references (savp_ref.h): the top-k engine (a handle around
// spatten::TopkEngine, quick-select, model backend) and the progressive-quantisation bit-width
// converter and decision (models/spatten/progressive_quant.hpp).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/common/random.hpp"
#include "models/spatten/progressive_quant.hpp"
#include "models/spatten/topk_code.hpp"
#include "models/spatten/topk_engine.hpp"
#include "testbenches/dpi/savp_ref.h"
#include "testbenches/dpi/savp_ref_common.hpp"

using savp::spatten::TopkConfig;
using savp::spatten::TopkEngine;

extern "C" void* savp_ref_topk_new(uint64_t seed, int parallelism, int pass_overhead_cycles) {
  TopkEngine* e = nullptr;
  const int rc = savp::ref::guarded("savp_ref_topk_new", [&] {
    if (parallelism < 1) throw std::invalid_argument("parallelism " + std::to_string(parallelism) + " < 1");
    if (pass_overhead_cycles < 0) throw std::invalid_argument("negative pass_overhead_cycles");
    TopkConfig cfg;
    cfg.parallelism = static_cast<std::uint32_t>(parallelism);
    cfg.pass_overhead_cycles = static_cast<std::uint32_t>(pass_overhead_cycles);
    e = new TopkEngine(cfg, seed);
  });
  return rc == 0 ? e : nullptr;
}

extern "C" void savp_ref_topk_free(void* h) { delete static_cast<TopkEngine*>(h); }

extern "C" int savp_ref_topk_select_p(void* h, const double* values, int n, int k, int32_t* kept,
                                      int32_t* n_kept, int64_t* cycles, int32_t* passes, int64_t* comparisons,
                                      double* threshold) {
  return savp::ref::guarded("savp_ref_topk_select", [&] {
    if (!h) throw std::invalid_argument("null handle (savp_ref_topk_new failed?)");
    if (n < 0 || k < 0) throw std::invalid_argument("negative n or k");
    const savp::spatten::TopkResult r =
        static_cast<TopkEngine*>(h)->select(values, static_cast<std::size_t>(n), static_cast<std::size_t>(k));
    for (std::size_t i = 0; i < r.kept.size(); ++i) kept[i] = static_cast<int32_t>(r.kept[i]);
    *n_kept = static_cast<int32_t>(r.kept.size());
    *cycles = static_cast<int64_t>(r.cycles);
    *passes = static_cast<int32_t>(r.passes);
    *comparisons = static_cast<int64_t>(r.comparisons);
    *threshold = r.threshold;
  });
}

extern "C" uint64_t savp_ref_topk_rng_state(uint64_t seed, int i) {
  const savp::common::Rng rng(seed);
  return (i >= 0 && i < 4) ? rng.state()[i] : 0;
}

extern "C" uint64_t savp_ref_topk_encode(double x) { return savp::spatten::topk_encode(x); }
extern "C" double savp_ref_topk_decode(uint64_t code) { return savp::spatten::topk_decode(code); }

extern "C" int savp_ref_pq_decode_p(int msb_bits, int lsb_bits, int dim, const int32_t* msb,
                                    const int32_t* lsb, int32_t* codes) {
  return savp::ref::guarded("savp_ref_pq_decode", [&] {
    namespace sp = savp::spatten;
    const sp::BitSplit s{msb_bits, lsb_bits};
    const std::string bad = sp::check_split(s);
    if (!bad.empty()) throw std::invalid_argument(bad);
    if (dim < 0) throw std::invalid_argument("negative dim");
    const std::size_t n = static_cast<std::size_t>(dim);
    // Packed as in DRAM (the converter's input), then decoded by the converter.
    std::vector<std::uint8_t> mrow(sp::packed_row_bytes(msb_bits, n)),
        lrow(sp::packed_row_bytes(lsb_bits, n));
    sp::pack_signed(msb, n, msb_bits, mrow.data());
    if (lsb && lsb_bits > 0) {
      std::vector<std::uint32_t> l(lsb, lsb + n);
      for (std::size_t i = 0; i < n; ++i) {
        if (lsb[i] < 0) throw std::out_of_range("negative LSB field at " + std::to_string(i));
      }
      sp::pack_unsigned(l.data(), n, lsb_bits, lrow.data());
      sp::decode_full_row_codes(mrow.data(), lrow.data(), n, s, codes);
    } else if (lsb) {
      sp::decode_full_row_codes(mrow.data(), nullptr, n, s, codes);
    } else {
      sp::decode_msb_row_codes(mrow.data(), n, s, codes);
    }
  });
}

extern "C" int savp_ref_pq_needs_lsb_p(const double* probs, int n, double threshold, int32_t* needs) {
  return savp::ref::guarded("savp_ref_pq_needs_lsb", [&] {
    if (n < 0) throw std::invalid_argument("negative n");
    *needs = savp::spatten::needs_lsb(probs, static_cast<std::size_t>(n), threshold) ? 1 : 0;
  });
}
