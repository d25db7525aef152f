// SPRINT in-memory pruning threshold policies (Yazdanbakhsh et al., MICRO 2022;
// shared/reference/sprint.md "Architecture": each ReRAM column current is compared against a
// threshold by a 1-bit analog comparator; "Pruning thresholds ... are learned per layer ... Without
// trained thresholds a model needs a threshold policy (fixed value, or calibrated per head to a target
// keep ratio)"). Pure C++ (no SystemC). SPRINT's learned thresholds are not available: both policies
// here are MODELLING ASSUMPTIONS standing in for them, and the caller must report the accuracy effect.
//
// Comparator (ASSUMPTION): a key is kept iff its analog score >= threshold (a tie keeps the key).
//
// (a) Fixed: one finite threshold for every (layer, head).
// (b) Calibrated per (layer, head) to a target keep ratio r in (0, 1] on calibration data: rows of
//     analog scores, one row per calibration query, one score per key of that query (rows may differ
//     in length, e.g. causal attention). The keep fraction of a threshold T is the MEAN over rows of
//     (keys of the row with score >= T) / (keys of the row). Candidate thresholds are the distinct
//     pooled score values (a quantile of the pooled scores): the keep fraction only changes there,
//     and all scores equal to the threshold are kept together (ties are never split). The candidate
//     whose keep fraction is closest to r is returned; on a tie in distance (up to floating-point
//     rounding) the lower threshold (more keys kept, the accuracy-safe side) wins. "Keep nothing" is never a
//     candidate. With keep_at_least_one_per_row (default on), candidates are limited to T <= the smallest row
//     maximum, so every calibration query keeps at least one key (softmax over an empty set is
//     undefined); the achieved fraction may then exceed r, and CalibrationResult says so.
//     With equal row lengths n and R rows the result is within 1 / (2 n R) of r when all scores are
//     distinct and the one-per-row limit does not bind.
// Errors are returned as strings (empty = ok) for the caller to report: a target outside (0, 1] or
// not finite, a non-finite threshold, no rows, an empty row, a non-finite score.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace savp::sprint {

using ScoreRows = std::vector<std::vector<double>>;

// "" when ok, else what is wrong.
std::string validate_threshold(double threshold);
std::string validate_keep_ratio(double target_keep);
std::string validate_scores(const ScoreRows& rows);

// The comparator outputs of one query: 1 where score >= threshold.
std::vector<std::uint8_t> prune(const std::vector<double>& scores, double threshold);

// Mean over rows of the kept fraction of the row (0 for no rows; empty rows are skipped).
double keep_fraction(const ScoreRows& rows, double threshold);

struct CalibrationResult {
  double threshold = 0;            // kept iff score >= threshold
  double keep_fraction = 0;        // achieved on the calibration rows (mean per-row fraction)
  std::uint64_t min_row_kept = 0;  // fewest keys any calibration row keeps
  bool clamped = false;  // the one-per-row limit raised the keep fraction above the unlimited choice
  std::string error;     // empty when ok (then the other fields are meaningful)
  bool ok() const { return error.empty(); }
};

CalibrationResult calibrate_threshold(const ScoreRows& rows, double target_keep,
                                      bool keep_at_least_one_per_row = true);

enum class ThresholdPolicyKind { Fixed, Calibrated };

// The per-(layer, head) thresholds one run uses: a fixed default for every (layer, head), replaced by
// calibrated values where calibrate() was called.
class ThresholdTable {
 public:
  // Starts as Fixed with threshold 0.
  ThresholdTable() = default;
  // Sets the fixed default ("" or the error; on error nothing changes).
  std::string set_fixed(double threshold);
  // Calibrates one (layer, head); on error nothing is stored and result.error says why.
  CalibrationResult calibrate(std::uint32_t layer, std::uint32_t head, const ScoreRows& rows,
                              double target_keep, bool keep_at_least_one_per_row = true);
  // The calibrated value for (layer, head), else the fixed default.
  double threshold(std::uint32_t layer, std::uint32_t head) const;
  ThresholdPolicyKind kind(std::uint32_t layer, std::uint32_t head) const;
  double fixed() const { return fixed_; }

 private:
  double fixed_ = 0.0;
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> calibrated_;
};

}  // namespace savp::sprint
