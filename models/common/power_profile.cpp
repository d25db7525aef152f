#include "models/common/power_profile.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace savp::common {

namespace {

// 1 pJ per ns is 1 mW.
constexpr double kWattPerPjPerNs = 1e-3;

// Merges pairs of bins (doubling their width) of every series.
void merge_pairs(std::vector<std::vector<double>>& series) {
  for (auto& bins : series) {
    for (std::size_t i = 0; i < bins.size(); ++i) {
      if (i % 2 == 0) {
        bins[i / 2] = bins[i];
      } else {
        bins[i / 2] += bins[i];
      }
    }
    bins.resize((bins.size() + 1) / 2);
  }
}

// Index of the last bin with a positive overlap with [.., t_ns) (t_ns > 0).
std::size_t last_bin(double t_ns, double bin_ns) {
  const double b = std::ceil(t_ns / bin_ns) - 1.0;
  return b < 0 ? 0 : static_cast<std::size_t>(b);
}

// Adds pj spread uniformly over [t0, t1) (t1 > t0 >= 0) to bins of width bin_ns; the parts add up
// to pj (the last takes the remainder).
void spread(std::vector<double>& bins, double bin_ns, double t0, double t1, double pj) {
  const auto b0 = static_cast<std::size_t>(t0 / bin_ns);
  const std::size_t b1 = std::max(b0, last_bin(t1, bin_ns));
  if (bins.size() <= b1) bins.resize(b1 + 1, 0.0);
  double given = 0.0;
  for (std::size_t b = b0; b < b1; ++b) {
    const double lo = std::max(t0, static_cast<double>(b) * bin_ns);
    const double hi = std::min(t1, static_cast<double>(b + 1) * bin_ns);
    const double part = hi > lo ? pj * (hi - lo) / (t1 - t0) : 0.0;
    bins[b] += part;
    given += part;
  }
  bins[b1] += pj - given;
}

}  // namespace

double PowerTable::total_w(std::size_t bin) const {
  double pj = 0.0;
  for (std::size_t c = 0; c < components.size(); ++c) pj += dynamic_pj[c][bin] + static_pj[c][bin];
  return pj / bin_ns * kWattPerPjPerNs;
}

double PowerTable::energy_pj(std::size_t component) const {
  double pj = 0.0;
  for (std::size_t b = 0; b < bins; ++b) pj += dynamic_pj[component][b] + static_pj[component][b];
  return pj;
}

PowerProfile::PowerProfile(double bin_ns) : bin_ns_(bin_ns) {
  if (!(bin_ns > 0.0) || !std::isfinite(bin_ns))
    throw std::invalid_argument("PowerProfile: bin width must be > 0");
}

int PowerProfile::component(const std::string& name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  const int id = static_cast<int>(names_.size());
  ids_.emplace(name, id);
  names_.push_back(name);
  dynamic_pj_.emplace_back();
  leakage_.emplace_back();
  return id;
}

void PowerProfile::widen_until(std::size_t bin_needed) {
  while (bin_needed >= kMaxBins) {
    merge_pairs(dynamic_pj_);
    bin_ns_ *= 2;
    bin_needed /= 2;
  }
}

void PowerProfile::add_at(int component, double t_ns, double pj) {
  t_ns = std::max(0.0, t_ns);
  latest_ns_ = std::max(latest_ns_, t_ns);
  widen_until(static_cast<std::size_t>(t_ns / bin_ns_));
  const auto b = static_cast<std::size_t>(t_ns / bin_ns_);
  std::vector<double>& bins = dynamic_pj_[static_cast<std::size_t>(component)];
  if (bins.size() <= b) bins.resize(b + 1, 0.0);
  bins[b] += pj;
}

void PowerProfile::add_over(int component, double t0_ns, double t1_ns, double pj) {
  t0_ns = std::max(0.0, t0_ns);
  if (!(t1_ns > t0_ns)) {
    add_at(component, t0_ns, pj);
    return;
  }
  latest_ns_ = std::max(latest_ns_, t1_ns);
  widen_until(last_bin(t1_ns, bin_ns_));
  spread(dynamic_pj_[static_cast<std::size_t>(component)], bin_ns_, t0_ns, t1_ns, pj);
}

void PowerProfile::add_leakage(int component, double watts, std::vector<std::pair<double, double>> powered) {
  leakage_[static_cast<std::size_t>(component)].push_back(Leakage{watts, std::move(powered)});
}

PowerTable PowerProfile::finish(double end_ns) const {
  double end = std::max(end_ns, latest_ns_);
  for (const auto& parts : leakage_) {
    for (const Leakage& l : parts) {
      for (const auto& [a, b] : l.powered) end = std::max(end, b);
    }
  }
  PowerTable t;
  t.bin_ns = bin_ns_;
  std::vector<std::vector<double>> dyn = dynamic_pj_;
  std::size_t bins = end > 0 ? last_bin(end, t.bin_ns) + 1 : 0;
  while (bins > kMaxBins) {  // static intervals past the widest dynamic energy
    merge_pairs(dyn);
    t.bin_ns *= 2;
    bins = last_bin(end, t.bin_ns) + 1;
  }
  for (const auto& d : dyn) bins = std::max(bins, d.size());
  t.bins = bins;
  // A bin wider than the whole run is the run: its power is the run's energy over the run's time,
  // not over the unused rest of the bin (else the peak would sit below the average).
  if (bins == 1 && end > 0 && t.bin_ns > end) t.bin_ns = std::round(end * 1e3) / 1e3;  // whole ps
  // Components in name order (as stats.json's energy_by_component_pj).
  std::vector<std::size_t> order(names_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names_[a] < names_[b]; });
  for (std::size_t i : order) {
    t.components.push_back(names_[i]);
    std::vector<double> d = dyn[i];
    d.resize(bins, 0.0);
    t.dynamic_pj.push_back(std::move(d));
    std::vector<double> s(bins, 0.0);
    for (const Leakage& l : leakage_[i]) {
      if (l.watts == 0.0) continue;
      const double pj_per_ns = l.watts / kWattPerPjPerNs;
      const std::vector<std::pair<double, double>> powered =
          l.powered.empty() ? std::vector<std::pair<double, double>>{{0.0, end_ns}} : l.powered;
      for (const auto& [a, b] : powered) {
        if (b > a) spread(s, t.bin_ns, std::max(0.0, a), b, pj_per_ns * (b - std::max(0.0, a)));
      }
    }
    t.static_pj.push_back(std::move(s));
  }
  return t;
}

std::string power_csv(const PowerTable& t) {
  std::ostringstream os;
  os << std::setprecision(15);
  os << "bin_start_ns,bin_end_ns";
  for (const auto& c : t.components) os << "," << c << ".dynamic_w";
  for (const auto& c : t.components) os << "," << c << ".static_w";
  os << ",total_w\n";
  const double to_w = kWattPerPjPerNs / t.bin_ns;
  for (std::size_t b = 0; b < t.bins; ++b) {
    os << static_cast<double>(b) * t.bin_ns << "," << static_cast<double>(b + 1) * t.bin_ns;
    for (std::size_t c = 0; c < t.components.size(); ++c) os << "," << t.dynamic_pj[c][b] * to_w;
    for (std::size_t c = 0; c < t.components.size(); ++c) os << "," << t.static_pj[c][b] * to_w;
    os << "," << t.total_w(b) << "\n";
  }
  return os.str();
}

}  // namespace savp::common
