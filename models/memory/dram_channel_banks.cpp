// DramChannel, the bank state machine and its statistics: the timing state's construction, the
// first-fit search for ACTs (tRRD, tFAW), placed commands' bookkeeping, bank open/close and
// background-time accounting, refresh, and the statistics snapshot. The queues, the scheduler and
// command placement are in dram_channel.cpp.
#include "models/memory/dram_channel_impl.hpp"

namespace savp::memory {

DramChannel::Impl::Impl(const DramSpec& s, std::uint32_t idx)
    : g(s.geometry),
      tm(s.timing),
      index(idx),
      col_forbid(std::size_t{2} * s.geometry.ranks * (s.geometry.bank_groups + 1) + 2, 16) {
  bc = g.burst_cycles();
  bursts_per_row = g.columns / g.burst_length;
  banks_per_rank = g.banks();
  closed_page = s.page_policy == PagePolicy::Closed;
  burst_bytes = g.burst_bytes();
  burst_bits = static_cast<double>(burst_bytes * 8);
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
  for (std::uint32_t aw = 0; aw < 2; ++aw) {
    col_after[aw] = ~0u;
    for (std::uint32_t bw = 0; bw < 2; ++bw) {
      for (std::uint32_t rel = 0; rel < 3; ++rel)
        col_after[aw] = std::min(col_after[aw], col_gap[aw][bw][rel]);
    }
  }
  act_window = std::max(tm.RRD_L, tm.FAW);
  lookback = std::uint64_t{kGapLookback} * col_window;
  for (std::uint32_t xw = 0; xw < 2; ++xw) {
    for (std::uint32_t w = 0; w < 2; ++w) {
      for (std::uint32_t rel = 0; rel < 3; ++rel) {
        ForbidSpan& f = forbid_span[xw][w][rel];
        f.back = col_gap[w][xw][rel] - 1;  // a command of kind w before x needs the gap [w][xw]
        f.len = col_gap[w][xw][rel] + col_gap[xw][w][rel] - 1;
        f.mask = f.len >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << f.len) - 1;
      }
    }
  }
  for (std::uint32_t i = 0; i < 6; ++i) {
    const std::uint32_t rel = i % 3;
    if ((rel == 1 && g.bank_groups == 1) || (rel == 2 && g.ranks == 1)) continue;
    forbid_pick[forbid_n++] = i;
  }
  col_masks_fit = col_window <= 32;  // then back < col_window and back + len <= 2 col_window - 1
  if (col_masks_fit) {
    for (std::uint32_t xw = 0; xw < 2; ++xw) {
      for (std::uint32_t i = 0; i < forbid_n; ++i) {
        const ForbidSpan& f = forbid_span[xw][forbid_pick[i] / 3][forbid_pick[i] % 3];
        col_masks[xw][i] = f.mask << (col_window - 1 - f.back);
      }
    }
  }
  f_rank = 2 * g.ranks * g.bank_groups;
  f_all = f_rank + 2 * g.ranks;
  for (std::uint32_t key = 0; key < f_rank; ++key) {
    const std::uint32_t rank_key = key / g.bank_groups;
    col_rows.push_back(CycleRing::Keys3{key, f_rank + rank_key, f_all + rank_key / g.ranks});
  }
  for (std::uint32_t rank = 0; rank < g.ranks; ++rank) {
    for (std::uint32_t bg = 0; bg < g.bank_groups; ++bg) {
      const std::uint32_t read_key = rank, write_key = g.ranks + rank;  // (write, rank) of each kind
      const std::uint32_t all[6] = {read_key * g.bank_groups + bg,  f_rank + read_key,  f_all,
                                    write_key * g.bank_groups + bg, f_rank + write_key, f_all + 1};
      std::array<std::uint32_t, 6> rows{};
      for (std::uint32_t i = 0; i < forbid_n; ++i) rows[i] = all[forbid_pick[i]];
      forbid_rows.push_back(rows);
    }
  }
  col_batch.reserve(col_rows.size());
  for (std::uint32_t aw = 0; aw < 2; ++aw) {
    for (std::uint32_t bw = 0; bw < 2; ++bw) {
      if (col_gap[aw][bw][0] < col_gap[aw][bw][1] || col_gap[aw][bw][1] < col_gap[aw][bw][2]) {
        throw std::invalid_argument(
            "DramChannel: column gaps must not shrink from the same bank group to the same "
            "rank to another rank (needs CCD_L >= CCD_S and WTR_L >= WTR_S)");
      }
    }
  }
  banks.assign(static_cast<std::size_t>(g.ranks) * banks_per_rank, Bank{});
  ranks.assign(g.ranks, Rank{});
  for (auto& r : ranks) {
    r.next_ref_due = tm.REFI;
    r.rrd_ready.assign(g.bank_groups, 0);
  }
  note_ref_due();
  slots_.assign(1024, 0);
  slot_mask_ = slots_.size() - 1;
  depth[0] = s.queue_depth;
  depth[1] = s.write_queue_depth;
  wq_high = s.write_high_watermark;
  wq_low = s.write_low_watermark;
  hold_slots = s.slot_until_column;
  const std::uint32_t slots = s.queue_depth + s.write_queue_depth;
  q_slots.resize(slots);
  live.reserve(slots);
  bank_members.resize(banks.size());
  bank_conflicts.assign(banks.size(), 0);
  g_col = 0;
  g_act = 2 * g.ranks * g.bank_groups;
  g_pre = g_act + g.ranks * g.bank_groups;
  groups.resize(g_pre + 1);
  for (Group& gr : groups) gr.members.reserve(slots);
  groups_nonempty.assign((groups.size() + 63) / 64, 0);
  memo.assign(groups.size(), Memo{});
  for (std::uint32_t i = slots; i-- > 0;) q_free.push_back(static_cast<std::uint16_t>(i));
  st.banks.assign(banks.size(), DramBankStats{});
  policy = s.scheduler;
  cap = s.scheduler_cap;
  hit_streak.assign(banks.size(), 0);
}

void DramChannel::Impl::grow_slots(std::uint64_t t) {
  std::size_t size = slots_.size();
  while (t - now >= size) size *= 2;
  std::vector<std::uint64_t> grown(size, 0);
  for (std::uint64_t tag : slots_) {
    if (tag != 0 && tag - 1 >= now) grown[(tag - 1) & (size - 1)] = tag;
  }
  slots_.swap(grown);
  slot_mask_ = size - 1;
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
    const auto first =
        std::lower_bound(rk.acts.begin() + static_cast<std::ptrdiff_t>(rk.acts_head), rk.acts.end(), from,
                         [](const ActCmd& x, std::uint64_t t) { return x.t < t; });
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
      const auto faw_first =
          std::lower_bound(rk.acts.begin() + static_cast<std::ptrdiff_t>(rk.acts_head), rk.acts.end(),
                           faw_from, [](const ActCmd& x, std::uint64_t t) { return x.t < t; });
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

void DramChannel::Impl::reach_col() {
  // Keep every cycle a command at or after now can be placed at (a widening keeps their bits).
  const std::uint64_t keep = now > 2 * std::uint64_t{col_window} ? now - 2 * std::uint64_t{col_window} : 0;
  col_forbid.reach(latest_col + col_window, keep);
}

void DramChannel::Impl::forbid_col_spans(const ColCmd& x) {
  const std::uint32_t* rows = forbid_rows[x.rank * g.bank_groups + x.bg].data();
  const ForbidSpan* span = &forbid_span[x.write][0][0];  // [w][rel], as forbid_pick counts
  for (std::size_t i = 0; i < forbid_n; ++i) {
    const ForbidSpan& f = span[forbid_pick[i]];
    if (x.t >= f.back && f.len <= 64) {
      col_forbid.set_span(rows[i], x.t - f.back, f.len, f.mask);
    } else {
      col_forbid.set(rows[i], x.t >= f.back ? x.t - f.back : 0, x.t - f.back + f.len - 1);
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
  quiet_until = std::min(quiet_until, a.t + act_window);
}

void DramChannel::Impl::push_event(std::uint64_t t, int delta) {
  events.push_back(Event{t, delta});
  std::push_heap(events.begin(), events.end(), std::greater<Event>());
  quiet_until = std::min(quiet_until, t);
}

void DramChannel::Impl::advance(std::uint64_t t) {
  if (t <= now) return;
  now = t;
  if (now <= quiet_until) return;  // exact: nothing below would change (see quiet_until)
  while (!events.empty() && events.front().t < now) {
    const Event e = events.front();
    std::pop_heap(events.begin(), events.end(), std::greater<Event>());
    events.pop_back();
    if (open_count > 0) open_cycles += e.t - ev_last;
    ev_last = e.t;
    open_count += e.delta;
  }
  quiet_until = events.empty() ? kNever : events.front().t;
  for (Rank& rk : ranks) {
    while (rk.acts_head < rk.acts.size() && rk.acts[rk.acts_head].t + act_window < now) ++rk.acts_head;
    if (rk.acts_head < rk.acts.size())
      quiet_until = std::min(quiet_until, rk.acts[rk.acts_head].t + act_window);
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
  ++ver;
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
  note_ref_due();
  ++st.refreshes;
  for (std::uint32_t i = first; i < first + banks_per_rank; ++i) reclassify_bank(i);
}

void DramChannel::Impl::catch_up_refresh(std::uint64_t t) {
  while (ref_due_min <= t) {
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
        // Logged at their due cycles (a command log prices them in time, e.g. power.csv).
        if (log != nullptr) {
          for (std::uint64_t i = 0; i < k; ++i)
            record(rk.next_ref_due + i * tm.REFI, DramCommandKind::Ref, first, 0);
        }
        rk.next_ref_due += k * tm.REFI;
        note_ref_due();
        st.refreshes += k;
      }
    }
    advance(rk.next_ref_due);
    refresh(best);
  }
}

[[noreturn]] void DramChannel::Impl::reject(const DramRequest& r) const {
  const DramAddress& a = r.addr;
  throw std::invalid_argument("DramChannel " + std::to_string(index) + ": request " + std::to_string(r.id) +
                              " has an address outside this channel (channel " + std::to_string(a.channel) +
                              ", rank " + std::to_string(a.rank) + ", bank group " +
                              std::to_string(a.bank_group) + ", bank " + std::to_string(a.bank) + ", row " +
                              std::to_string(a.row) + ", column " + std::to_string(a.column) + ")");
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