#include "models/salo/scheduler.hpp"

#include "models/salo/strip_mapping.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace savp::salo {

namespace {

using common::AttentionPattern;
using Interval = StepInterval;

// Relative key positions (in steps of the key stride) that some query of a class may need.
std::vector<Interval> needed_steps(const AttentionPattern& p, std::int64_t class_len) {
  std::vector<Interval> v;
  const std::int64_t lim = class_len - 1;
  if (p.is_dense()) {
    v.emplace_back(-lim, p.causal ? 0 : lim);
  } else {
    if (p.window) {
      const std::int64_t w = p.window;
      if (p.causal) {
        v.emplace_back(-std::min(w - 1, lim), 0);
      } else {
        v.emplace_back(-std::min(w / 2, lim), std::min(w / 2, lim));
      }
    }
    if (p.window_h) {
      const std::int64_t H = p.grid_h, W = p.grid_w;
      const std::int64_t hh = std::min<std::int64_t>(p.window_h / 2, H - 1);
      const std::int64_t hw = std::min<std::int64_t>(p.window_w / 2, W - 1);
      for (std::int64_t dr = -hh; dr <= hh; ++dr) {
        std::int64_t lo = dr * W - hw, hi = dr * W + hw;
        if (p.causal) hi = std::min<std::int64_t>(hi, 0);
        if (lo <= hi) v.emplace_back(lo, hi);
      }
    }
  }
  std::sort(v.begin(), v.end());
  std::vector<Interval> merged;
  for (const auto& iv : v) {
    if (!merged.empty() && iv.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, iv.second);
    } else {
      merged.push_back(iv);
    }
  }
  return merged;
}

struct BufferPlan {
  std::vector<std::vector<std::uint32_t>> fetch, evict;
  std::vector<std::uint32_t> reused;
  std::uint64_t fetched = 0, needed = 0;
};

// Belady (farthest next use) replacement over a static sequence of per-tile needs.
BufferPlan plan_buffer(const std::vector<std::vector<std::uint32_t>>& needs, std::uint32_t cap,
                       std::uint64_t seq_len, const char* name, const char* key) {
  const std::size_t T = needs.size();
  BufferPlan bp;
  bp.fetch.resize(T);
  bp.evict.resize(T);
  bp.reused.assign(T, 0);
  std::vector<std::vector<std::uint32_t>> occ(seq_len);
  for (std::size_t t = 0; t < T; ++t) {
    if (cap != 0 && needs[t].size() > cap) {
      throw ScheduleError(key, std::string(name) + " buffer of " + std::to_string(cap) +
                                   " vectors cannot hold the " + std::to_string(needs[t].size()) +
                                   " vectors tile " + std::to_string(t) + " reads");
    }
    for (auto v : needs[t]) occ[v].push_back(static_cast<std::uint32_t>(t));
  }
  constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint32_t> pos(seq_len, 0);
  std::vector<std::uint64_t> next_use(seq_len, kNever);
  std::vector<std::uint8_t> on_chip(seq_len, 0);
  std::set<std::pair<std::uint64_t, std::uint32_t>> resident;
  for (std::size_t t = 0; t < T; ++t) {
    std::vector<std::uint32_t> missing;
    for (auto v : needs[t]) {
      if (on_chip[v]) {
        ++bp.reused[t];
      } else {
        missing.push_back(v);
      }
    }
    // Needed vectors on chip have next use t, the smallest key, so they are never evicted here.
    while (cap != 0 && resident.size() + missing.size() > cap) {
      auto it = std::prev(resident.end());
      bp.evict[t].push_back(it->second);
      on_chip[it->second] = 0;
      resident.erase(it);
    }
    std::sort(bp.evict[t].begin(), bp.evict[t].end());
    for (auto v : missing) {
      on_chip[v] = 1;
      next_use[v] = t;
      resident.emplace(t, v);
    }
    bp.fetch[t] = missing;
    bp.fetched += missing.size();
    bp.needed += needs[t].size();
    for (auto v : needs[t]) {
      resident.erase({next_use[v], v});
      ++pos[v];
      next_use[v] = pos[v] < occ[v].size() ? occ[v][pos[v]] : kNever;
      resident.emplace(next_use[v], v);
    }
  }
  return bp;
}

// The lists arrive as one or two ascending runs (window keys, then a global row's keys): merge
// them instead of sorting when that is the case.
std::vector<std::uint32_t> sorted_unique(std::vector<std::uint32_t> v) {
  const auto brk = std::is_sorted_until(v.begin(), v.end());
  if (brk != v.end()) {
    if (std::is_sorted(brk, v.end())) {
      std::inplace_merge(v.begin(), brk, v.end());
    } else {
      std::sort(v.begin(), v.end());
    }
  }
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

Schedule schedule(const AttentionPattern& pattern, std::uint64_t seq_len, const SchedulerConfig& cfg,
                  std::uint64_t first_query) {
  // ---- validation -------------------------------------------------------------------------------
  if (cfg.rows == 0 || cfg.cols == 0) throw ScheduleError("array", "SALO array rows and cols must be >= 1");
  if (cfg.rows > 4096 || cfg.cols > 4096) {
    throw ScheduleError("array", "SALO array rows and cols must be <= 4096");
  }
  if (seq_len == 0) throw ScheduleError("seq_len", "seq_len must be >= 1");
  if (seq_len > std::numeric_limits<std::uint32_t>::max()) {
    throw ScheduleError("seq_len", "seq_len " + std::to_string(seq_len) + " exceeds 2^32-1 tokens");
  }
  const std::string why = pattern.check(seq_len);
  if (!why.empty()) throw ScheduleError("pattern", "attention pattern: " + why);
  if (pattern.dilation > 1 && pattern.window_h != 0) {
    throw ScheduleError("pattern",
                        "SALO scheduler: a dilated window combined with a 2D window is not supported");
  }
  const auto flags = pattern.global_flags(seq_len);
  std::vector<std::uint32_t> globals;
  for (std::uint64_t i = 0; i < seq_len; ++i) {
    if (flags[i]) globals.push_back(static_cast<std::uint32_t>(i));
  }
  if (!globals.empty() && (cfg.global_rows == 0 || cfg.global_cols == 0)) {
    throw ScheduleError(
        cfg.global_rows == 0 ? "array/global_rows" : "array/global_cols",
        "pattern has " + std::to_string(globals.size()) +
            " global tokens but the array has global_rows=" + std::to_string(cfg.global_rows) +
            " global_cols=" + std::to_string(cfg.global_cols) + " (both must be >= 1)");
  }

  if (first_query >= seq_len) {
    throw ScheduleError("seq_len", "the first query (" + std::to_string(first_query) +
                                       ") must lie inside the sequence of " + std::to_string(seq_len));
  }
  if (first_query > 0 && (pattern.dilation > 1 || !globals.empty() || pattern.window_h != 0)) {
    throw ScheduleError("pattern",
                        "SALO runs the queries of a decode step on a plain sliding window or a dense "
                        "pattern; dilation, 2D windows and global tokens need every query's band");
  }
  const std::uint32_t d = pattern.dilation;
  const std::int64_t class_len = static_cast<std::int64_t>((seq_len + d - 1) / d);
  const auto need = needed_steps(pattern, class_len);
  const auto slices = cover_steps(need, cfg.cols);
  std::uint64_t bands = 0;
  for (std::uint32_t rho = 0; rho < d && rho < seq_len; ++rho) {
    const std::uint64_t n = (seq_len - rho + d - 1) / d - first_query;  // first_query > 0: d == 1
    bands += (n + cfg.rows - 1) / cfg.rows;
  }
  const double slots = static_cast<double>(bands) * static_cast<double>(slices.size()) * cfg.rows * cfg.cols;
  if (slots > static_cast<double>(1ull << 28)) {
    throw ScheduleError("pattern", "SALO schedule too large: " + std::to_string(bands) + " row bands x " +
                                       std::to_string(slices.size()) +
                                       " slices exceed 2^28 PE slots (pattern too dense for the SALO array)");
  }

  Schedule s;
  s.seq_len = seq_len;
  s.first_query = first_query;
  s.config = cfg;
  auto& tiles = s.tiles;
  auto& st = s.stats;
  st.bands = bands;
  st.slices = slices.size();

  // ---- local array and global column, band by band --------------------------------------------
  // Masks a band's tile: every allowed pair of two non-global tokens its PEs meet. False: no work.
  auto mask_tile = [&](SaloTile& t) {
    const std::size_t R = t.queries.size();
    t.mask_local.assign(R, std::vector<std::uint8_t>(cfg.cols, 0));
    bool any = false;
    for (std::size_t r = 0; r < R; ++r) {
      const std::uint32_t i = t.queries[r];
      if (flags[i]) continue;  // the global row computes this query
      for (std::size_t c = 0; c < cfg.cols; ++c) {
        const std::int64_t j = t.key_at(r, c, seq_len);
        if (j < 0 || flags[j] || !pattern.allowed(i, static_cast<std::uint64_t>(j), flags)) continue;
        t.mask_local[r][c] = 1;
        t.cols_used = std::max<std::uint32_t>(t.cols_used, static_cast<std::uint32_t>(c + 1));
        any = true;
      }
    }
    return any;
  };
  // After a band's local tiles (from tiles[first] on): its global keys and slice numbering.
  auto close_band = [&](const std::vector<std::uint32_t>& queries, std::size_t first) {
    const std::size_t R = queries.size();
    st.local_tiles += tiles.size() - first;
    // Global keys that some non-global row of the band attends, in chunks of global_cols.
    std::vector<std::uint32_t> gneed;
    for (auto g : globals) {
      for (auto i : queries) {
        if (!flags[i] && pattern.allowed(i, g, flags)) {
          gneed.push_back(g);
          break;
        }
      }
    }
    std::size_t slot = first;
    for (std::size_t k0 = 0; k0 < gneed.size(); k0 += cfg.global_cols, ++slot) {
      if (slot == tiles.size()) {
        SaloTile t;
        t.queries = queries;
        t.key_offset = 0;
        t.key_stride = d;
        t.mask_local.assign(R, std::vector<std::uint8_t>(cfg.cols, 0));
        tiles.push_back(std::move(t));
        ++st.global_col_tiles;
      }
      SaloTile& t = tiles[slot];
      const std::size_t k1 = std::min<std::size_t>(gneed.size(), k0 + cfg.global_cols);
      t.global_keys.assign(gneed.begin() + static_cast<std::ptrdiff_t>(k0),
                           gneed.begin() + static_cast<std::ptrdiff_t>(k1));
      t.mask_global.assign(R, std::vector<std::uint8_t>(t.global_keys.size(), 0));
      for (std::size_t r = 0; r < R; ++r) {
        if (flags[queries[r]]) continue;
        for (std::size_t k = 0; k < t.global_keys.size(); ++k) {
          t.mask_global[r][k] = pattern.allowed(queries[r], t.global_keys[k], flags) ? 1 : 0;
        }
      }
    }
    const std::size_t count = tiles.size() - first;
    st.passes = std::max<std::uint64_t>(st.passes, count);
    for (std::size_t k = first; k < tiles.size(); ++k) {
      tiles[k].slice = static_cast<std::uint32_t>(k - first);
      tiles[k].slices = static_cast<std::uint32_t>(count);
    }
  };
  if (pattern.window_h != 0 && cfg.mapping_2d == Mapping2d::ColumnStrips) {
    const StripMapping sm = choose_strip_mapping(pattern, flags, seq_len, cfg.rows, cfg.cols);
    const auto& order = sm.order;
    st.strip_width = sm.width;
    std::vector<std::uint64_t> keys;
    const std::int64_t span = static_cast<std::int64_t>(cfg.rows) + cfg.cols - 1;
    st.slices = 0;
    for (std::uint64_t p0 = 0; p0 < seq_len; p0 += cfg.rows) {
      const std::size_t R = static_cast<std::size_t>(std::min<std::uint64_t>(cfg.rows, seq_len - p0));
      const std::vector<std::uint32_t> queries(order.begin() + static_cast<std::ptrdiff_t>(p0),
                                               order.begin() + static_cast<std::ptrdiff_t>(p0 + R));
      const std::size_t first = tiles.size();
      const auto band_slices = cover_steps(band_need(pattern, flags, order, sm.pos, p0, R, keys), cfg.cols);
      st.slices = std::max<std::uint64_t>(st.slices, band_slices.size());
      for (const auto& sl : band_slices) {
        SaloTile t;
        t.queries = queries;
        t.key_offset = sl.second;  // in positions of the reordered sequence
        t.diagonal_cols = cfg.cols;
        t.diagonal_keys.resize(static_cast<std::size_t>(span));
        for (std::int64_t e = 0; e < span; ++e) {  // diagonal r - c = e - (cols - 1)
          const std::int64_t p = static_cast<std::int64_t>(p0) + sl.second + e - (cfg.cols - 1);
          t.diagonal_keys[static_cast<std::size_t>(e)] =
              (p >= 0 && static_cast<std::uint64_t>(p) < seq_len) ? order[static_cast<std::size_t>(p)] : -1;
        }
        if (mask_tile(t)) tiles.push_back(std::move(t));
      }
      close_band(queries, first);
    }
  } else {
    for (std::uint32_t rho = 0; rho < d && rho < seq_len; ++rho) {
      const std::uint64_t n = (seq_len - rho + d - 1) / d;
      for (std::uint64_t m0 = first_query; m0 < n; m0 += cfg.rows) {
        const std::size_t R = static_cast<std::size_t>(std::min<std::uint64_t>(cfg.rows, n - m0));
        std::vector<std::uint32_t> queries(R);
        for (std::size_t r = 0; r < R; ++r) queries[r] = static_cast<std::uint32_t>(rho + (m0 + r) * d);
        const std::size_t first = tiles.size();
        for (const auto& sl : slices) {
          SaloTile t;
          t.queries = queries;
          t.key_offset = sl.second * static_cast<std::int64_t>(d);
          t.key_stride = d;
          if (mask_tile(t)) tiles.push_back(std::move(t));
        }
        close_band(queries, first);
      }
    }
  }

  // ---- global row: keys leaving the bottom of the array, greedily assigned --------------------
  const std::size_t main_tiles = tiles.size();
  std::vector<std::vector<std::uint8_t>> remaining(globals.size());
  std::vector<std::uint64_t> left(globals.size(), 0);
  for (std::size_t g = 0; g < globals.size(); ++g) {
    remaining[g].assign(seq_len, 0);
    for (std::uint64_t j = 0; j < seq_len; ++j) {
      if (pattern.allowed(globals[g], j, flags)) {
        remaining[g][j] = 1;
        ++left[g];
      }
    }
  }
  if (!globals.empty()) {
    std::vector<std::uint32_t> bottom;
    std::vector<std::pair<std::uint64_t, std::size_t>> gain;  // (-count, g) sorted ascending
    for (std::size_t ti = 0; ti < main_tiles; ++ti) {
      SaloTile& t = tiles[ti];
      bottom.clear();
      const std::int64_t q_last =
          static_cast<std::int64_t>(t.queries[0]) + static_cast<std::int64_t>(cfg.rows - 1) * t.key_stride;
      for (std::size_t c = 0; c < cfg.cols; ++c) {
        const std::int64_t k = t.diagonal_keys.empty()
                                   ? q_last + t.key_offset - static_cast<std::int64_t>(c) * t.key_stride
                                   : t.diagonal_keys[cfg.rows - 1 + cfg.cols - 1 - c];
        if (k >= 0 && static_cast<std::uint64_t>(k) < seq_len)
          bottom.push_back(static_cast<std::uint32_t>(k));
      }
      gain.clear();
      for (std::size_t g = 0; g < globals.size(); ++g) {
        if (left[g] == 0) continue;
        std::uint64_t cnt = 0;
        for (auto k : bottom) cnt += remaining[g][k];
        if (cnt) gain.emplace_back(std::numeric_limits<std::uint64_t>::max() - cnt, g);
      }
      std::sort(gain.begin(), gain.end());
      for (std::size_t x = 0; x < gain.size() && x < cfg.global_rows; ++x) {
        const std::size_t g = gain[x].second;
        std::vector<std::uint32_t> keys;
        for (auto k : bottom) {
          if (remaining[g][k]) {
            keys.push_back(k);
            remaining[g][k] = 0;
            --left[g];
          }
        }
        std::sort(keys.begin(), keys.end());
        t.global_queries.push_back(globals[g]);
        t.global_row_keys.push_back(std::move(keys));
      }
    }
    // Extra passes: leftover keys, globals in groups of global_rows, cols keys per tile.
    std::vector<std::size_t> pending;
    for (std::size_t g = 0; g < globals.size(); ++g) {
      if (left[g]) pending.push_back(g);
    }
    for (std::size_t p0 = 0; p0 < pending.size(); p0 += cfg.global_rows) {
      const std::size_t p1 = std::min<std::size_t>(pending.size(), p0 + cfg.global_rows);
      std::vector<std::uint32_t> keys;
      for (std::uint64_t j = 0; j < seq_len; ++j) {
        for (std::size_t p = p0; p < p1; ++p) {
          if (remaining[pending[p]][j]) {
            keys.push_back(static_cast<std::uint32_t>(j));
            break;
          }
        }
      }
      for (std::size_t k0 = 0; k0 < keys.size(); k0 += cfg.cols) {
        const std::size_t k1 = std::min<std::size_t>(keys.size(), k0 + cfg.cols);
        SaloTile t;
        t.key_stride = 1;
        for (std::size_t p = p0; p < p1; ++p) {
          const std::size_t g = pending[p];
          std::vector<std::uint32_t> mine;
          for (std::size_t k = k0; k < k1; ++k) {
            if (remaining[g][keys[k]]) {
              mine.push_back(keys[k]);
              remaining[g][keys[k]] = 0;
              --left[g];
            }
          }
          if (!mine.empty()) {
            t.global_queries.push_back(globals[g]);
            t.global_row_keys.push_back(std::move(mine));
          }
        }
        tiles.push_back(std::move(t));
        ++st.global_row_tiles;
      }
    }
  }

  // ---- keys streamed, pair counts, per-tile needs ------------------------------------------------
  const std::size_t T = tiles.size();
  std::vector<std::vector<std::uint32_t>> q_need(T), kv_need(T);
  std::vector<std::int64_t> last_tile(seq_len, -1);
  for (std::size_t ti = 0; ti < T; ++ti) {
    SaloTile& t = tiles[ti];
    std::vector<std::uint32_t> streamed, q;
    for (std::size_t r = 0; r < t.queries.size(); ++r) {
      bool active = false;
      for (std::size_t c = 0; c < t.mask_local[r].size(); ++c) {
        if (!t.mask_local[r][c]) continue;
        streamed.push_back(static_cast<std::uint32_t>(t.key_at(r, c, seq_len)));
        ++st.local_pairs;
        active = true;
      }
      if (r < t.mask_global.size()) {
        for (auto m : t.mask_global[r]) {
          st.global_col_pairs += m;
          active = active || m;
        }
      }
      if (active) q.push_back(t.queries[r]);
    }
    std::vector<std::uint32_t> kv = streamed;
    for (std::size_t k = 0; k < t.global_keys.size(); ++k) {
      for (std::size_t r = 0; r < t.mask_global.size(); ++r) {
        if (t.mask_global[r][k]) {
          kv.push_back(t.global_keys[k]);
          break;
        }
      }
    }
    for (std::size_t g = 0; g < t.global_queries.size(); ++g) {
      q.push_back(t.global_queries[g]);
      st.global_row_pairs += t.global_row_keys[g].size();
      streamed.insert(streamed.end(), t.global_row_keys[g].begin(), t.global_row_keys[g].end());
      kv.insert(kv.end(), t.global_row_keys[g].begin(), t.global_row_keys[g].end());
    }
    t.keys_streamed = sorted_unique(std::move(streamed));
    q_need[ti] = sorted_unique(std::move(q));
    kv_need[ti] = sorted_unique(std::move(kv));
    for (auto v : q_need[ti]) last_tile[v] = static_cast<std::int64_t>(ti);
  }

  // ---- memory plan --------------------------------------------------------------------------------
  const BufferPlan qp = plan_buffer(q_need, cfg.q_buffer_vectors, seq_len, "Q", "buffers/q_vectors");
  const BufferPlan kp = plan_buffer(kv_need, cfg.k_buffer_vectors, seq_len, "K", "buffers/k_vectors");
  const BufferPlan vp = plan_buffer(kv_need, cfg.v_buffer_vectors, seq_len, "V", "buffers/v_vectors");
  s.traffic.resize(T);
  for (std::size_t ti = 0; ti < T; ++ti) {
    TileTraffic& tr = s.traffic[ti];
    tr.q_fetch = qp.fetch[ti];
    tr.k_fetch = kp.fetch[ti];
    tr.v_fetch = vp.fetch[ti];
    tr.q_evict = qp.evict[ti];
    tr.k_evict = kp.evict[ti];
    tr.v_evict = vp.evict[ti];
    tr.q_needed = static_cast<std::uint32_t>(q_need[ti].size());
    tr.k_needed = tr.v_needed = static_cast<std::uint32_t>(kv_need[ti].size());
    tr.q_reused = qp.reused[ti];
    tr.k_reused = kp.reused[ti];
    tr.v_reused = vp.reused[ti];
  }
  for (std::uint64_t i = 0; i < seq_len; ++i) {
    if (last_tile[i] >= 0)
      s.traffic[static_cast<std::size_t>(last_tile[i])].out_write.push_back(static_cast<std::uint32_t>(i));
  }

  // ---- statistics -------------------------------------------------------------------------------
  st.tiles = T;
  const std::uint64_t n_glob = globals.size();
  st.global_row_passes = n_glob ? (n_glob + cfg.global_rows - 1) / cfg.global_rows : 0;
  st.global_col_passes = n_glob ? (n_glob + cfg.global_cols - 1) / cfg.global_cols : 0;
  const double local_slots = static_cast<double>(T) * cfg.rows * cfg.cols;
  const double all_slots = static_cast<double>(T) * (static_cast<double>(cfg.rows) * cfg.cols +
                                                     static_cast<double>(cfg.global_rows) * cfg.cols +
                                                     static_cast<double>(cfg.global_cols) * cfg.rows);
  st.utilisation = T ? static_cast<double>(st.local_pairs) / local_slots : 0.0;
  st.utilisation_all_pes =
      T ? static_cast<double>(st.local_pairs + st.global_col_pairs + st.global_row_pairs) / all_slots : 0.0;
  st.q_fetched = qp.fetched;
  st.k_fetched = kp.fetched;
  st.v_fetched = vp.fetched;
  st.q_needed = qp.needed;
  st.k_needed = kp.needed;
  st.v_needed = vp.needed;
  st.kv_no_reuse = st.local_pairs + st.global_col_pairs + st.global_row_pairs;

  std::ostringstream os;
  os << pattern.describe() << " on " << seq_len << " tokens, " << cfg.rows << "x" << cfg.cols << " array: ";
  if (first_query > 0) os << "queries " << first_query << ".." << seq_len - 1 << " only (decode), ";
  if (d > 1) os << d << " dilation classes (queries reordered by i mod " << d << "), ";
  os << bands << " row bands x " << st.slices << " slices of " << cfg.cols << " key diagonals";
  if (!slices.empty() && st.strip_width == 0)
    os << " (steps " << slices.front().first << ".." << slices.back().second << ")";
  if (pattern.window_h && st.strip_width) {
    os << ", 2D window in column strips of " << st.strip_width
       << " image columns (queries and keys reordered strip by strip)";
  } else if (pattern.window_h) {
    os << ", 2D window row-major: " << need.size() << " key segments per query";
  }
  os << "; " << T << " tiles (" << st.global_col_tiles << " global-column-only, " << st.global_row_tiles
     << " global-row-only), local utilisation " << st.utilisation;
  s.mapping = os.str();
  return s;
}

std::string check_coverage(const Schedule& s, const AttentionPattern& pattern, std::uint64_t first_query) {
  const std::uint64_t L = s.seq_len;
  const auto flags = pattern.global_flags(L);
  std::vector<std::uint8_t> cnt(L * L, 0);
  auto hit = [&](std::uint64_t i, std::uint64_t j, const char* who, std::size_t t) -> std::string {
    if (i >= L || j >= L) return std::string(who) + " pair outside the sequence in tile " + std::to_string(t);
    if (++cnt[i * L + j] > 1) {
      return "pair (" + std::to_string(i) + ", " + std::to_string(j) + ") computed twice (" + who +
             ", tile " + std::to_string(t) + ")";
    }
    return "";
  };
  for (std::size_t ti = 0; ti < s.tiles.size(); ++ti) {
    const SaloTile& t = s.tiles[ti];
    for (std::size_t r = 0; r < t.queries.size(); ++r) {
      if (t.diagonal_keys.empty() &&
          t.queries[r] != static_cast<std::uint64_t>(t.queries[0]) + r * t.key_stride) {
        return "tile " + std::to_string(ti) + ": rows are not one key stride apart";
      }
      for (std::size_t c = 0; c < t.mask_local[r].size(); ++c) {
        if (!t.mask_local[r][c]) continue;
        const std::int64_t j = t.key_at(r, c, L);
        if (j < 0) return "tile " + std::to_string(ti) + ": masked-in PE outside the sequence";
        auto e = hit(t.queries[r], static_cast<std::uint64_t>(j), "local", ti);
        if (!e.empty()) return e;
      }
      if (r < t.mask_global.size()) {
        for (std::size_t k = 0; k < t.global_keys.size(); ++k) {
          if (!t.mask_global[r][k]) continue;
          auto e = hit(t.queries[r], t.global_keys[k], "global column", ti);
          if (!e.empty()) return e;
        }
      }
    }
    for (std::size_t g = 0; g < t.global_queries.size(); ++g) {
      for (auto j : t.global_row_keys[g]) {
        auto e = hit(t.global_queries[g], j, "global row", ti);
        if (!e.empty()) return e;
      }
    }
  }
  for (std::uint64_t i = 0; i < L; ++i) {
    for (std::uint64_t j = 0; j < L; ++j) {
      const bool want = i >= first_query && pattern.allowed(i, j, flags);
      if (want != (cnt[i * L + j] == 1)) {
        return "pair (" + std::to_string(i) + ", " + std::to_string(j) + ") " +
               (want ? "allowed but never computed" : "computed but not allowed");
      }
    }
  }
  return "";
}

}  // namespace savp::salo
