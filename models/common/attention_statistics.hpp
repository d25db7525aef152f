// Attention statistics of a head's data: how peaked and how local softmax(scale Q K^T) is under the
// workload's pattern. The four figures characterise real attention against synthetic data (a
// trained encoder's heads are local and peaked; i.i.d. Gaussian data are neither) and are what the
// synthetic generator's "real-like" preset was fitted to:
//  - entropy_nats: -sum_j p_ij ln p_ij, mean over queries (ln(n) for uniform attention over n keys);
//  - local_mass: the probability mass on keys with |i - j| <= local_radius (4 by default);
//  - top8_mass, top1_mass: the mass of the query's 8 largest probabilities and of its largest.
// Queries whose pattern allows no key are skipped. Each is a mean over the queries counted.
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/attention_pattern.hpp"
#include "models/common/tensor.hpp"

namespace savp::common {

struct AttentionStatistics {
  double entropy_nats = 0.0;
  double local_mass = 0.0;
  double top8_mass = 0.0;
  double top1_mass = 0.0;
  std::uint64_t queries = 0;  // the queries the means are over

  // Adds another head's (or batch element's) statistics: query-weighted means.
  void merge(const AttentionStatistics& o);
};

AttentionStatistics attention_statistics(const MatrixD& q, const MatrixD& k, const AttentionPattern& pattern,
                                         double scale, std::uint32_t local_radius = 4);

}  // namespace savp::common
