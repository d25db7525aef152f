#include "models/salo/strip_mapping.hpp"

#include <algorithm>
#include <limits>

namespace savp::salo {

// Fewest intervals of `width` consecutive steps covering every needed step (greedy from the left).
std::vector<StepInterval> cover_steps(const std::vector<StepInterval>& need, std::int64_t width) {
  std::vector<StepInterval> out;
  std::size_t k = 0;
  if (need.empty()) return out;
  std::int64_t u = need[0].first;
  for (;;) {
    const std::int64_t hi = u + width - 1;
    out.emplace_back(u, hi);
    while (k < need.size() && need[k].second <= hi) ++k;
    if (k == need.size()) break;
    u = std::max(need[k].first, hi + 1);
  }
  return out;
}

// Token order of the 2D column-strip mapping: strips of b image columns left to right, each strip
// in raster order (row by row, its b columns left to right).
std::vector<std::uint32_t> strip_order(std::uint32_t H, std::uint32_t W, std::uint32_t b) {
  std::vector<std::uint32_t> order;
  order.reserve(std::size_t{H} * W);
  for (std::uint32_t x0 = 0; x0 < W; x0 += b) {
    for (std::uint32_t y = 0; y < H; ++y) {
      for (std::uint32_t x = x0; x < std::min(W, x0 + b); ++x) order.push_back(y * W + x);
    }
  }
  return order;
}

// Position differences (key position - query position in `order`) that the non-global queries at
// positions p0 .. p0+R-1 need for their local (non-global) keys, as merged intervals.
std::vector<StepInterval> band_need(const common::AttentionPattern& p, const std::vector<std::uint8_t>& flags,
                                    const std::vector<std::uint32_t>& order,
                                    const std::vector<std::uint32_t>& pos, std::uint64_t p0, std::size_t R,
                                    std::vector<std::uint64_t>& keys) {
  std::vector<std::int64_t> steps;
  for (std::size_t r = 0; r < R; ++r) {
    const std::uint64_t i = order[p0 + r];
    if (flags[i]) continue;
    p.candidate_keys(i, order.size(), flags, keys);
    for (auto j : keys) {
      if (flags[j] || !p.allowed(i, j, flags)) continue;
      steps.push_back(static_cast<std::int64_t>(pos[j]) - static_cast<std::int64_t>(p0 + r));
    }
  }
  std::sort(steps.begin(), steps.end());
  std::vector<StepInterval> need;
  for (auto x : steps) {
    if (!need.empty() && x <= need.back().second + 1) {
      need.back().second = std::max(need.back().second, x);
    } else {
      need.emplace_back(x, x);
    }
  }
  return need;
}

StripMapping choose_strip_mapping(const common::AttentionPattern& p, const std::vector<std::uint8_t>& flags,
                                  std::uint64_t seq_len, std::uint32_t rows, std::uint32_t cols) {
  StripMapping best;
  std::vector<std::uint64_t> keys;
  std::vector<std::uint32_t> pos(seq_len);
  std::uint64_t best_tiles = std::numeric_limits<std::uint64_t>::max();
  for (std::uint32_t b = p.grid_w; b >= 1; --b) {
    auto order = strip_order(p.grid_h, p.grid_w, b);
    for (std::uint32_t x = 0; x < seq_len; ++x) pos[order[x]] = x;
    std::uint64_t tiles = 0;
    for (std::uint64_t p0 = 0; p0 < seq_len && tiles < best_tiles; p0 += rows) {
      const std::size_t R = static_cast<std::size_t>(std::min<std::uint64_t>(rows, seq_len - p0));
      tiles += cover_steps(band_need(p, flags, order, pos, p0, R, keys), cols).size();
    }
    if (tiles < best_tiles) {
      best_tiles = tiles;
      best.width = b;
      best.order = std::move(order);
      best.pos = pos;
    }
  }
  return best;
}

}  // namespace savp::salo
