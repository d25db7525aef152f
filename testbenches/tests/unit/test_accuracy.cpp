// Unit tests for models/common/accuracy: per-vector and accumulated error metrics.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "models/common/accuracy.hpp"

using namespace savp::common;

TEST_CASE("accuracy: hand-computed values", "[accuracy]") {
  // ref (3,4), test (3,5): err (0,1), |ref| = 5, |test| = sqrt(34), dot = 29.
  const std::vector<double> ref{3.0, 4.0}, test{3.0, 5.0};
  const Accuracy a = compare(test, ref);
  CHECK(a.count == 2);
  CHECK(a.max_abs_err == 1.0);
  CHECK(a.rel_l2_err == Approx(1.0 / 5.0));
  CHECK(a.cosine == Approx(29.0 / (5.0 * std::sqrt(34.0))));
}

TEST_CASE("accuracy: identical, opposite and orthogonal vectors", "[accuracy]") {
  const std::vector<double> r{1.0, -2.0, 2.0};
  const Accuracy same = compare(r, r);
  CHECK(same.max_abs_err == 0.0);
  CHECK(same.rel_l2_err == 0.0);
  CHECK(same.cosine == Approx(1.0));
  CHECK(same.cosine <= 1.0);
  const Accuracy opp = compare(std::vector<double>{-1.0, 2.0, -2.0}, r);
  CHECK(opp.max_abs_err == 4.0);
  CHECK(opp.rel_l2_err == Approx(2.0));
  CHECK(opp.cosine == Approx(-1.0));
  const Accuracy orth = compare(std::vector<double>{0.0, 1.0}, std::vector<double>{1.0, 0.0});
  CHECK(orth.cosine == 0.0);
  CHECK(orth.rel_l2_err == Approx(std::sqrt(2.0)));
}

TEST_CASE("accuracy: zero and empty conventions", "[accuracy]") {
  const std::vector<double> z{0.0, 0.0};
  const Accuracy both = compare(z, z);
  CHECK(both.rel_l2_err == 0.0);
  CHECK(both.cosine == 1.0);
  const Accuracy zero_ref = compare(std::vector<double>{0.0, 0.5}, z);
  CHECK(zero_ref.max_abs_err == 0.5);
  CHECK(std::isinf(zero_ref.rel_l2_err));
  CHECK(zero_ref.rel_l2_err > 0);
  CHECK(zero_ref.cosine == 0.0);
  const Accuracy zero_test = compare(z, std::vector<double>{1.0, 0.0});
  CHECK(zero_test.rel_l2_err == 1.0);
  CHECK(zero_test.cosine == 0.0);
  const Accuracy empty = compare(nullptr, nullptr, 0);
  CHECK(empty.count == 0);
  CHECK(empty.max_abs_err == 0.0);
  CHECK(empty.rel_l2_err == 0.0);
  CHECK(empty.cosine == 1.0);
  CHECK_THROWS_AS(compare(std::vector<double>{1.0}, z), std::invalid_argument);
}

TEST_CASE("accuracy: NaN propagates", "[accuracy]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Accuracy a = compare(std::vector<double>{1.0, nan}, std::vector<double>{1.0, 2.0});
  CHECK(std::isnan(a.max_abs_err));
  CHECK(std::isnan(a.rel_l2_err));
  CHECK(std::isnan(a.cosine));
  AccuracyAccumulator acc;
  acc.add(std::vector<double>{nan}, std::vector<double>{1.0});
  acc.add(std::vector<double>{5.0}, std::vector<double>{1.0});
  CHECK(std::isnan(acc.result().max_abs_err));
}

TEST_CASE("accuracy: accumulator equals the concatenation", "[accuracy]") {
  const std::vector<double> r1{3.0, 4.0}, t1{3.0, 5.0};             // sq err 1, sq ref 25, dot 29, sq t 34
  const std::vector<double> r2{1.0, 0.0, 2.0}, t2{1.0, -2.0, 2.0};  // err 4, ref 5, dot 5, t 9
  AccuracyAccumulator acc;
  const Accuracy b1 = acc.add(t1, r1);
  const Accuracy b2 = acc.add(t2, r2);
  CHECK(b1.max_abs_err == 1.0);
  CHECK(b2.max_abs_err == 2.0);
  CHECK(b2.rel_l2_err == Approx(2.0 / std::sqrt(5.0)));
  const Accuracy all = acc.result();
  CHECK(all.count == 5);
  CHECK(acc.count() == 5);
  CHECK(all.max_abs_err == 2.0);
  CHECK(all.rel_l2_err == Approx(std::sqrt(5.0 / 30.0)));
  CHECK(all.cosine == Approx(34.0 / (std::sqrt(43.0) * std::sqrt(30.0))));

  std::vector<double> rc(r1), tc(t1);
  rc.insert(rc.end(), r2.begin(), r2.end());
  tc.insert(tc.end(), t2.begin(), t2.end());
  const Accuracy cat = compare(tc, rc);
  CHECK(cat.max_abs_err == all.max_abs_err);
  CHECK(cat.rel_l2_err == Approx(all.rel_l2_err));
  CHECK(cat.cosine == Approx(all.cosine));

  // merge of per-job accumulators gives the same summary
  AccuracyAccumulator j1, j2, total;
  j1.add(t1, r1);
  j2.add(t2, r2);
  total.merge(j1);
  total.merge(j2);
  const Accuracy m = total.result();
  CHECK(m.count == 5);
  CHECK(m.max_abs_err == all.max_abs_err);
  CHECK(m.rel_l2_err == Approx(all.rel_l2_err));
  CHECK(m.cosine == Approx(all.cosine));

  AccuracyAccumulator fresh;
  CHECK(fresh.result().count == 0);
  CHECK(fresh.result().cosine == 1.0);
}
