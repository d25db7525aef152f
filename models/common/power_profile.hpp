// PowerProfile: the run's energy placed on simulated time, per component, in bins of one width
// (outputs.power, power.csv). Components are named as in stats.json's energy_by_component_pj.
// Dynamic energy arrives from the components that spend it, each at the time the model gives it:
// at an instant (a DRAM command, a bus transfer) or spread uniformly over an interval (an engine
// step's compute interval, an SRAM access from arrival to completion). Static energy is leakage
// power (W) x the time a component is powered: the whole run, or only given intervals (power
// gating); it is integrated over the bins at the end. The bins' sum equals the energy put in (each
// spread is split so its parts add up to it). The number of bins is bounded (kMaxBins): past it
// every bin is widened by doubling (pairs merged), as trace.json's counter tracks are.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace savp::common {

struct PowerTable {
  double bin_ns = 0.0;
  std::size_t bins = 0;
  std::vector<std::string> components;          // sorted by name
  std::vector<std::vector<double>> dynamic_pj;  // [component][bin]
  std::vector<std::vector<double>> static_pj;   // [component][bin]
  // Total power (W) of bin b: every component's dynamic and static energy / bin width.
  double total_w(std::size_t bin) const;
  double energy_pj(std::size_t component) const;  // dynamic + static over every bin
  double end_ns() const { return bin_ns * static_cast<double>(bins); }
};

class PowerProfile {
 public:
  static constexpr std::size_t kMaxBins = std::size_t{1} << 18;
  explicit PowerProfile(double bin_ns);

  // A component's index, created on first use.
  int component(const std::string& name);
  // Dynamic energy at one instant.
  void add_at(int component, double t_ns, double pj);
  // Dynamic energy spread uniformly over [t0_ns, t1_ns) (at t0_ns when the interval is empty).
  void add_over(int component, double t0_ns, double t1_ns, double pj);
  // Adds a part of a component's leakage power, powered over [0, end of the run) when `powered` is
  // empty, else only over the given [start_ns, end_ns) intervals (power gating: a gated engine's
  // logic; its SRAM, which holds state, stays powered as a second part).
  void add_leakage(int component, double watts, std::vector<std::pair<double, double>> powered = {});

  double bin_ns() const { return bin_ns_; }
  double latest_ns() const { return latest_ns_; }  // latest time energy was put at
  // The bins over [0, max(end_ns, latest_ns())), static energy integrated.
  PowerTable finish(double end_ns) const;

 private:
  void widen_until(std::size_t bin_needed);
  std::vector<double>& bins_of(int component, std::size_t bin);
  double bin_ns_;
  double latest_ns_ = 0.0;
  std::map<std::string, int> ids_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> dynamic_pj_;
  struct Leakage {
    double watts = 0.0;
    std::vector<std::pair<double, double>> powered;
  };
  std::vector<std::vector<Leakage>> leakage_;  // [component][part]
};

// power.csv: one row per bin, bin_start_ns, bin_end_ns, then "<component> dynamic_w" for every
// component, then "<component> static_w" for every component, then total_w.
std::string power_csv(const PowerTable& table);

}  // namespace savp::common
