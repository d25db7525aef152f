#include "models/common/attention_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace savp::common {

void AttentionStatistics::merge(const AttentionStatistics& o) {
  const std::uint64_t n = queries + o.queries;
  if (n == 0) return;
  const double a = static_cast<double>(queries) / static_cast<double>(n);
  const double b = static_cast<double>(o.queries) / static_cast<double>(n);
  entropy_nats = a * entropy_nats + b * o.entropy_nats;
  local_mass = a * local_mass + b * o.local_mass;
  top8_mass = a * top8_mass + b * o.top8_mass;
  top1_mass = a * top1_mass + b * o.top1_mass;
  queries = n;
}

AttentionStatistics attention_statistics(const MatrixD& q, const MatrixD& k, const AttentionPattern& pattern,
                                         double scale, std::uint32_t local_radius) {
  const std::uint64_t L = k.rows(), d = q.cols();
  const std::vector<std::uint8_t> globals = pattern.global_flags(L);
  std::vector<std::uint64_t> keys, visible;
  std::vector<double> s, p;
  double ent = 0.0, local = 0.0, top8 = 0.0, top1 = 0.0;
  std::uint64_t counted = 0;
  for (std::uint64_t i = 0; i < q.rows(); ++i) {
    pattern.candidate_keys(i, L, globals, keys);
    s.clear();
    visible.clear();
    double mx = -std::numeric_limits<double>::infinity();
    for (std::uint64_t j : keys) {
      if (!pattern.allowed(i, j, globals)) continue;
      double dot = 0.0;
      for (std::uint64_t t = 0; t < d; ++t) dot += q(i, t) * k(j, t);
      s.push_back(scale * dot);
      visible.push_back(j);
      mx = std::max(mx, s.back());
    }
    if (s.empty()) continue;
    double sum = 0.0;
    p.resize(s.size());
    for (std::size_t x = 0; x < s.size(); ++x) sum += (p[x] = std::exp(s[x] - mx));
    double e = 0.0, loc = 0.0;
    for (std::size_t x = 0; x < p.size(); ++x) {
      p[x] /= sum;
      if (p[x] > 0.0) e -= p[x] * std::log(p[x]);
      const std::uint64_t dist = visible[x] > i ? visible[x] - i : i - visible[x];
      if (dist <= local_radius) loc += p[x];
    }
    const std::size_t top = std::min<std::size_t>(8, p.size());
    std::partial_sort(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(top), p.end(),
                      std::greater<double>());
    double t8 = 0.0;
    for (std::size_t x = 0; x < top; ++x) t8 += p[x];
    ent += e;
    local += loc;
    top8 += t8;
    top1 += p[0];
    ++counted;
  }
  AttentionStatistics r;
  r.queries = counted;
  if (counted) {
    const double n = static_cast<double>(counted);
    r.entropy_nats = ent / n;
    r.local_mass = local / n;
    r.top8_mass = top8 / n;
    r.top1_mass = top1 / n;
  }
  return r;
}

}  // namespace savp::common
