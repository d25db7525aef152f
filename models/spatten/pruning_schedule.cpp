// SpAtten cascade pruning schedule: linear ramp after unpruned leading layers, or an explicit
// per-layer keep list (see pruning_schedule.hpp).
#include "models/spatten/pruning_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace savp::spatten {

namespace {

constexpr double kTol = 1e-9;

std::string fmt(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace

std::uint32_t keep_count(std::uint32_t total, double f) {
  if (!(f >= 0.0 && f <= 1.0))
    throw std::invalid_argument("keep_count: pruned fraction must be in [0, 1], got " + fmt(f));
  if (total == 0) return 0;
  const double x = static_cast<double>(total) * (1.0 - f);
  const double k = std::ceil(x - kTol * std::max(1.0, x));
  if (k < 1.0) return 1;
  if (k >= static_cast<double>(total)) return total;
  return static_cast<std::uint32_t>(k);
}

std::uint32_t unpruned_layers(std::uint32_t layers, double unpruned_fraction) {
  const double x = unpruned_fraction * static_cast<double>(layers);
  const double l0 = std::ceil(x - kTol * std::max(1.0, x));
  if (l0 <= 0.0) return 0;
  if (l0 >= static_cast<double>(layers)) return layers;
  return static_cast<std::uint32_t>(l0);
}

double max_feasible_ratio(std::uint32_t layers, double unpruned_fraction) {
  if (layers == 0) return 0.0;
  const std::uint32_t n = layers - unpruned_layers(layers, unpruned_fraction);
  if (n == 0) return 0.0;
  return (static_cast<double>(n) + 1.0) / (2.0 * static_cast<double>(layers));
}

PruneSchedule PruneSchedule::make(const ScheduleSpec& s, std::uint32_t layers, std::string& error) {
  error.clear();
  PruneSchedule out;
  if (layers == 0) {
    error = "pruning schedule: the model has no layers";
    return out;
  }

  if (!s.keep.empty()) {  // explicit keep list
    if (s.keep.size() != layers) {
      error = "pruning schedule: " + std::to_string(s.keep.size()) + " keep fractions for " +
              std::to_string(layers) + " layers";
      return out;
    }
    std::vector<double> f(layers);
    std::uint32_t first = layers;
    for (std::uint32_t l = 0; l < layers; ++l) {
      const double k = s.keep[l];
      if (!(k > 0.0 && k <= 1.0)) {
        error = "pruning schedule: keep fraction of layer " + std::to_string(l) + " is " + fmt(k) +
                ", must be in (0, 1]";
        return out;
      }
      if (l > 0 && k > s.keep[l - 1]) {
        error =
            "pruning schedule: keep fractions must be non-increasing (cascade pruning never brings "
            "a token back), layer " +
            std::to_string(l) + " keeps " + fmt(k) + " > " + fmt(s.keep[l - 1]);
        return out;
      }
      f[l] = 1.0 - k;
      if (k < 1.0 && first == layers) first = l;
    }
    out.pruned_fraction = std::move(f);
    out.first_pruned_layer = first;
    return out;
  }

  const double r = s.target_ratio, u = s.unpruned_fraction;
  if (!(r >= 0.0 && r < 1.0)) {
    error = "pruning schedule: target ratio must be in [0, 1), got " + fmt(r);
    return out;
  }
  if (!(u >= 0.0 && u <= 1.0)) {
    error = "pruning schedule: unpruned fraction must be in [0, 1], got " + fmt(u);
    return out;
  }
  const std::uint32_t l0 = unpruned_layers(layers, u);
  const std::uint32_t n = layers - l0;
  out.first_pruned_layer = l0;
  out.pruned_fraction.assign(layers, 0.0);
  if (r == 0.0) {
    out.first_pruned_layer = layers;
    return out;
  }
  const std::string ctx =
      " for " + std::to_string(layers) + " layers with " + std::to_string(l0) + " unpruned leading layers";
  if (n == 0) {
    out = PruneSchedule{};
    error = "pruning schedule: target ratio " + fmt(r) + " is infeasible" + ctx +
            ": no layer is pruned, the largest feasible target is 0";
    return out;
  }
  const double f_end = r * static_cast<double>(layers) * 2.0 / (static_cast<double>(n) + 1.0);
  if (f_end >= 1.0) {
    out = PruneSchedule{};
    error = "pruning schedule: target ratio " + fmt(r) + " is infeasible" + ctx +
            ": the linear ramp would prune every token by the last layer (end fraction " + fmt(f_end) +
            "); the largest feasible target is just below " + fmt(max_feasible_ratio(layers, u)) +
            " = (n + 1) / (2 * layers), n = " + std::to_string(n) + " pruned layers";
    return out;
  }
  for (std::uint32_t l = l0; l < layers; ++l)
    out.pruned_fraction[l] = f_end * static_cast<double>(l - l0 + 1) / static_cast<double>(n);
  return out;
}

double PruneSchedule::mean() const {
  if (pruned_fraction.empty()) return 0.0;
  double sum = 0.0;
  for (double f : pruned_fraction) sum += f;
  return sum / static_cast<double>(pruned_fraction.size());
}

std::uint32_t PruneSchedule::keep(std::uint32_t layer, std::uint32_t total) const {
  if (layer >= pruned_fraction.size())
    throw std::out_of_range("PruneSchedule::keep: layer " + std::to_string(layer) + " of " +
                            std::to_string(pruned_fraction.size()));
  return keep_count(total, pruned_fraction[layer]);
}

}  // namespace savp::spatten
