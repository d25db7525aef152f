// libsavp_ref.so: the SPRINT in-ReRAM scoring reference (memory::ReramCrossbar, seeded noise) and the
// dense array's GEMM in a datapath format (dense::gemm_reduce, the arithmetic of DenseCore's folds,
// and dense::gemm_timing for its cycles) (savp_ref.h).
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/common/number_format.hpp"
#include "models/dense/gemm_arith.hpp"
#include "models/dense/systolic_timing.hpp"
#include "models/memory/reram_crossbar.hpp"
#include "testbenches/dpi/savp_ref.h"
#include "testbenches/dpi/savp_ref_common.hpp"

extern "C" int savp_ref_sprint_score_p(uint64_t seed, int noise, int msb_bits, int dac_bits, int n, int d,
                                       const int32_t* keys, const int32_t* q, double threshold, int32_t* keep,
                                       double* current) {
  return savp::ref::guarded("savp_ref_sprint_score", [&] {
    if (n < 1 || d < 1) throw std::invalid_argument("need n >= 1 keys of d >= 1 elements");
    savp::memory::ReramSpec spec;
    spec.noise = noise != 0;
    spec.msb_bits = msb_bits;
    spec.dac_bits = dac_bits;
    if (const auto bad = spec.check()) throw std::invalid_argument(bad->message);
    savp::memory::ReramCrossbar xbar(spec, seed);
    const std::size_t nk = static_cast<std::size_t>(n), dd = static_cast<std::size_t>(d);
    std::vector<std::int8_t> codes(nk * dd);
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (keys[i] < -128 || keys[i] > 127) throw std::out_of_range("key code " + std::to_string(keys[i]));
      codes[i] = static_cast<std::int8_t>(keys[i]);
    }
    xbar.store_keys(codes.data(), nk, dd);
    std::vector<double> cur;
    const std::vector<std::uint8_t> k = xbar.prune(q, threshold, &cur);
    for (std::size_t j = 0; j < nk; ++j) {
      keep[j] = k[j];
      current[j] = cur[j];
    }
  });
}

extern "C" int savp_ref_dense_gemm_p(int format, int acc_bits, int m, int n, int k, const int32_t* a,
                                     const int32_t* b, int32_t* c_fp32, int64_t* c_int, int rows, int cols,
                                     int dataflow, int64_t* cycles) {
  return savp::ref::guarded("savp_ref_dense_gemm", [&] {
    if (format < 0 || format > 2)
      throw std::invalid_argument("format " + std::to_string(format) + " (0 fp32, 1 fp16, 2 int)");
    if (m < 1 || n < 1 || k < 1 || rows < 1 || cols < 1) throw std::invalid_argument("a zero dimension");
    if (dataflow < 0 || dataflow > 2)
      throw std::invalid_argument("dataflow " + std::to_string(dataflow) + " (0 os, 1 ws, 2 is)");
    if (format == 2 && (acc_bits < 2 || acc_bits > 64)) throw std::invalid_argument("acc_bits outside 2..64");
    const std::size_t M = static_cast<std::size_t>(m), N = static_cast<std::size_t>(n),
                      K = static_cast<std::size_t>(k);
    // Operands decoded as DenseCore::decode does (fp32 / fp16 patterns to values, int codes as they are).
    auto decode = [format](const int32_t* in, std::size_t cnt) {
      std::vector<double> out(cnt);
      for (std::size_t i = 0; i < cnt; ++i) {
        if (format == 0) {
          float f;
          std::memcpy(&f, &in[i], 4);
          out[i] = f;
        } else if (format == 1) {
          out[i] = savp::common::half_to_float(static_cast<std::uint16_t>(in[i] & 0xFFFF));
        } else {
          out[i] = in[i];
        }
      }
      return out;
    };
    const std::vector<double> av = decode(a, M * K), bv = decode(b, K * N);
    for (std::size_t i = 0; i < M; ++i) {
      for (std::size_t j = 0; j < N; ++j) {
        const double acc = savp::dense::gemm_reduce(&av[i * K], &bv[j], N, 0, K, 0.0, format == 2, acc_bits);
        if (format == 2) {
          c_int[i * N + j] = static_cast<int64_t>(acc);
        } else {
          const float f = static_cast<float>(acc);
          std::memcpy(&c_fp32[i * N + j], &f, 4);
        }
      }
    }
    namespace dn = savp::dense;
    const dn::Dataflow df = dataflow == 0   ? dn::Dataflow::OS
                            : dataflow == 1 ? dn::Dataflow::WS
                                            : dn::Dataflow::IS;
    // Elapsed cycles of the pipelined convention (index of the last output + 1), as DenseCore::gemm_cycles.
    *cycles = static_cast<int64_t>(
        dn::gemm_timing(dn::ArrayShape{static_cast<std::uint32_t>(rows), static_cast<std::uint32_t>(cols)},
                        dn::GemmShape{M, N, K}, df, dn::TimingConvention::Pipelined, false)
            .total_cycles +
        1);
  });
}
