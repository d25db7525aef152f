// SPRINT spatial locality detection: see locality.hpp (shared/reference/sprint.md, SLD bullet).
#include "models/sprint/locality.hpp"

#include <stdexcept>
#include <string>

namespace savp::sprint {

std::vector<std::uint32_t> kept_indices(const std::vector<std::uint8_t>& pruning) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < pruning.size(); ++i) {
    if (pruning[i] != 0) out.push_back(static_cast<std::uint32_t>(i));
  }
  return out;
}

LocalitySplit split(const std::vector<std::uint8_t>& prev, const std::vector<std::uint8_t>& cur) {
  if (!prev.empty() && prev.size() != cur.size()) {
    throw std::invalid_argument("sprint::split: previous pruning vector has " + std::to_string(prev.size()) +
                                " entries, current has " + std::to_string(cur.size()));
  }
  LocalitySplit s;
  for (std::size_t i = 0; i < cur.size(); ++i) {
    if (cur[i] == 0) continue;
    const bool was_kept = !prev.empty() && prev[i] != 0;
    (was_kept ? s.reuse : s.fetch).push_back(static_cast<std::uint32_t>(i));
  }
  return s;
}

namespace {
double ratio(std::uint64_t num, std::uint64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}
}  // namespace

double LocalityCounters::new_fetch_fraction() const { return ratio(fetched, positions); }
double LocalityCounters::adjacent_new_fetch_fraction() const {
  return ratio(adjacent_fetched, adjacent_positions);
}
double LocalityCounters::reuse_fraction() const { return ratio(reused, kept); }

LocalitySplit LocalityDetector::next(const std::vector<std::uint8_t>& cur) {
  const bool first = prev_.empty();
  LocalitySplit s = split(prev_, cur);
  counters_.queries += 1;
  counters_.positions += cur.size();
  counters_.kept += s.fetch.size() + s.reuse.size();
  counters_.fetched += s.fetch.size();
  counters_.reused += s.reuse.size();
  if (first) {
    counters_.first_queries += 1;
  } else {
    counters_.adjacent_positions += cur.size();
    counters_.adjacent_fetched += s.fetch.size();
  }
  prev_ = cur;
  return s;
}

}  // namespace savp::sprint
