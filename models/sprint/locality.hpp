// SPRINT spatial locality detection (SLD) between the pruning vectors of consecutive queries
// (Yazdanbakhsh et al., MICRO 2022; shared/reference/sprint.md "Architecture", SLD bullet):
//   fetch = P(t) AND NOT P(t-1)   (kept now, not kept by the previous query: read from ReRAM)
//   reuse = P(t) AND P(t-1)       (kept by both: already in the on-chip K/V buffers)
// P is the binary pruning vector the in-ReRAM comparators produce (1 = key kept). Pure C++ (no
// SystemC). SLD is only the detector: whether a "reuse" token is really still resident is decided by
// the K/V buffer model (kv_buffer.hpp), which is the truth for traffic.
//
// Conventions (modelling assumptions, not from the paper):
//   - Any non-zero byte counts as "kept".
//   - An empty `prev` means there is no previous query (first query of a head): everything kept is
//     fetched. A non-empty `prev` must have the same length as `cur` (std::invalid_argument): both
//     vectors cover the same (padding-removed) key sequence.
//   - The paper quotes ~2.1 % of the sequence length newly fetched between adjacent queries
//     (sprint.md, summaries). LocalityCounters reports the new-fetch fraction both over all queries
//     and over adjacent-query transitions only (first query of each head excluded), both pooled:
//     sum of fetched tokens / sum of sequence lengths.
#pragma once

#include <cstdint>
#include <vector>

namespace savp::sprint {

struct LocalitySplit {
  std::vector<std::uint32_t> fetch;  // P(t) AND NOT P(t-1), ascending token indices
  std::vector<std::uint32_t> reuse;  // P(t) AND P(t-1), ascending token indices
};

// Indices of the non-zero entries of a pruning vector, ascending.
std::vector<std::uint32_t> kept_indices(const std::vector<std::uint8_t>& pruning);

// The SLD split of the current query's kept set. fetch and reuse are disjoint and their union is
// exactly kept_indices(cur).
LocalitySplit split(const std::vector<std::uint8_t>& prev, const std::vector<std::uint8_t>& cur);

// Cumulative over every LocalityDetector::next() since construction or reset_counters().
struct LocalityCounters {
  std::uint64_t queries = 0;             // pruning vectors seen
  std::uint64_t first_queries = 0;       // of which had no previous query (start of a head)
  std::uint64_t positions = 0;           // sum of sequence lengths over all queries
  std::uint64_t adjacent_positions = 0;  // sum of sequence lengths over non-first queries
  std::uint64_t kept = 0;                // sum of kept tokens
  std::uint64_t fetched = 0;             // sum of |fetch|
  std::uint64_t reused = 0;              // sum of |reuse|
  std::uint64_t adjacent_fetched = 0;    // sum of |fetch| over non-first queries

  // fetched / positions (0 when nothing was seen).
  double new_fetch_fraction() const;
  // adjacent_fetched / adjacent_positions: the quantity the paper's ~2.1 % refers to.
  double adjacent_new_fetch_fraction() const;
  // reused / kept: share of kept tokens SLD serves from the on-chip buffers.
  double reuse_fraction() const;
};

// Holds P(t-1) for one head (or one query stream) and applies split() query after query.
class LocalityDetector {
 public:
  // Split `cur` against the previous vector (none after construction or begin_head()), then
  // remember `cur` as the previous vector.
  LocalitySplit next(const std::vector<std::uint8_t>& cur);
  // Forget the previous vector: the next query is a first query (new head / new sequence).
  void begin_head() { prev_.clear(); }
  const LocalityCounters& counters() const { return counters_; }
  void reset_counters() { counters_ = LocalityCounters{}; }

 private:
  std::vector<std::uint8_t> prev_;
  LocalityCounters counters_;
};

}  // namespace savp::sprint
