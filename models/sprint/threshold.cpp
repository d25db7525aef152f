// SPRINT in-memory pruning threshold policies: see threshold.hpp (shared/reference/sprint.md; the
// policies are modelling assumptions standing in for SPRINT's learned thresholds).
#include "models/sprint/threshold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace savp::sprint {

namespace {
std::string num(double v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}
}  // namespace

std::string validate_threshold(double threshold) {
  if (!std::isfinite(threshold)) return "threshold must be a finite number, got " + num(threshold);
  return "";
}

std::string validate_keep_ratio(double target_keep) {
  if (!(target_keep > 0.0 && target_keep <= 1.0)) {
    return "target keep ratio must be in (0, 1], got " + num(target_keep);
  }
  return "";
}

std::string validate_scores(const ScoreRows& rows) {
  if (rows.empty()) return "calibration data has no rows (queries)";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].empty()) return "calibration row " + std::to_string(r) + " has no scores (keys)";
    for (std::size_t k = 0; k < rows[r].size(); ++k) {
      if (!std::isfinite(rows[r][k])) {
        return "calibration score [" + std::to_string(r) + "][" + std::to_string(k) + "] is not finite (" +
               num(rows[r][k]) + ")";
      }
    }
  }
  return "";
}

std::vector<std::uint8_t> prune(const std::vector<double>& scores, double threshold) {
  std::vector<std::uint8_t> p(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) p[i] = scores[i] >= threshold ? 1 : 0;
  return p;
}

double keep_fraction(const ScoreRows& rows, double threshold) {
  double sum = 0.0;
  std::size_t counted = 0;
  for (const auto& row : rows) {
    if (row.empty()) continue;
    const auto kept = std::count_if(row.begin(), row.end(), [&](double s) { return s >= threshold; });
    sum += static_cast<double>(kept) / static_cast<double>(row.size());
    ++counted;
  }
  return counted == 0 ? 0.0 : sum / static_cast<double>(counted);
}

CalibrationResult calibrate_threshold(const ScoreRows& rows, double target_keep,
                                      bool keep_at_least_one_per_row) {
  CalibrationResult res;
  res.error = validate_keep_ratio(target_keep);
  if (res.error.empty()) res.error = validate_scores(rows);
  if (!res.error.empty()) return res;

  // Every score with its weight in the mean per-row fraction, sorted by score descending.
  std::vector<std::pair<double, double>> pooled;
  double limit = std::numeric_limits<double>::infinity();  // smallest row maximum
  for (const auto& row : rows) {
    const double w = 1.0 / (static_cast<double>(row.size()) * static_cast<double>(rows.size()));
    for (double s : row) pooled.emplace_back(s, w);
    limit = std::min(limit, *std::max_element(row.begin(), row.end()));
  }
  std::sort(pooled.begin(), pooled.end(), [](const auto& a, const auto& b) { return a.first > b.first; });

  // Sweep candidate thresholds from the highest score down; the keep fraction grows at each one.
  // Stop at the first candidate reaching the target: the best is it or the one before.
  double best_t = 0.0, best_d = std::numeric_limits<double>::infinity();
  double free_t = 0.0, free_d = std::numeric_limits<double>::infinity();  // without limit
  long double f = 0.0L;  // running mean per-row fraction (exact up to rounding)
  for (std::size_t i = 0; i < pooled.size();) {
    const double t = pooled[i].first;
    while (i < pooled.size() && pooled[i].first == t) f += pooled[i++].second;
    const double fc = std::min(static_cast<double>(f), 1.0);  // rounding
    const double d = std::fabs(fc - target_keep);
    if (d <= free_d) {  // '<=': on a tie the lower threshold wins
      free_t = t, free_d = d;
    }
    if ((!keep_at_least_one_per_row || t <= limit) && d <= best_d) {
      best_t = t, best_d = d;
    }
    if (fc >= target_keep && (!keep_at_least_one_per_row || t <= limit)) break;
  }
  // Report the achieved fraction exactly (recomputed, not the running sum).
  res.threshold = best_t;
  res.keep_fraction = keep_fraction(rows, best_t);
  res.clamped = best_t < free_t;  // the unlimited choice was above the smallest row maximum
  res.min_row_kept = std::numeric_limits<std::uint64_t>::max();
  for (const auto& row : rows) {
    const auto kept = std::count_if(row.begin(), row.end(), [&](double s) { return s >= best_t; });
    res.min_row_kept = std::min<std::uint64_t>(res.min_row_kept, static_cast<std::uint64_t>(kept));
  }
  return res;
}

std::string ThresholdTable::set_fixed(double threshold) {
  std::string e = validate_threshold(threshold);
  if (e.empty()) fixed_ = threshold;
  return e;
}

CalibrationResult ThresholdTable::calibrate(std::uint32_t layer, std::uint32_t head, const ScoreRows& rows,
                                            double target_keep, bool keep_at_least_one_per_row) {
  CalibrationResult r = calibrate_threshold(rows, target_keep, keep_at_least_one_per_row);
  if (r.ok()) calibrated_[{layer, head}] = r.threshold;
  return r;
}

double ThresholdTable::threshold(std::uint32_t layer, std::uint32_t head) const {
  const auto it = calibrated_.find({layer, head});
  return it == calibrated_.end() ? fixed_ : it->second;
}

ThresholdPolicyKind ThresholdTable::kind(std::uint32_t layer, std::uint32_t head) const {
  return calibrated_.count({layer, head}) != 0 ? ThresholdPolicyKind::Calibrated : ThresholdPolicyKind::Fixed;
}

}  // namespace savp::sprint
