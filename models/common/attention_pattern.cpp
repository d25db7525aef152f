#include "models/common/attention_pattern.hpp"

#include <algorithm>
#include <iterator>
#include <cstdlib>
#include <sstream>
#include <unordered_set>

namespace savp::common {

std::string AttentionPattern::describe() const {
  std::ostringstream os;
  if (is_dense() && global_tokens.empty()) {
    os << (causal ? "causal" : "dense");
    return os.str();
  }
  os << (causal ? "causal" : "bidirectional");
  if (window) os << " window=" << window << (dilation > 1 ? " dilation=" + std::to_string(dilation) : "");
  if (window_h) os << " 2d=" << window_h << "x" << window_w << " on " << grid_h << "x" << grid_w;
  if (!global_tokens.empty()) os << " globals=" << global_tokens.size();
  return os.str();
}

std::string AttentionPattern::check(std::uint64_t seq_len) const {
  if (dilation == 0) return "dilation must be >= 1";
  if (dilation > 1 && window == 0) return "dilation needs a sliding window";
  if ((window_h == 0) != (window_w == 0) || (window_h != 0 && (grid_h == 0 || grid_w == 0))) {
    return "a 2D window needs grid_h, grid_w, window_h and window_w";
  }
  if (window_h != 0 && static_cast<std::uint64_t>(grid_h) * grid_w != seq_len) {
    return "2D grid " + std::to_string(grid_h) + "x" + std::to_string(grid_w) +
           " does not hold seq_len=" + std::to_string(seq_len) + " tokens";
  }
  for (auto g : global_tokens) {
    if (g >= seq_len) {
      return "global token " + std::to_string(g) +
             " is outside the sequence (seq_len=" + std::to_string(seq_len) + ")";
    }
  }
  const std::size_t rep = first_repeated_global();
  if (rep < global_tokens.size()) {
    return "global token " + std::to_string(global_tokens[rep]) + " appears twice";
  }
  return "";
}

std::size_t AttentionPattern::first_repeated_global() const {
  std::unordered_set<std::uint32_t> seen;
  for (std::size_t i = 0; i < global_tokens.size(); ++i) {
    if (!seen.insert(global_tokens[i]).second) return i;
  }
  return global_tokens.size();
}

std::vector<std::uint8_t> AttentionPattern::global_flags(std::uint64_t seq_len) const {
  std::vector<std::uint8_t> f(seq_len, 0);
  for (auto g : global_tokens) {
    if (g < seq_len) f[g] = 1;
  }
  return f;
}

bool AttentionPattern::allowed(std::uint64_t i, std::uint64_t j,
                               const std::vector<std::uint8_t>& globals) const {
  if (causal && j > i) return false;
  if (is_dense()) return true;
  if (globals[i] || globals[j]) return true;
  if (window) {
    const std::int64_t diff = static_cast<std::int64_t>(i) - static_cast<std::int64_t>(j);
    if (diff % static_cast<std::int64_t>(dilation) == 0) {
      const std::int64_t steps = diff / static_cast<std::int64_t>(dilation);
      if (causal) {
        if (steps >= 0 && steps < static_cast<std::int64_t>(window)) return true;
      } else if (std::llabs(steps) <= static_cast<std::int64_t>(window / 2)) {
        return true;
      }
    }
  }
  if (window_h) {
    const std::int64_t ri = i / grid_w, ci = i % grid_w, rj = j / grid_w, cj = j % grid_w;
    if (std::llabs(ri - rj) <= window_h / 2 && std::llabs(ci - cj) <= window_w / 2) return true;
  }
  return false;
}

void AttentionPattern::candidate_keys(std::uint64_t i, std::uint64_t L, const std::vector<std::uint8_t>& globals,
                                      std::vector<std::uint64_t>& out) const {
  out.clear();
  if (is_dense() || globals[i]) {
    const std::uint64_t end = causal ? i + 1 : L;
    for (std::uint64_t j = 0; j < end; ++j) out.push_back(j);
    return;
  }
  // Each source is generated in ascending order, then merged: no sort on this per-query path.
  thread_local std::vector<std::uint64_t> a, b;
  a.clear();
  for (auto g : global_tokens) {
    if (g < L) a.push_back(g);
  }
  if (!std::is_sorted(a.begin(), a.end())) std::sort(a.begin(), a.end());
  b.clear();
  if (window) {
    // Exactly the window's keys (allowed() agrees): i - (window-1) d .. i when causal, otherwise
    // i -+ (window/2) d, in steps of the dilation d.
    const std::int64_t d = static_cast<std::int64_t>(dilation), ii = static_cast<std::int64_t>(i);
    const std::int64_t before = causal ? static_cast<std::int64_t>(window) - 1 : static_cast<std::int64_t>(window / 2);
    const std::int64_t after = causal ? 0 : static_cast<std::int64_t>(window / 2);
    std::int64_t lo = ii - before * d;
    if (lo < 0) lo = ii % d;  // the first in-range key of the same residue
    const std::int64_t hi = std::min<std::int64_t>(static_cast<std::int64_t>(L) - 1, ii + after * d);
    for (std::int64_t j = lo; j <= hi; j += d) b.push_back(static_cast<std::uint64_t>(j));
  }
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  if (window_h) {
    b.clear();
    const std::int64_t r = static_cast<std::int64_t>(i / grid_w), c = static_cast<std::int64_t>(i % grid_w);
    for (std::int64_t rr = std::max<std::int64_t>(0, r - window_h / 2);
         rr <= std::min<std::int64_t>(static_cast<std::int64_t>(grid_h) - 1, r + window_h / 2); ++rr) {
      for (std::int64_t cc = std::max<std::int64_t>(0, c - window_w / 2);
           cc <= std::min<std::int64_t>(static_cast<std::int64_t>(grid_w) - 1, c + window_w / 2); ++cc) {
        b.push_back(static_cast<std::uint64_t>(rr * grid_w + cc));
      }
    }
    a.assign(out.begin(), out.end());
    out.clear();
    std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  }
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace savp::common
