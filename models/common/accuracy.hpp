// Accuracy: how far an engine's output is from the double-precision reference, the metric the host
// scoreboard reports per job and over all jobs. Models three error measures over a flat vector:
// maximum absolute error, relative L2 error ||t-r|| / ||r||, and cosine similarity <t,r>/(|t||r|).
//
// Conventions (documented, deterministic):
//  - n == 0: max_abs_err 0, rel_l2_err 0, cosine 1, count 0 (nothing to disagree about).
//  - Zero reference (||r|| == 0): rel_l2_err is 0 if the error is also 0, otherwise +infinity
//    (std::numeric_limits<double>::infinity(); report writers must render it, e.g. as "inf").
//  - Cosine: 1 when both vectors are zero; 0 when exactly one is zero; otherwise clamped to [-1,1].
//  - Non-finite inputs propagate: a NaN anywhere makes max_abs_err, rel_l2_err and cosine NaN
//    (never silently ignored), so a scoreboard threshold test `err <= tol` fails on it.
#pragma once

#include <cstddef>
#include <vector>

namespace savp::common {

struct Accuracy {
  double max_abs_err = 0.0;
  double rel_l2_err = 0.0;
  double cosine = 1.0;
  std::size_t count = 0;
};

// Accumulates sums over any number of (test, ref) pairs, as if they were concatenated:
// max of max_abs, rel_l2 = sqrt(sum sq err / sum sq ref) over all, cosine over the concatenation.
class AccuracyAccumulator {
 public:
  // Adds n pairs; returns the accuracy of just this batch.
  Accuracy add(const double* test, const double* ref, std::size_t n);
  Accuracy add(const std::vector<double>& test, const std::vector<double>& ref);  // sizes must match
  // Merges another accumulator (e.g. per-job into all-jobs).
  void merge(const AccuracyAccumulator& other);
  // Accuracy over everything added so far.
  Accuracy result() const;
  std::size_t count() const { return count_; }

 private:
  double max_abs_ = 0.0;
  double sum_sq_err_ = 0.0;
  double sum_sq_ref_ = 0.0;
  double sum_sq_test_ = 0.0;
  double dot_ = 0.0;
  std::size_t count_ = 0;
};

Accuracy compare(const double* test, const double* ref, std::size_t n);
// test.size() must equal ref.size() (std::invalid_argument otherwise).
Accuracy compare(const std::vector<double>& test, const std::vector<double>& ref);

}  // namespace savp::common
