// SpattenCore::Row: one query row of one head (generation, replay) or one head with all its queries
// (summarisation) in flight through the engine; private to the SpattenCore sources.
#pragma once

#include <cstdint>
#include <vector>

#include "models/spatten/spatten_core.hpp"
#include "models/spatten/spatten_timing.hpp"

namespace savp::spatten {

struct SpattenCore::Row {
  std::uint32_t layer = 0, head = 0;
  std::vector<std::uint32_t> queries;  // token positions of the queries
  std::vector<std::uint32_t> keys;     // fetched keys (ascending token indices)
  std::vector<std::uint8_t> q_raw, k_raw, lsb_raw, v_raw;
  std::vector<double> k;              // decoded keys, keys x D
  std::vector<double> v;              // decoded values, values x Dv
  std::vector<double> probs;          // the queries being scored: rows of one probability per key
  std::vector<std::uint8_t> requant;  // summarisation: per query, needs the requant step
  bool any_requant = false, lsb_done = false;
  std::vector<std::uint32_t> kept;                 // generation row: kept value indices into `keys`
  std::vector<std::uint32_t> values;               // tokens whose V is fetched (ascending)
  std::vector<double> o;                           // queries x value_dim P x V sums
  std::vector<std::uint8_t> out;                   // queries x value_dim fp32
  int key_bits = 0, value_bits = 0, lsb_bits = 0;  // replay: the trace's widths
  std::uint64_t lsb_row_bytes = 0, v_row_bytes = 0;
  RowCycles cyc;
};

}  // namespace savp::spatten
