// savp_bench_masked_attention: the floor for a functional simulator of a sliding-window layer — a
// plain optimised C++ loop computing the same masked attention in double, visiting only the keys
// each query's window (and the global tokens) allows. Compare its wall time with
// `savp run scenarios/salo/longformer-base-4096.json` (README).
// usage: savp_bench_masked_attention [seq_len 4096] [heads 12] [window 512] [head_dim 64]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "models/common/softmax.hpp"
#include "models/common/workload_generator.hpp"

using namespace savp;

int main(int argc, char** argv) {
  const std::uint64_t L = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4096;
  const std::uint64_t H = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 12;
  const std::int64_t w = argc > 3 ? std::atoll(argv[3]) : 512;
  const std::uint64_t d = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 64;
  double checksum = 0, seconds = 0;
  std::vector<double> s(L), out(d);
  for (std::uint64_t h = 0; h < H; ++h) {
    const common::QkvData x = common::generate_qkv(common::SyntheticParams{}, L, d, d, h + 1);
    const auto t0 = std::chrono::steady_clock::now();
    const double scale = 1.0 / std::sqrt(static_cast<double>(d));
    for (std::uint64_t i = 0; i < L; ++i) {
      // Keys: the window |i - j| <= w/2, plus global token 0 (which also attends everything).
      const std::int64_t lo = i == 0 ? 0 : std::max<std::int64_t>(0, static_cast<std::int64_t>(i) - w / 2);
      const std::int64_t hi = i == 0 ? static_cast<std::int64_t>(L) - 1
                                     : std::min<std::int64_t>(static_cast<std::int64_t>(L) - 1, static_cast<std::int64_t>(i) + w / 2);
      std::size_t n = 0;
      std::vector<std::int64_t> keys;
      keys.reserve(static_cast<std::size_t>(hi - lo + 2));
      if (lo > 0) keys.push_back(0);
      for (std::int64_t j = lo; j <= hi; ++j) keys.push_back(j);
      for (std::int64_t j : keys) {
        double a = 0;
        for (std::uint64_t t = 0; t < d; ++t) a += x.q(i, t) * x.k(static_cast<std::size_t>(j), t);
        s[n++] = a * scale;
      }
      const double sum = common::exp_shifted(s.data(), n);
      std::fill(out.begin(), out.end(), 0.0);
      for (std::size_t m = 0; m < n; ++m) {
        const double p = s[m] / sum;
        for (std::uint64_t t = 0; t < d; ++t) out[t] += p * x.v(static_cast<std::size_t>(keys[m]), t);
      }
      checksum += out[0];
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::printf("masked attention in double: %llu heads x %llu tokens, window %lld: %.3f s (checksum %.6f)\n",
              static_cast<unsigned long long>(H), static_cast<unsigned long long>(L), static_cast<long long>(w), seconds,
              checksum);
  return 0;
}
