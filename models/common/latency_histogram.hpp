// LatencyHistogram: a log-linear histogram of non-negative values (latencies, in whatever unit the
// caller uses, e.g. ns) for averages and tail quantiles (p99) without keeping every sample. Each
// power-of-two range [2^e/2, 2^e) is split into kSubBuckets equal buckets, so a bucket is at most
// 1/kSubBuckets (1.6 %) of its values wide; values below kMinValue share one bucket with zero. The
// count, sum, minimum and maximum are kept exactly: mean() is exact, quantile() returns the middle
// of the bucket holding the rank, clamped to [min, max] (so a histogram of one repeated value answers
// that value). merge() adds another histogram; subtract() removes an earlier snapshot of the same
// histogram (end - start of a window: the buckets, count and sum subtract exactly; min and max become
// the bounds of the first and last non-empty buckets). Pure C++, header-only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace savp::common {

class LatencyHistogram {
 public:
  static constexpr int kSubBuckets = 64;    // buckets per power of two
  static constexpr int kMinExponent = -20;  // frexp exponent of the smallest resolved value
  static constexpr double kMinValue = 0.5 * 9.5367431640625e-07;  // 2^-21: below it, bucket 0

  // Adds one sample (value >= 0; negative or non-finite values are refused).
  void add(double value) { add(value, 1); }

  // Adds n samples of one value.
  void add(double value, std::uint64_t n) {
    if (!(value >= 0.0) || !std::isfinite(value))
      throw std::invalid_argument("LatencyHistogram: value must be finite and >= 0");
    if (n == 0) return;
    const std::size_t b = bucket_of(value);
    if (b >= m_counts.size()) m_counts.resize(b + 1, 0);
    m_counts[b] += n;
    if (m_count == 0 || value < m_min) m_min = value;
    if (m_count == 0 || value > m_max) m_max = value;
    m_count += n;
    m_sum += value * static_cast<double>(n);
  }

  // Adds every sample of `other`.
  void merge(const LatencyHistogram& other) {
    if (other.m_count == 0) return;
    if (other.m_counts.size() > m_counts.size()) m_counts.resize(other.m_counts.size(), 0);
    for (std::size_t i = 0; i < other.m_counts.size(); ++i) m_counts[i] += other.m_counts[i];
    m_min = m_count == 0 ? other.m_min : std::min(m_min, other.m_min);
    m_max = m_count == 0 ? other.m_max : std::max(m_max, other.m_max);
    m_count += other.m_count;
    m_sum += other.m_sum;
  }

  // Removes the samples of `earlier`, a snapshot of this histogram taken before (every bucket of it
  // at most this one's; otherwise std::logic_error).
  void subtract(const LatencyHistogram& earlier) {
    if (earlier.m_count > m_count || earlier.m_counts.size() > m_counts.size())
      throw std::logic_error("LatencyHistogram::subtract: not an earlier snapshot");
    for (std::size_t i = 0; i < earlier.m_counts.size(); ++i) {
      if (earlier.m_counts[i] > m_counts[i])
        throw std::logic_error("LatencyHistogram::subtract: not an earlier snapshot");
      m_counts[i] -= earlier.m_counts[i];
    }
    m_count -= earlier.m_count;
    m_sum = m_count == 0 ? 0.0 : std::max(0.0, m_sum - earlier.m_sum);
    if (earlier.m_count == 0) return;
    m_min = m_max = 0.0;
    for (std::size_t i = 0; i < m_counts.size(); ++i)
      if (m_counts[i] != 0) {
        m_min = lower_bound_of(i);
        break;
      }
    for (std::size_t i = m_counts.size(); i-- > 0;)
      if (m_counts[i] != 0) {
        m_max = upper_bound_of(i);
        break;
      }
  }

  std::uint64_t count() const { return m_count; }
  double sum() const { return m_sum; }
  double min() const { return m_count == 0 ? 0.0 : m_min; }
  double max() const { return m_count == 0 ? 0.0 : m_max; }
  double mean() const { return m_count == 0 ? 0.0 : m_sum / static_cast<double>(m_count); }

  // The value at quantile q in [0, 1] (0.99 for p99): the sample of rank ceil(q * count) (at least
  // 1), answered as the middle of its bucket (0 for the bucket of zero) clamped to [min, max]; 0
  // when empty.
  double quantile(double q) const {
    if (m_count == 0) return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    std::uint64_t rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count)));
    rank = std::clamp<std::uint64_t>(rank, 1, m_count);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
      seen += m_counts[i];
      if (seen >= rank) {
        const double mid = i == 0 ? 0.0 : 0.5 * (lower_bound_of(i) + upper_bound_of(i));
        return std::clamp(mid, m_min, m_max);
      }
    }
    return m_max;
  }

  // Bucket layout (exposed for tests): bucket 0 holds [0, kMinValue); bucket 1 + (e - kMinExponent)
  // * kSubBuckets + k holds [(0.5 + k / 2S) 2^e, (0.5 + (k + 1) / 2S) 2^e) with S = kSubBuckets.
  static std::size_t bucket_of(double value) {
    if (value < kMinValue) return 0;
    int e = 0;
    const double m = std::frexp(value, &e);  // value = m 2^e, m in [0.5, 1)
    int k = static_cast<int>((m - 0.5) * 2.0 * kSubBuckets);
    k = std::clamp(k, 0, kSubBuckets - 1);
    return 1 + static_cast<std::size_t>(e - kMinExponent) * kSubBuckets + static_cast<std::size_t>(k);
  }
  static double lower_bound_of(std::size_t bucket) {
    if (bucket == 0) return 0.0;
    const std::size_t i = bucket - 1;
    const int e = kMinExponent + static_cast<int>(i / kSubBuckets);
    const int k = static_cast<int>(i % kSubBuckets);
    return std::ldexp(0.5 + static_cast<double>(k) / (2.0 * kSubBuckets), e);
  }
  static double upper_bound_of(std::size_t bucket) {
    if (bucket == 0) return kMinValue;
    return lower_bound_of(bucket) +
           std::ldexp(1.0 / (2.0 * kSubBuckets), kMinExponent + static_cast<int>((bucket - 1) / kSubBuckets));
  }

 private:
  std::vector<std::uint64_t> m_counts;  // by bucket, grown to the highest bucket used
  std::uint64_t m_count = 0;
  double m_sum = 0.0;
  double m_min = 0.0;
  double m_max = 0.0;
};

}  // namespace savp::common
