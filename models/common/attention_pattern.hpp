// AttentionPattern: which keys a query may attend to. One vocabulary for every engine: dense,
// causal, and the hybrid sparse patterns of Longformer/ViL that SALO runs (sliding window,
// dilated window, global tokens, 2D local window on an H x W token grid), combinable. The mask
// semantics defined here are the ones the double-precision reference applies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace savp::common {

struct AttentionPattern {
  bool causal = false;
  // Sliding window: total width in keys (0 = no 1D window). Non-causal: |i - j| <= w/2 in the
  // dilated index space; causal: 0 <= i - j < w (dilated).
  std::uint32_t window = 0;
  // Dilation of the sliding window: keys at distance multiple of `dilation` only.
  std::uint32_t dilation = 1;
  // Global tokens: attend to and are attended by every token.
  std::vector<std::uint32_t> global_tokens;
  // 2D local window on a grid_h x grid_w grid (tokens row-major); 0 = none.
  std::uint32_t grid_h = 0, grid_w = 0, window_h = 0, window_w = 0;

  // Dense (every key allowed, subject only to causality) when no local structure is given.
  bool is_dense() const { return window == 0 && window_h == 0; }
  std::string describe() const;
  // Validates against a sequence length; returns an empty string when consistent, else why not.
  // A global token listed twice is refused (it would be fetched and priced twice by an engine).
  std::string check(std::uint64_t seq_len) const;
  // Index in global_tokens of the first entry that repeats an earlier one; global_tokens.size()
  // when every entry is distinct.
  std::size_t first_repeated_global() const;

  // Precomputed global-token flags for a sequence length (fast allowed()).
  std::vector<std::uint8_t> global_flags(std::uint64_t seq_len) const;
  bool allowed(std::uint64_t i, std::uint64_t j, const std::vector<std::uint8_t>& globals) const;
  // Keys query i may attend, as a sorted superset of the allowed ones (allowed() decides): the
  // window's and 2D window's neighbourhoods plus the global tokens, or every key when the pattern
  // is dense or i is global. Lets sparse references run in O(L x window) instead of O(L^2).
  void candidate_keys(std::uint64_t i, std::uint64_t seq_len, const std::vector<std::uint8_t>& globals,
                      std::vector<std::uint64_t>& out) const;
};

}  // namespace savp::common
