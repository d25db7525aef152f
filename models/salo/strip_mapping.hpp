// Column-strip mapping of a 2D window onto SALO's diagonal array (issue 25). Pure C++.
//
// A tile row meets `cols` consecutive positions of the token order. In raster order a query's 2D
// window is window_h runs of window_w positions, one image row (W positions) apart, so one tile
// row uses at most q * window_w + min(rho, window_w) of its cols diagonals (q = cols / W,
// rho = cols % W): 15 of 32 for a 15 x 15 window on a 56-wide image. Reordering the tokens in
// strips of b image columns (strip after strip, raster inside a strip) makes the window's part in
// one strip a single run of up to window_h * b positions, which fills the diagonals far better.
// The scheduler (scheduler.hpp, Mapping2d::ColumnStrips) runs bands of `rows` consecutive
// positions of that order, each band sliced by the greedy cover of its own needed steps.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "models/common/attention_pattern.hpp"

namespace savp::salo {

using StepInterval = std::pair<std::int64_t, std::int64_t>;  // inclusive

// Fewest intervals of `width` consecutive steps covering every needed step (greedy from the left;
// optimal for a set of integers). `need`: sorted, disjoint intervals.
std::vector<StepInterval> cover_steps(const std::vector<StepInterval>& need, std::int64_t width);

// Token order with strips of b image columns (H x W image, tokens row-major): order[p] = token at
// position p.
std::vector<std::uint32_t> strip_order(std::uint32_t H, std::uint32_t W, std::uint32_t b);

// Position differences (key position - query position) that the non-global queries at positions
// p0 .. p0+R-1 of `order` need for their non-global keys, as sorted merged intervals. pos is the
// inverse of order; keys is scratch.
std::vector<StepInterval> band_need(const common::AttentionPattern& p, const std::vector<std::uint8_t>& flags,
                                    const std::vector<std::uint32_t>& order,
                                    const std::vector<std::uint32_t>& pos, std::uint64_t p0, std::size_t R,
                                    std::vector<std::uint64_t>& keys);

struct StripMapping {
  std::uint32_t width = 0;           // image columns per strip
  std::vector<std::uint32_t> order;  // order[p] = token at position p
  std::vector<std::uint32_t> pos;    // inverse of order
};

// The strip width b in 1..W whose bands of `rows` positions need the fewest local tiles (cover
// intervals of `cols`), ties to the wider strip. p must be a 2D window on seq_len = H * W tokens.
StripMapping choose_strip_mapping(const common::AttentionPattern& p, const std::vector<std::uint8_t>& flags,
                                  std::uint64_t seq_len, std::uint32_t rows, std::uint32_t cols);

}  // namespace savp::salo
