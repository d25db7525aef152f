#include "models/memory/dram_channel.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace savp::memory {

namespace {

constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

// Latency histogram: one bucket per cycle below kExact, then 64 buckets per power of two (a
// relative resolution of 1/64). Percentiles are exact below kExact.
class LatencyHistogram {
 public:
  static constexpr std::uint64_t kExact = 8192;  // 2^13
  static constexpr std::uint32_t kExactBits = 13;
  static constexpr std::uint32_t kSub = 64;

  LatencyHistogram() : counts_(kExact + (64 - kExactBits) * kSub, 0) {}

  void add(std::uint64_t v) { ++counts_[bucket(v)]; }

  // The smallest value v with at least ceil(q * n) samples <= v (upper bound of its bucket).
  std::uint64_t quantile(double q, std::uint64_t n, std::uint64_t max_value) const {
    if (n == 0) return 0;
    std::uint64_t rank = static_cast<std::uint64_t>(q * static_cast<double>(n));
    if (static_cast<double>(rank) < q * static_cast<double>(n)) ++rank;
    rank = std::max<std::uint64_t>(rank, 1);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(upper(i), max_value);
    }
    return max_value;
  }

 private:
  static std::size_t bucket(std::uint64_t v) {
    if (v < kExact) return static_cast<std::size_t>(v);
    std::uint32_t e = 63 - static_cast<std::uint32_t>(__builtin_clzll(v));
    const std::uint64_t sub = (v >> (e - 6)) & (kSub - 1);
    return static_cast<std::size_t>(kExact + (e - kExactBits) * kSub + sub);
  }
  static std::uint64_t upper(std::size_t i) {
    if (i < kExact) return i;
    const std::uint64_t k = i - kExact;
    const std::uint32_t e = static_cast<std::uint32_t>(k / kSub) + kExactBits;
    const std::uint64_t sub = k % kSub;
    const std::uint64_t lower = (kSub + sub) << (e - 6);
    return lower + (std::uint64_t{1} << (e - 6)) - 1;
  }
  std::vector<std::uint64_t> counts_;
};

}  // namespace

struct DramChannel::Impl {
  struct Bank {
    bool open = false;
    std::uint32_t row = 0;
    std::uint64_t act_ready = 0;  // earliest ACT (tRP after PRE, tRC after ACT, tRFC after REF)
    std::uint64_t pre_ready = 0;  // earliest PRE (tRAS, tRTP, tWR)
    std::uint64_t rd_ready = 0;   // earliest RD after the ACT (tRCD_RD)
    std::uint64_t wr_ready = 0;   // earliest WR after the ACT (tRCD_WR)
  };
  struct ColCmd {
    std::uint64_t t;
    std::uint32_t write;
    std::uint32_t rank;
    std::uint32_t bg;
  };
  struct ActCmd {
    std::uint64_t t;
    std::uint32_t bg;
  };
  struct Rank {
    std::uint64_t next_ref_due = 0;
    std::uint64_t ref_ready = 0;  // earliest next REF (tRFC)
    std::vector<ActCmd> acts;     // ACTs still able to constrain new ones, sorted by time
    std::size_t acts_head = 0;
    // Fast path for an ACT after every placed one: tRRD bound per bank group, the latest ACT and
    // the four latest ACT times (oldest first) for tFAW.
    std::vector<std::uint64_t> rrd_ready;
    std::uint64_t latest_act = 0;
    std::uint32_t act_count = 0;
    std::uint64_t last4[4] = {0, 0, 0, 0};
  };
  struct Entry {
    DramRequest req;
    std::uint32_t flat = 0;
  };
  struct Event {
    std::uint64_t t;
    int delta;
    bool operator>(const Event& o) const { return t > o.t; }
  };

  Impl(const DramSpec& spec, std::uint32_t index);

  // ---- timing helpers ----
  std::uint32_t relation(std::uint32_t rank_a, std::uint32_t bg_a, std::uint32_t rank_b,
                         std::uint32_t bg_b) const {
    return rank_a != rank_b ? 2u : (bg_a == bg_b ? 0u : 1u);
  }
  bool slot_busy(std::uint64_t t) const { return slots_[t & slot_mask_] == t + 1; }
  std::uint64_t next_free_slot(std::uint64_t t) const {
    while (slot_busy(t)) ++t;
    return t;
  }
  void occupy(std::uint64_t t);
  std::uint64_t first_fit_col(std::uint64_t lb, std::uint32_t write, std::uint32_t rank,
                              std::uint32_t bg) const;
  std::uint64_t first_fit_act(std::uint64_t lb, std::uint32_t rank, std::uint32_t bg) const;
  void insert_col(const ColCmd& c);
  void insert_act(std::uint32_t rank, const ActCmd& a);

  void advance(std::uint64_t t);
  void push_event(std::uint64_t t, int delta);
  void open_bank(std::uint32_t flat, std::uint32_t row, std::uint64_t a);
  void close_bank(std::uint32_t flat, std::uint64_t p);
  void refresh(std::uint32_t rank);
  bool refresh_due(std::uint64_t t) const;
  void catch_up_refresh(std::uint64_t t);

  // Earliest cycle >= lb at which the first command of e could issue; outcome by the bank state.
  std::uint64_t earliest_first(const Entry& e, std::uint64_t t0, RowOutcome& outcome);
  DramCompletion place(const DramRequest& r, std::uint32_t flat, std::uint64_t lb);
  std::uint32_t flat_of(const DramRequest& r) const;

  const DramGeometry g;
  const DramTiming tm;
  std::uint32_t index;
  std::uint32_t bc;  // burst cycles on the data bus
  std::uint32_t banks_per_rank;
  bool closed_page;
  std::uint32_t col_gap[2][2][3];  // [earlier is write][later is write][relation]
  std::uint32_t col_window = 0;    // largest column gap
  static constexpr std::uint32_t kGapLookback = 16;
  std::uint32_t act_window = 0;    // largest ACT-ACT distance that matters (tRRD_L, tFAW)
  double burst_bits;

  std::vector<Bank> banks;
  std::vector<Rank> ranks;
  std::vector<ColCmd> cols;  // column commands still able to constrain new ones, sorted by time
  std::size_t cols_head = 0;
  // Fast path for a column command after every placed one: the bound every placed command sets
  // for each (write, rank, bank group) key, and the latest column command.
  std::vector<std::uint64_t> col_ready;
  std::uint64_t latest_col = 0;
  bool any_col = false;
  std::vector<std::uint64_t> slots_;  // command-bus occupancy ring: slot holds cycle + 1
  std::uint64_t slot_mask_ = 0;

  std::uint64_t now = 0;         // no new command is placed before this cycle
  std::uint64_t latest_cmd = 0;  // the latest cycle holding a command
  bool decided_any = false;
  std::uint64_t last_decision = 0;

  // Open-bank accounting: +1 at ACT, -1 at PRE, integrated up to `now`.
  std::vector<Event> events;
  std::uint64_t ev_last = 0;
  std::int64_t open_count = 0;
  std::uint64_t open_cycles = 0;

  // Queue: entries in fixed slots, `order` holds slot indices oldest first.
  std::vector<Entry> q_slots;
  std::vector<std::uint16_t> order;
  std::vector<std::uint16_t> q_free;

  // Per-call memo of the channel-level earliest column / ACT cycle by key.
  mutable std::uint64_t epoch = 0;
  std::vector<std::uint64_t> memo_col, memo_col_epoch, memo_act, memo_act_epoch;
  mutable std::vector<std::uint64_t> faw_window;  // scratch for the tFAW check

  DramChannelStats st;
  LatencyHistogram hist;
  std::vector<DramCommand>* log = nullptr;

  void record(std::uint64_t t, DramCommandKind kind, std::uint32_t flat, std::uint32_t row,
              bool on_bus = true) {
    if (!log) return;
    DramCommand c;
    c.cycle = t;
    c.kind = kind;
    c.rank = flat / banks_per_rank;
    c.bank_group = (flat % banks_per_rank) / g.banks_per_group;
    c.bank = flat % g.banks_per_group;
    c.row = row;
    c.on_bus = on_bus;
    log->push_back(c);
  }
};

DramChannel::Impl::Impl(const DramSpec& s, std::uint32_t idx) : g(s.geometry), tm(s.timing), index(idx) {
  bc = g.burst_cycles();
  banks_per_rank = g.banks();
  closed_page = s.page_policy == PagePolicy::Closed;
  burst_bits = static_cast<double>(g.burst_bytes() * 8);
  for (std::uint32_t aw = 0; aw < 2; ++aw) {
    for (std::uint32_t bw = 0; bw < 2; ++bw) {
      for (std::uint32_t rel = 0; rel < 3; ++rel) {
        const std::int64_t lat_a = aw ? tm.WL : tm.RL;
        const std::int64_t lat_b = bw ? tm.WL : tm.RL;
        std::int64_t gap = rel == 0 ? tm.CCD_L : tm.CCD_S;
        // Data bus: the later burst starts after the earlier one ends (+ tRTW from read to write).
        gap = std::max(gap, lat_a + bc + ((!aw && bw) ? tm.RTW : 0) - lat_b);
        // Write to read in the same rank: tWTR after the end of the write data.
        if (aw && !bw && rel != 2)
          gap = std::max<std::int64_t>(gap, lat_a + bc + (rel == 0 ? tm.WTR_L : tm.WTR_S));
        gap = std::max<std::int64_t>(gap, 1);
        col_gap[aw][bw][rel] = static_cast<std::uint32_t>(gap);
        col_window = std::max(col_window, col_gap[aw][bw][rel]);
      }
    }
  }
  act_window = std::max(tm.RRD_L, tm.FAW);
  banks.assign(static_cast<std::size_t>(g.ranks) * banks_per_rank, Bank{});
  ranks.assign(g.ranks, Rank{});
  for (auto& r : ranks) {
    r.next_ref_due = tm.REFI;
    r.rrd_ready.assign(g.bank_groups, 0);
  }
  col_ready.assign(2 * g.ranks * g.bank_groups, 0);
  slots_.assign(1024, 0);
  slot_mask_ = slots_.size() - 1;
  q_slots.resize(s.queue_depth);
  order.reserve(s.queue_depth);
  for (std::uint32_t i = s.queue_depth; i-- > 0;) q_free.push_back(static_cast<std::uint16_t>(i));
  memo_col.assign(2 * g.ranks * g.bank_groups, 0);
  memo_col_epoch.assign(memo_col.size(), 0);
  memo_act.assign(g.ranks * g.bank_groups, 0);
  memo_act_epoch.assign(memo_act.size(), 0);
  st.banks.assign(banks.size(), DramBankStats{});
}

void DramChannel::Impl::occupy(std::uint64_t t) {
  if (t - now >= slots_.size()) {
    std::size_t size = slots_.size();
    while (t - now >= size) size *= 2;
    std::vector<std::uint64_t> grown(size, 0);
    for (std::uint64_t tag : slots_) {
      if (tag != 0 && tag - 1 >= now) grown[(tag - 1) & (size - 1)] = tag;
    }
    slots_.swap(grown);
    slot_mask_ = size - 1;
  }
  slots_[t & slot_mask_] = t + 1;
  latest_cmd = std::max(latest_cmd, t);
}

std::uint64_t DramChannel::Impl::first_fit_col(std::uint64_t lb, std::uint32_t write, std::uint32_t rank,
                                               std::uint32_t bg) const {
  std::uint64_t c = lb;
  // A column command fills gaps only within the last kGapLookback column windows of the schedule:
  // a request arriving far behind the placed work (temporally decoupled LT bursts issue thousands
  // at one time stamp) would otherwise walk the whole dense schedule, quadratic in the burst.
  const std::uint64_t lookback = std::uint64_t{kGapLookback} * col_window;
  if (any_col && latest_col > c + lookback) c = latest_col - lookback;
  if (!any_col || c >= latest_col) {
    // Every placed column command lies before c: only their forward bounds apply.
    c = std::max(c, col_ready[(static_cast<std::size_t>(write) * g.ranks + rank) * g.bank_groups + bg]);
    return next_free_slot(c);
  }
  for (;;) {
    bool moved = false;
    // cols is sorted by time: start at the first command that can still constrain c.
    const std::uint64_t from = c > col_window ? c - col_window : 0;
    const auto first = std::lower_bound(cols.begin() + static_cast<std::ptrdiff_t>(cols_head), cols.end(), from,
                                        [](const ColCmd& x, std::uint64_t t) { return x.t < t; });
    for (auto it = first; it != cols.end(); ++it) {
      const ColCmd& x = *it;
      if (x.t > c + col_window) break;
      const std::uint32_t rel = relation(x.rank, x.bg, rank, bg);
      if (x.t <= c) {
        const std::uint64_t need = x.t + col_gap[x.write][write][rel];
        if (need > c) {
          c = need;
          moved = true;
        }
      } else if (x.t - c < col_gap[write][x.write][rel]) {
        c = x.t + col_gap[x.write][write][rel];
        moved = true;
      }
    }
    if (slot_busy(c)) {
      ++c;
      moved = true;
    }
    if (!moved) return c;
  }
}

std::uint64_t DramChannel::Impl::first_fit_act(std::uint64_t lb, std::uint32_t rank, std::uint32_t bg) const {
  const Rank& rk = ranks[rank];
  std::uint64_t c = lb;
  if (rk.act_count == 0 || lb >= rk.latest_act) {
    // Every placed ACT of the rank lies before c: tRRD bounds and the fourth latest ACT + tFAW.
    c = std::max(c, rk.rrd_ready[bg]);
    if (rk.act_count >= 4) c = std::max<std::uint64_t>(c, rk.last4[0] + tm.FAW);
    return next_free_slot(c);
  }
  for (;;) {
    bool moved = false;
    const std::uint64_t from = c > act_window ? c - act_window : 0;
    const auto first = std::lower_bound(rk.acts.begin() + static_cast<std::ptrdiff_t>(rk.acts_head), rk.acts.end(),
                                        from, [](const ActCmd& x, std::uint64_t t) { return x.t < t; });
    for (auto it = first; it != rk.acts.end(); ++it) {
      const ActCmd& x = *it;
      if (x.t > c + act_window) break;
      const std::uint64_t gap = x.bg == bg ? tm.RRD_L : tm.RRD_S;
      if (x.t <= c) {
        if (x.t + gap > c) {
          c = x.t + gap;
          moved = true;
        }
      } else if (x.t - c < gap) {
        c = x.t + gap;
        moved = true;
      }
    }
    if (!moved) {
      // tFAW: every five consecutive ACTs of the rank span at least FAW cycles.
      std::vector<std::uint64_t>& w = faw_window;
      w.clear();
      std::size_t pos = 0;
      bool placed = false;
      const std::uint64_t faw_from = c >= tm.FAW ? c - tm.FAW + 1 : 0;
      const auto faw_first = std::lower_bound(rk.acts.begin() + static_cast<std::ptrdiff_t>(rk.acts_head),
                                              rk.acts.end(), faw_from,
                                              [](const ActCmd& x, std::uint64_t t) { return x.t < t; });
      for (auto it = faw_first; it != rk.acts.end(); ++it) {
        const std::uint64_t t = it->t;
        if (t >= c + tm.FAW) break;
        if (!placed && t > c) {
          pos = w.size();
          w.push_back(c);
          placed = true;
        }
        w.push_back(t);
      }
      if (!placed) {
        pos = w.size();
        w.push_back(c);
      }
      const std::size_t n = w.size();
      for (std::size_t s = pos >= 4 ? pos - 4 : 0; s <= pos && s + 4 < n; ++s) {
        if (w[s + 4] - w[s] < tm.FAW) {
          c = (s + 4 == pos) ? w[s] + tm.FAW : c + 1;
          moved = true;
          break;
        }
      }
    }
    if (!moved && slot_busy(c)) {
      ++c;
      moved = true;
    }
    if (!moved) return c;
  }
}

void DramChannel::Impl::insert_col(const ColCmd& c) {
  if (cols_head > 64 && cols_head * 2 > cols.size()) {
    cols.erase(cols.begin(), cols.begin() + static_cast<std::ptrdiff_t>(cols_head));
    cols_head = 0;
  }
  auto it = cols.end();
  while (it != cols.begin() + static_cast<std::ptrdiff_t>(cols_head) && (it - 1)->t > c.t) --it;
  cols.insert(it, c);
  latest_col = any_col ? std::max(latest_col, c.t) : c.t;
  any_col = true;
  std::size_t key = 0;
  for (std::uint32_t w = 0; w < 2; ++w) {
    for (std::uint32_t r = 0; r < g.ranks; ++r) {
      for (std::uint32_t bg = 0; bg < g.bank_groups; ++bg, ++key) {
        col_ready[key] = std::max(col_ready[key], c.t + col_gap[c.write][w][relation(c.rank, c.bg, r, bg)]);
      }
    }
  }
}

void DramChannel::Impl::insert_act(std::uint32_t rank, const ActCmd& a) {
  Rank& rk = ranks[rank];
  if (rk.acts_head > 64 && rk.acts_head * 2 > rk.acts.size()) {
    rk.acts.erase(rk.acts.begin(), rk.acts.begin() + static_cast<std::ptrdiff_t>(rk.acts_head));
    rk.acts_head = 0;
  }
  auto it = rk.acts.end();
  while (it != rk.acts.begin() + static_cast<std::ptrdiff_t>(rk.acts_head) && (it - 1)->t > a.t) --it;
  rk.acts.insert(it, a);
  for (std::uint32_t bg = 0; bg < g.bank_groups; ++bg) {
    rk.rrd_ready[bg] = std::max(rk.rrd_ready[bg], a.t + (bg == a.bg ? tm.RRD_L : tm.RRD_S));
  }
  rk.latest_act = rk.act_count == 0 ? a.t : std::max(rk.latest_act, a.t);
  // Keep the four latest ACT times, oldest first.
  if (rk.act_count < 4 || a.t > rk.last4[0]) {
    std::uint64_t* l = rk.last4;
    std::size_t n = std::min<std::uint32_t>(rk.act_count, 4);
    if (n == 4) {
      for (std::size_t i = 0; i < 3; ++i) l[i] = l[i + 1];
      n = 3;
    }
    std::size_t i = n;
    while (i > 0 && l[i - 1] > a.t) {
      l[i] = l[i - 1];
      --i;
    }
    l[i] = a.t;
  }
  ++rk.act_count;
}

void DramChannel::Impl::push_event(std::uint64_t t, int delta) {
  events.push_back(Event{t, delta});
  std::push_heap(events.begin(), events.end(), std::greater<Event>());
}

void DramChannel::Impl::advance(std::uint64_t t) {
  if (t <= now) return;
  now = t;
  while (!events.empty() && events.front().t < now) {
    const Event e = events.front();
    std::pop_heap(events.begin(), events.end(), std::greater<Event>());
    events.pop_back();
    if (open_count > 0) open_cycles += e.t - ev_last;
    ev_last = e.t;
    open_count += e.delta;
  }
  while (cols_head < cols.size() && cols[cols_head].t + col_window < now) ++cols_head;
  for (Rank& rk : ranks) {
    while (rk.acts_head < rk.acts.size() && rk.acts[rk.acts_head].t + act_window < now) ++rk.acts_head;
  }
}

void DramChannel::Impl::open_bank(std::uint32_t flat, std::uint32_t row, std::uint64_t a) {
  Bank& b = banks[flat];
  b.open = true;
  b.row = row;
  b.act_ready = a + tm.RC;
  b.pre_ready = a + tm.RAS;
  b.rd_ready = a + tm.RCD_RD;
  b.wr_ready = a + tm.RCD_WR;
  push_event(a, +1);
  ++st.banks[flat].activates;
  ++st.activates;
}

void DramChannel::Impl::close_bank(std::uint32_t flat, std::uint64_t p) {
  Bank& b = banks[flat];
  b.open = false;
  b.act_ready = std::max(b.act_ready, p + tm.RP);
  push_event(p, -1);
  ++st.banks[flat].precharges;
  ++st.precharges;
}

void DramChannel::Impl::refresh(std::uint32_t rank) {
  Rank& rk = ranks[rank];
  const std::uint64_t lb = std::max(now, rk.next_ref_due);
  const std::uint32_t first = rank * banks_per_rank;
  // Precharge all (one PREA) once every open bank allows it.
  std::uint64_t p = lb;
  bool any_open = false;
  for (std::uint32_t i = first; i < first + banks_per_rank; ++i) {
    if (banks[i].open) {
      any_open = true;
      p = std::max(p, banks[i].pre_ready);
    }
  }
  if (any_open) {
    p = next_free_slot(p);
    occupy(p);
    record(p, DramCommandKind::PreAll, first, 0);
    for (std::uint32_t i = first; i < first + banks_per_rank; ++i) {
      if (banks[i].open) close_bank(i, p);
    }
  }
  std::uint64_t r = std::max(lb, rk.ref_ready);
  for (std::uint32_t i = first; i < first + banks_per_rank; ++i) r = std::max(r, banks[i].act_ready);
  r = next_free_slot(r);
  occupy(r);
  record(r, DramCommandKind::Ref, first, 0);
  for (std::uint32_t i = first; i < first + banks_per_rank; ++i) {
    banks[i].act_ready = std::max(banks[i].act_ready, r + tm.RFC);
  }
  rk.ref_ready = r + tm.RFC;
  rk.next_ref_due += tm.REFI;
  ++st.refreshes;
}

bool DramChannel::Impl::refresh_due(std::uint64_t t) const {
  for (const Rank& rk : ranks) {
    if (rk.next_ref_due <= t) return true;
  }
  return false;
}

void DramChannel::Impl::catch_up_refresh(std::uint64_t t) {
  for (;;) {
    std::uint32_t best = 0;
    for (std::uint32_t r = 1; r < ranks.size(); ++r) {
      if (ranks[r].next_ref_due < ranks[best].next_ref_due) best = r;
    }
    Rank& rk = ranks[best];
    if (rk.next_ref_due > t) return;
    // After a long idle period: refreshes of a rank with every bank closed and nothing scheduled
    // after their due cycles only count; all but the last are taken at once.
    const std::uint64_t k = (t - rk.next_ref_due) / tm.REFI;
    if (k >= 2 && rk.next_ref_due > latest_cmd && rk.ref_ready <= rk.next_ref_due) {
      bool idle = true;
      const std::uint32_t first = best * banks_per_rank;
      for (std::uint32_t i = first; i < first + banks_per_rank && idle; ++i) {
        idle = !banks[i].open && banks[i].act_ready <= rk.next_ref_due;
      }
      if (idle) {
        rk.next_ref_due += k * tm.REFI;
        st.refreshes += k;
      }
    }
    advance(rk.next_ref_due);
    refresh(best);
  }
}

std::uint32_t DramChannel::Impl::flat_of(const DramRequest& r) const {
  const DramAddress& a = r.addr;
  if (a.channel != index || a.rank >= g.ranks || a.bank_group >= g.bank_groups ||
      a.bank >= g.banks_per_group || a.row >= g.rows || a.column >= g.columns / g.burst_length) {
    throw std::invalid_argument("DramChannel " + std::to_string(index) + ": request " + std::to_string(r.id) +
                                " has an address outside this channel (channel " + std::to_string(a.channel) +
                                ", rank " + std::to_string(a.rank) + ", bank group " +
                                std::to_string(a.bank_group) + ", bank " + std::to_string(a.bank) + ", row " +
                                std::to_string(a.row) + ", column " + std::to_string(a.column) + ")");
  }
  return a.flat_bank(g);
}

std::uint64_t DramChannel::Impl::earliest_first(const Entry& e, std::uint64_t t0, RowOutcome& outcome) {
  const Bank& b = banks[e.flat];
  const DramAddress& a = e.req.addr;
  const std::uint64_t lb = std::max(t0, e.req.arrival);
  if (b.open && b.row == a.row) {
    outcome = RowOutcome::Hit;
    const std::uint32_t w = e.req.write ? 1 : 0;
    const std::uint64_t bank_lb = std::max(lb, w ? b.wr_ready : b.rd_ready);
    if (lb != t0) return first_fit_col(bank_lb, w, a.rank, a.bank_group);
    const std::size_t key = (static_cast<std::size_t>(w) * g.ranks + a.rank) * g.bank_groups + a.bank_group;
    if (memo_col_epoch[key] != epoch) {
      memo_col[key] = first_fit_col(t0, w, a.rank, a.bank_group);
      memo_col_epoch[key] = epoch;
    }
    const std::uint64_t c = memo_col[key];
    return bank_lb <= c ? c : first_fit_col(bank_lb, w, a.rank, a.bank_group);
  }
  if (!b.open) {
    outcome = RowOutcome::Miss;
    const std::uint64_t bank_lb = std::max(lb, b.act_ready);
    if (lb != t0) return first_fit_act(bank_lb, a.rank, a.bank_group);
    const std::size_t key = static_cast<std::size_t>(a.rank) * g.bank_groups + a.bank_group;
    if (memo_act_epoch[key] != epoch) {
      memo_act[key] = first_fit_act(t0, a.rank, a.bank_group);
      memo_act_epoch[key] = epoch;
    }
    const std::uint64_t c = memo_act[key];
    return bank_lb <= c ? c : first_fit_act(bank_lb, a.rank, a.bank_group);
  }
  outcome = RowOutcome::Conflict;
  return next_free_slot(std::max(lb, b.pre_ready));
}

DramCompletion DramChannel::Impl::place(const DramRequest& r, std::uint32_t flat, std::uint64_t lb) {
  Bank& b = banks[flat];
  const DramAddress& a = r.addr;
  const std::uint32_t w = r.write ? 1 : 0;
  lb = std::max(lb, r.arrival);
  DramCompletion done;
  done.id = r.id;
  if (b.open && b.row == a.row) {
    done.outcome = RowOutcome::Hit;
  } else if (!b.open) {
    done.outcome = RowOutcome::Miss;
  } else {
    done.outcome = RowOutcome::Conflict;
    const std::uint64_t p = next_free_slot(std::max(lb, b.pre_ready));
    occupy(p);
    record(p, DramCommandKind::Pre, flat, b.row);
    close_bank(flat, p);
  }
  if (done.outcome != RowOutcome::Hit) {
    const std::uint64_t act = first_fit_act(std::max(lb, b.act_ready), a.rank, a.bank_group);
    occupy(act);
    insert_act(a.rank, ActCmd{act, a.bank_group});
    open_bank(flat, a.row, act);
    record(act, DramCommandKind::Act, flat, a.row);
  }
  const std::uint64_t c = first_fit_col(std::max(lb, w ? b.wr_ready : b.rd_ready), w, a.rank, a.bank_group);
  occupy(c);
  insert_col(ColCmd{c, w, a.rank, a.bank_group});
  record(c, w ? DramCommandKind::Wr : DramCommandKind::Rd, flat, a.row);
  const std::uint64_t data_end = c + (w ? tm.WL : tm.RL) + bc;
  b.pre_ready = std::max(b.pre_ready, w ? data_end + tm.WR : c + tm.RTP);
  if (closed_page) {  // auto-precharge: no command-bus slot
    record(b.pre_ready, DramCommandKind::Pre, flat, a.row, false);
    close_bank(flat, b.pre_ready);
  }

  DramBankStats& bs = st.banks[flat];
  if (w) {
    ++bs.writes;
    ++st.writes;
    st.bytes_written += g.burst_bytes();
  } else {
    ++bs.reads;
    ++st.reads;
    st.bytes_read += g.burst_bytes();
  }
  switch (done.outcome) {
    case RowOutcome::Hit:
      ++bs.row_hits;
      ++st.row_hits;
      break;
    case RowOutcome::Miss:
      ++bs.row_misses;
      ++st.row_misses;
      break;
    case RowOutcome::Conflict:
      ++bs.row_conflicts;
      ++st.row_conflicts;
      break;
  }
  st.data_bus_busy_cycles += bc;
  st.last_done = std::max(st.last_done, data_end);
  const std::uint64_t latency = data_end - r.arrival;
  ++st.latency_count;
  st.latency_sum += latency;
  st.latency_max = std::max(st.latency_max, latency);
  hist.add(latency);
  done.command = c;
  done.done = data_end;
  return done;
}

// ---------------------------------------------------------------------------------------------

DramChannel::DramChannel(const DramSpec& spec, std::uint32_t index)
    : spec_(spec), index_(index), impl_(std::make_shared<Impl>(spec, index)) {}

bool DramChannel::full() const { return impl_->order.size() >= spec_.queue_depth; }

std::size_t DramChannel::queued() const { return impl_->order.size(); }

void DramChannel::enqueue(const DramRequest& r) {
  Impl& m = *impl_;
  if (m.q_free.empty()) {
    throw std::logic_error("DramChannel " + std::to_string(index_) + ": enqueue on a full queue (depth " +
                           std::to_string(spec_.queue_depth) + ")");
  }
  const std::uint32_t flat = m.flat_of(r);
  const std::uint16_t slot = m.q_free.back();
  m.q_free.pop_back();
  m.q_slots[slot].req = r;
  m.q_slots[slot].flat = flat;
  m.order.push_back(slot);
}

std::uint64_t DramChannel::next_decision(std::uint64_t now) const {
  Impl& m = *impl_;
  if (m.order.empty()) return kNever;
  std::uint64_t t0 = std::max(now, m.now);
  if (m.decided_any) t0 = std::max(t0, m.last_decision + 1);
  std::uint64_t due = kNever;
  for (const auto& rk : m.ranks) due = std::min(due, rk.next_ref_due);
  if (due <= t0) return t0;
  ++m.epoch;
  std::uint64_t best = kNever;
  RowOutcome outcome;
  for (std::uint16_t slot : m.order) {
    best = std::min(best, m.earliest_first(m.q_slots[slot], t0, outcome));
    if (best == t0) break;
  }
  return std::min(best, due);
}

std::optional<DramCompletion> DramChannel::decide(std::uint64_t now) {
  Impl& m = *impl_;
  if (m.decided_any && now <= m.last_decision) {
    throw std::logic_error("DramChannel " + std::to_string(index_) + ": decide(" + std::to_string(now) +
                           ") after a decision at cycle " + std::to_string(m.last_decision));
  }
  if (m.refresh_due(now)) {
    m.catch_up_refresh(now);
    m.advance(now);
    m.decided_any = true;
    m.last_decision = now;
    return std::nullopt;
  }
  if (m.order.empty()) return std::nullopt;
  m.advance(now);
  const std::uint64_t t0 = std::max(now, m.now);
  ++m.epoch;
  std::size_t chosen = m.order.size(), first_now = m.order.size(), earliest_pos = 0;
  std::uint64_t earliest = kNever;
  for (std::size_t i = 0; i < m.order.size(); ++i) {
    RowOutcome outcome;
    const std::uint64_t e = m.earliest_first(m.q_slots[m.order[i]], t0, outcome);
    if (e == t0) {
      if (outcome == RowOutcome::Hit) {
        chosen = i;
        break;
      }
      if (first_now == m.order.size()) first_now = i;
    }
    if (e < earliest) {
      earliest = e;
      earliest_pos = i;
    }
  }
  if (chosen == m.order.size()) chosen = first_now != m.order.size() ? first_now : earliest_pos;
  const std::uint16_t slot = m.order[chosen];
  const Impl::Entry& e = m.q_slots[slot];
  DramCompletion c = m.place(e.req, e.flat, t0);
  m.order.erase(m.order.begin() + static_cast<std::ptrdiff_t>(chosen));
  m.q_free.push_back(slot);
  m.decided_any = true;
  m.last_decision = now;
  return c;
}

DramCompletion DramChannel::serve(const DramRequest& r) {
  Impl& m = *impl_;
  const std::uint32_t flat = m.flat_of(r);
  const std::uint64_t t = std::max(m.now, r.arrival);
  m.catch_up_refresh(t);
  m.advance(t);
  return m.place(r, flat, t);
}

void DramChannel::record_commands(std::vector<DramCommand>* log) { impl_->log = log; }

DramChannelStats DramChannel::stats(std::uint64_t end_cycle) const {
  const Impl& m = *impl_;
  DramChannelStats s = m.st;
  s.latency_p50 = m.hist.quantile(0.50, s.latency_count, s.latency_max);
  s.latency_p99 = m.hist.quantile(0.99, s.latency_count, s.latency_max);
  const DramEnergy& en = spec_.energy;
  s.energy_act_pre_pj = static_cast<double>(s.activates) * en.act_pre_pj;
  s.energy_read_pj = static_cast<double>(s.reads) * m.burst_bits * en.read_pj_per_bit;
  s.energy_write_pj = static_cast<double>(s.writes) * m.burst_bits * en.write_pj_per_bit;
  s.energy_refresh_pj = static_cast<double>(s.refreshes) * en.refresh_pj;
  // Cycles in [0, end_cycle) with at least one bank open.
  std::vector<Impl::Event> pending = m.events;
  std::sort(pending.begin(), pending.end(),
            [](const Impl::Event& a, const Impl::Event& b) { return a.t < b.t; });
  std::uint64_t open = m.open_cycles, last = m.ev_last;
  std::int64_t count = m.open_count;
  for (const auto& e : pending) {
    if (e.t >= end_cycle) break;
    if (count > 0) open += e.t - last;
    last = e.t;
    count += e.delta;
  }
  if (count > 0 && end_cycle > last) open += end_cycle - last;
  open = std::min(open, end_cycle);
  s.energy_background_pj = (static_cast<double>(open) * en.background_active_mw +
                            static_cast<double>(end_cycle - open) * en.background_precharged_mw) *
                           spec_.timing.tck_ns;
  return s;
}

}  // namespace savp::memory
