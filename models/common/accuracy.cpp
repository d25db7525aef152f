#include "models/common/accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace savp::common {

namespace {
// max that propagates NaN (std::max would drop it depending on argument order).
double nan_max(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  return a > b ? a : b;
}

void check_sizes(std::size_t t, std::size_t r) {
  if (t != r)
    throw std::invalid_argument("accuracy: test has " + std::to_string(t) + " values but reference has " +
                                std::to_string(r));
}
}  // namespace

Accuracy AccuracyAccumulator::add(const double* test, const double* ref, std::size_t n) {
  AccuracyAccumulator batch;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = test[i], r = ref[i];
    const double e = t - r;
    batch.max_abs_ = nan_max(batch.max_abs_, std::fabs(e));
    batch.sum_sq_err_ += e * e;
    batch.sum_sq_ref_ += r * r;
    batch.sum_sq_test_ += t * t;
    batch.dot_ += t * r;
  }
  batch.count_ = n;
  merge(batch);
  return batch.result();
}

Accuracy AccuracyAccumulator::add(const std::vector<double>& test, const std::vector<double>& ref) {
  check_sizes(test.size(), ref.size());
  return add(test.data(), ref.data(), test.size());
}

void AccuracyAccumulator::merge(const AccuracyAccumulator& o) {
  max_abs_ = nan_max(max_abs_, o.max_abs_);
  sum_sq_err_ += o.sum_sq_err_;
  sum_sq_ref_ += o.sum_sq_ref_;
  sum_sq_test_ += o.sum_sq_test_;
  dot_ += o.dot_;
  count_ += o.count_;
}

Accuracy AccuracyAccumulator::result() const {
  Accuracy a;
  a.count = count_;
  a.max_abs_err = max_abs_;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool any_nan = std::isnan(max_abs_) || std::isnan(sum_sq_err_) || std::isnan(dot_);
  if (any_nan) {
    a.max_abs_err = a.rel_l2_err = a.cosine = nan;
    return a;
  }
  if (sum_sq_ref_ == 0.0)
    a.rel_l2_err = sum_sq_err_ == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  else
    a.rel_l2_err = std::sqrt(sum_sq_err_ / sum_sq_ref_);

  if (sum_sq_ref_ == 0.0 && sum_sq_test_ == 0.0) {
    a.cosine = 1.0;
  } else if (sum_sq_ref_ == 0.0 || sum_sq_test_ == 0.0) {
    a.cosine = 0.0;
  } else {
    const double c = dot_ / (std::sqrt(sum_sq_test_) * std::sqrt(sum_sq_ref_));
    a.cosine = std::isnan(c) ? nan : std::clamp(c, -1.0, 1.0);
  }
  return a;
}

Accuracy compare(const double* test, const double* ref, std::size_t n) {
  AccuracyAccumulator acc;
  return acc.add(test, ref, n);
}

Accuracy compare(const std::vector<double>& test, const std::vector<double>& ref) {
  check_sizes(test.size(), ref.size());
  return compare(test.data(), ref.data(), test.size());
}

}  // namespace savp::common
