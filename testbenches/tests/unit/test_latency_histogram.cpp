// LatencyHistogram (models/common/latency_histogram.hpp): bucket layout, exact count / sum / mean,
// quantiles within one bucket's width of the exact order statistic, merge and subtract against
// histograms built from the combined or remaining samples.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "models/common/latency_histogram.hpp"

using savp::common::LatencyHistogram;

namespace {

// The exact sample of rank ceil(q n) (at least 1) of the sorted samples.
double exact_quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}

constexpr double kRelWidth = 1.0 / LatencyHistogram::kSubBuckets;

}  // namespace

TEST_CASE("latency histogram: buckets tile the value axis and are at most 1/64 wide", "[latency_histogram]") {
  CHECK(LatencyHistogram::bucket_of(0.0) == 0);
  CHECK(LatencyHistogram::bucket_of(LatencyHistogram::kMinValue * 0.99) == 0);
  CHECK(LatencyHistogram::bucket_of(LatencyHistogram::kMinValue) == 1);
  for (std::size_t b = 1; b < 3000; ++b) {
    const double lo = LatencyHistogram::lower_bound_of(b);
    const double hi = LatencyHistogram::upper_bound_of(b);
    REQUIRE(hi > lo);
    CHECK(LatencyHistogram::upper_bound_of(b - 1) == lo);  // no gaps, no overlaps
    CHECK(LatencyHistogram::bucket_of(lo) == b);
    CHECK(LatencyHistogram::bucket_of(std::nextafter(hi, 0.0)) == b);
    CHECK((hi - lo) / lo <= 2.0 * kRelWidth + 1e-12);
  }
}

TEST_CASE("latency histogram: count, sum and mean are exact; quantiles within one bucket",
          "[latency_histogram]") {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> dist(4.0, 1.2);  // latencies around 50 ns, long tail
  LatencyHistogram h;
  std::vector<double> v;
  double sum = 0.0;
  for (int i = 0; i < 20000; ++i) {
    const double x = dist(rng);
    v.push_back(x);
    sum += x;
    h.add(x);
  }
  CHECK(h.count() == v.size());
  CHECK(h.sum() == Approx(sum).epsilon(1e-12));
  CHECK(h.mean() == Approx(sum / static_cast<double>(v.size())).epsilon(1e-12));
  CHECK(h.min() == *std::min_element(v.begin(), v.end()));
  CHECK(h.max() == *std::max_element(v.begin(), v.end()));
  for (double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const double exact = exact_quantile(v, q);
    INFO("q = " << q);
    CHECK(std::abs(h.quantile(q) - exact) <= exact * kRelWidth + 1e-12);
  }
}

TEST_CASE("latency histogram: one repeated value answers that value; empty answers 0",
          "[latency_histogram]") {
  LatencyHistogram h;
  CHECK(h.mean() == 0.0);
  CHECK(h.quantile(0.99) == 0.0);
  h.add(50.0, 1000);
  CHECK(h.count() == 1000);
  CHECK(h.mean() == 50.0);
  CHECK(h.quantile(0.5) == 50.0);
  CHECK(h.quantile(0.99) == 50.0);
  h.add(0.0);
  CHECK(h.min() == 0.0);
  CHECK(h.quantile(0.0) == 0.0);
  CHECK_THROWS_AS(h.add(-1.0), std::invalid_argument);
  CHECK_THROWS_AS(h.add(std::nan("")), std::invalid_argument);
}

TEST_CASE("latency histogram: merge equals adding both sample sets; subtract leaves the window",
          "[latency_histogram]") {
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> dist(0.02);
  LatencyHistogram a, b, both, start;
  std::vector<double> window;
  for (int i = 0; i < 5000; ++i) {
    const double x = dist(rng) + 10.0;
    (i % 3 == 0 ? a : b).add(x);
    both.add(x);
    if (i == 1999) start = both;  // snapshot: the window is samples 2000..4999
    if (i >= 2000) window.push_back(x);
  }
  LatencyHistogram merged = a;
  merged.merge(b);
  CHECK(merged.count() == both.count());
  CHECK(merged.sum() == Approx(both.sum()).epsilon(1e-12));
  CHECK(merged.min() == both.min());
  CHECK(merged.max() == both.max());
  for (double q : {0.5, 0.99}) CHECK(merged.quantile(q) == both.quantile(q));

  LatencyHistogram diff = both;
  diff.subtract(start);
  CHECK(diff.count() == window.size());
  double wsum = 0.0;
  for (double x : window) wsum += x;
  CHECK(diff.mean() == Approx(wsum / static_cast<double>(window.size())).epsilon(1e-9));
  for (double q : {0.5, 0.9, 0.99}) {
    const double exact = exact_quantile(window, q);
    INFO("q = " << q);
    CHECK(std::abs(diff.quantile(q) - exact) <= exact * kRelWidth + 1e-12);
  }
  CHECK(diff.min() <= *std::min_element(window.begin(), window.end()));
  CHECK(diff.max() >= *std::max_element(window.begin(), window.end()));

  LatencyHistogram empty_diff = start;
  empty_diff.subtract(start);
  CHECK(empty_diff.count() == 0);
  CHECK(empty_diff.quantile(0.99) == 0.0);
  CHECK_THROWS_AS(start.subtract(both), std::logic_error);  // not an earlier snapshot
}
