// SpAtten cascade pruning schedule: how many of the ORIGINAL tokens (or heads) survive each layer.
// Source: ../reference/spatten.md "Per-layer schedule used in the evaluation" (Wang, Zhang, Han,
// HPCA 2021): the first 15 % of layers are not token-pruned, the first 30 % not head-pruned, and the
// later layers ramp linearly to an end ratio chosen so that the mean over all layers is the target.
//
// Ramp (our concrete form of the reference's "linear ramp whose mean is the target"): with L layers,
// l0 = ceil(unpruned_fraction * L) unpruned leading layers and n = L - l0 pruned layers,
//   f_l = 0                                for l < l0,
//   f_l = f_end * (l - l0 + 1) / n         for l >= l0   (the ramp starts one step above 0),
//   f_end = 2 * r * L / (n + 1)            so that mean_l f_l = r exactly.
// f_l is cumulative: the fraction of the original count pruned by the END of layer l (cascade
// pruning never brings a token or head back, so f is non-decreasing). Feasible iff f_end < 1, i.e.
// r < (n + 1) / (2 L); n == 0 allows only r == 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace savp::spatten {

struct ScheduleSpec {
  double target_ratio = 0.0;        // r: mean over all layers of the pruned fraction, in [0, 1)
  double unpruned_fraction = 0.15;  // leading layers left unpruned: 0.15 tokens, 0.30 heads; [0, 1]
  // Explicit per-layer KEEP fractions (of the original count, after each layer); when non-empty it
  // overrides target_ratio / unpruned_fraction. Each in (0, 1], non-increasing, one per layer.
  std::vector<double> keep;
};

// Kept count for a pruned fraction f in [0, 1] of `total`: max(1, ceil(total * (1 - f))), i.e.
// pruning rounds DOWN (never prunes more than the fraction asks) and never removes the last one.
// The product is computed with a relative tolerance of 1e-9 so that floating-point noise on an exact
// product (100 * (1 - 0.3) = 70.000...01) does not add one. total == 0 gives 0. f outside [0, 1] or
// NaN throws std::invalid_argument.
std::uint32_t keep_count(std::uint32_t total, double f);

struct PruneSchedule {
  std::vector<double> pruned_fraction;   // per layer, cumulative, non-decreasing, each < 1
  std::uint32_t first_pruned_layer = 0;  // l0: first layer with a non-zero pruned fraction (or the
                                         // ramp's start); == layers() when nothing is pruned

  // Builds the schedule for `layers` layers. On an invalid or infeasible spec returns an empty
  // schedule and sets `error` (for an infeasible target the message states the largest feasible
  // one); on success clears `error`.
  static PruneSchedule make(const ScheduleSpec& s, std::uint32_t layers, std::string& error);

  std::uint32_t layers() const { return static_cast<std::uint32_t>(pruned_fraction.size()); }
  // Mean of pruned_fraction over all layers (0 for an empty schedule).
  double mean() const;
  // keep_count(total, pruned_fraction[layer]): the survivors after `layer` of `total` originals.
  // std::out_of_range for a layer past the end.
  std::uint32_t keep(std::uint32_t layer, std::uint32_t total) const;
};

// Largest target ratio (exclusive bound) the linear ramp can reach: (n + 1) / (2 L), with n the
// number of pruned layers; 0 when n == 0 or layers == 0.
double max_feasible_ratio(std::uint32_t layers, double unpruned_fraction);
// ceil(unpruned_fraction * layers), with a 1e-9 tolerance (0.3 * 10 is 3, not 4), clamped to layers.
std::uint32_t unpruned_layers(std::uint32_t layers, double unpruned_fraction);

}  // namespace savp::spatten
