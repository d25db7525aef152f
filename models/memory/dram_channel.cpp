// DramChannel, the queues and the scheduler: queue groups, command placement (place), the read and
// write queues with write draining and forwarding, next_decision / decide (AT) and serve (LT). The
// bank state machine and the statistics are in dram_channel_banks.cpp.
#include "models/memory/dram_channel_impl.hpp"

namespace savp::memory {

DramChannel::Impl::Class DramChannel::Impl::classify(const Entry& e) const {
  const Bank& b = banks[e.flat];
  const DramAddress& a = e.req.addr;
  if (b.open && b.row == a.row) {
    const std::uint32_t w = e.req.write ? 1 : 0;
    return Class{g_col + (w * g.ranks + a.rank) * g.bank_groups + a.bank_group,
                 std::max(e.req.arrival, w ? b.wr_ready : b.rd_ready), RowOutcome::Hit};
  }
  if (!b.open) {
    return Class{g_act + a.rank * g.bank_groups + a.bank_group, std::max(e.req.arrival, b.act_ready),
                 RowOutcome::Miss};
  }
  return Class{g_pre, std::max(e.req.arrival, b.pre_ready), RowOutcome::Conflict};
}

void DramChannel::Impl::group_add(std::uint16_t slot) {
  Entry& e = q_slots[slot];
  Group& gr = groups[e.group];
  e.gpos = static_cast<std::uint16_t>(gr.members.size());
  gr.members.push_back(slot);
  if (gr.stale) {
    // recomputed when read, this member included
  } else if (e.bound < gr.min_bound) {
    gr.min_bound = e.bound;
    gr.min_count = 1;
  } else if (e.bound == gr.min_bound) {
    ++gr.min_count;
  }
  groups_nonempty[e.group >> 6] |= std::uint64_t{1} << (e.group & 63);
}

void DramChannel::Impl::group_remove(std::uint16_t slot) {
  const Entry& e = q_slots[slot];
  Group& gr = groups[e.group];
  const std::uint16_t last = gr.members.back();
  gr.members[e.gpos] = last;
  q_slots[last].gpos = e.gpos;
  gr.members.pop_back();
  if (gr.members.empty()) {
    gr.min_bound = kNever;
    gr.min_count = 0;
    gr.stale = false;
    groups_nonempty[e.group >> 6] &= ~(std::uint64_t{1} << (e.group & 63));
  } else if (!gr.stale && e.bound == gr.min_bound && --gr.min_count == 0) {
    gr.stale = true;
  }
}

std::uint64_t DramChannel::Impl::group_min(std::uint32_t gid) {
  Group& gr = groups[gid];
  if (gr.stale) {
    std::uint64_t m = kNever;
    std::uint32_t n = 0;
    for (std::uint16_t s : gr.members) {
      const std::uint64_t b = q_slots[s].bound;
      if (b < m) {
        m = b;
        n = 1;
      } else if (b == m) {
        ++n;
      }
    }
    gr.min_bound = m;
    gr.min_count = n;
    gr.stale = false;
  }
  return gr.min_bound;
}

void DramChannel::Impl::reclassify_bank(std::uint32_t flat, bool rows_changed) {
  if (!rows_changed && bank_conflicts[flat] == 0) return;
  for (std::uint16_t slot : bank_members[flat]) {
    Entry& e = q_slots[slot];
    if (!rows_changed && e.outcome != RowOutcome::Conflict) continue;
    const Class c = classify(e);
    if (c.group == e.group && c.bound == e.bound) {
      set_outcome(e, c.outcome);
      continue;
    }
    group_remove(slot);
    e.group = c.group;
    e.bound = c.bound;
    set_outcome(e, c.outcome);
    group_add(slot);
  }
}

std::uint64_t DramChannel::Impl::group_slow(std::uint32_t group, std::uint64_t lb) {
  // The first fits answer the smallest feasible cycle at or after their bound: a memo of F(lb0) = c
  // answers every bound in [lb0, c] while the timing state is unchanged.
  Memo& m = memo[group];
  if (m.ver == ver && m.lb <= lb && lb <= m.c) return m.c;
  std::uint64_t c;
  if (group < g_act) {
    const std::uint32_t k = group - g_col;
    c = first_fit_col(lb, k);
  } else if (group < g_pre) {
    const std::uint32_t k = group - g_act;
    c = first_fit_act(lb, k / g.bank_groups, k % g.bank_groups);
  } else {
    c = next_free_slot(lb);
  }
  m = Memo{ver, lb, c};
  return c;
}

DramCompletion DramChannel::Impl::place(const DramRequest& r, std::uint32_t flat, std::uint64_t lb) {
  ++ver;
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
  const std::uint64_t c =
      first_fit_col(std::max(lb, w ? b.wr_ready : b.rd_ready), col_key(w, a.rank, a.bank_group));
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
    st.bytes_written += burst_bytes;
  } else {
    ++bs.reads;
    ++st.reads;
    st.bytes_read += burst_bytes;
  }
  hit_streak[flat] = done.outcome == RowOutcome::Hit ? hit_streak[flat] + 1 : 0;
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
  if (!bank_members[flat].empty()) reclassify_bank(flat, done.outcome != RowOutcome::Hit || closed_page);
  return done;
}

// ---------------------------------------------------------------------------------------------

DramChannel::DramChannel(const DramSpec& spec, std::uint32_t index)
    : spec_(spec), index_(index), impl_(std::make_shared<Impl>(spec, index)) {}

bool DramChannel::full(bool write, std::uint64_t now) const {
  const std::uint32_t w = write ? 1 : 0;
  return impl_->n_queued[w] + impl_->held_after(w, now) >= impl_->depth[w];
}

std::uint64_t DramChannel::next_release(bool write, std::uint64_t now) const {
  std::uint64_t t = kNever;
  for (std::uint64_t c : impl_->held[write ? 1 : 0]) {
    if (c > now) t = std::min(t, c);
  }
  return t;
}

std::size_t DramChannel::queued() const { return impl_->live.size(); }

std::optional<DramCompletion> DramChannel::enqueue(const DramRequest& r) {
  Impl& m = *impl_;
  const std::uint32_t w = r.write ? 1 : 0;
  if (m.n_queued[w] + m.held_after(w, r.arrival) >= m.depth[w]) {
    throw std::logic_error("DramChannel " + std::to_string(index_) + ": enqueue on a full " +
                           (w ? "write" : "read") + " queue (depth " + std::to_string(m.depth[w]) + ")");
  }
  const std::uint32_t flat = m.flat_of(r);
  if (!w && m.n_queued[1] != 0) {  // a read of a burst a queued write holds: served from it
    for (std::uint16_t s : m.bank_members[flat]) {
      const DramRequest& q = m.q_slots[s].req;
      if (q.write && q.addr.row == r.addr.row && q.addr.column == r.addr.column) {
        ++m.st.reads_forwarded;
        DramCompletion c;
        c.id = r.id;
        c.command = r.arrival;
        c.done = r.arrival;
        c.forwarded = true;
        return c;
      }
    }
  }
  ++m.n_queued[w];
  if (m.n_queued[1] >= m.wq_high) m.draining = true;
  const std::uint16_t slot = m.q_free.back();
  m.q_free.pop_back();
  Impl::Entry& e = m.q_slots[slot];
  e.req = r;
  e.flat = flat;
  e.seq = m.next_seq++;
  const Impl::Class c = m.classify(e);
  e.group = c.group;
  e.bound = c.bound;
  e.outcome = RowOutcome::Hit;  // counted as no conflict, then set
  m.set_outcome(e, c.outcome);
  e.lpos = static_cast<std::uint16_t>(m.live.size());
  m.live.push_back(slot);
  std::vector<std::uint16_t>& bm = m.bank_members[flat];
  e.bpos = static_cast<std::uint16_t>(bm.size());
  bm.push_back(slot);
  e.older = m.youngest_slot;
  e.younger = Impl::kNoSlot;
  (m.youngest_slot == Impl::kNoSlot ? m.oldest_slot : m.q_slots[m.youngest_slot].younger) = slot;
  m.youngest_slot = slot;
  m.group_add(slot);
  if (m.mixed()) {
    m.nd_ver = 0;  // the kind served may have changed: next_decision() searches anew
  } else if (m.nd_ver == m.ver && m.nd_t0 >= m.now) {  // fold the new entry into the cached minimum
    m.nd_best = std::min(m.nd_best, m.entry_first(e, m.nd_t0));
  }
  return std::nullopt;
}

std::uint64_t DramChannel::next_decision(std::uint64_t now) const {
  Impl& m = *impl_;
  if (m.live.empty()) return kNever;
  std::uint64_t t0 = std::max(now, m.now);
  if (m.decided_any) t0 = std::max(t0, m.last_decision + 1);
  const std::uint64_t due = m.ref_due_min;
  if (due <= t0) return t0;
  if (m.policy != DramScheduler::FrFcfs || m.mixed()) return std::min(m.next_by_policy(t0), due);
  if (m.nd_ver == m.ver && m.nd_t0 <= t0 && t0 <= m.nd_best) return std::min(m.nd_best, due);
  // Row hits only, and the last decision placed a column command before t0: no column command
  // fits before it + col_after, so when the oldest request fits there, that is the minimum.
  const Impl::Entry& oldest = m.q_slots[m.oldest_slot];
  if (oldest.group < m.g_act && m.decided_col < t0 && !m.any_act_or_pre_queued()) {
    const std::uint64_t lower = std::max(t0, m.decided_col + m.col_after[m.decided_col_write]);
    const std::uint64_t f = m.first_fit_col(std::max(t0, oldest.bound), oldest.group - m.g_col);
    if (f == lower) {
      m.nd_ver = m.ver;
      m.nd_t0 = t0;
      m.nd_best = f;
      return std::min(f, due);
    }
  }
  // The earliest first command over the queue: per group, the entry with the smallest bound.
  // Groups on the fast path give F = next_free_slot(x): their minimum is next_free_slot of the
  // smallest x (next_free_slot is monotone, and any feasible cycle >= x is >= next_free_slot(x)).
  // Column groups whose bound is t0 are searched together: the first cycle at which any of them
  // fits (next_free_slot and the first fits being monotone, this is their smallest first fit).
  std::uint64_t best = kNever, xmin = kNever;
  m.col_batch.clear();
  for (std::size_t w = 0; w < m.groups_nonempty.size(); ++w) {
    for (std::uint64_t bits = m.groups_nonempty[w]; bits != 0; bits &= bits - 1) {
      const std::uint32_t gid =
          static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
      const std::uint64_t lb = std::max(t0, m.group_min(gid));
      if (gid < m.g_act && lb == t0) {
        m.col_batch.push_back(m.col_rows[gid - m.g_col]);
        continue;
      }
      if (lb >= best || lb >= xmin) continue;
      std::uint64_t x;
      if (gid < m.g_act) {
        best = std::min(best, m.first_fit_col(lb, gid - m.g_col));
      } else if (m.group_fast(gid, lb, x)) {
        xmin = std::min(xmin, x);
      } else {
        best = std::min(best, m.group_slow(gid, lb));
      }
    }
  }
  if (xmin != kNever) best = std::min(best, m.next_free_slot(xmin));
  if (!m.col_batch.empty() && t0 < best)
    best = std::min(best, m.first_fit_cols(t0, m.col_batch.data(), m.col_batch.size()));
  m.nd_ver = m.ver;
  m.nd_t0 = t0;
  m.nd_best = best;
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
  if (m.live.empty()) return std::nullopt;
  m.advance(now);
  const std::uint64_t t0 = std::max(now, m.now);
  // FR-FCFS: the oldest row hit whose command can issue at t0, else the oldest request whose first
  // command can, else the oldest of those whose first command can issue earliest. An entry can
  // issue at t0 when its bound allows t0 and so does its group's first fit. fr_fcfs_cap leaves out
  // the capped-out row hits (capped_out()) at every step; fcfs takes the oldest. Only requests of the
  // kind being served (serves()) are candidates.
  constexpr std::uint16_t kNone = 0xffff;
  std::uint16_t chosen = kNone;
  std::uint64_t chosen_seq = kNever;
  auto scan = [&](std::uint32_t from, std::uint32_t to) {
    for (std::size_t w = from >> 6; w < m.groups_nonempty.size() && w * 64 < to; ++w) {
      for (std::uint64_t bits = m.groups_nonempty[w]; bits != 0; bits &= bits - 1) {
        const std::uint32_t gid =
            static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
        if (gid < from) continue;
        if (gid >= to) return;
        const Impl::Group& gr = m.groups[gid];
        if (m.group_min(gid) > t0) continue;
        if (gid < m.g_act ? !m.col_fits_at_free_slot(t0, gid - m.g_col) : m.group_first(gid, t0) != t0)
          continue;
        for (std::uint16_t slot : gr.members) {
          const Impl::Entry& en = m.q_slots[slot];
          if (en.bound <= t0 && en.seq < chosen_seq && m.pickable(en)) {
            chosen_seq = en.seq;
            chosen = slot;
          }
        }
      }
    }
  };
  if (m.policy == DramScheduler::Fcfs) {
    chosen = m.oldest_served();  // arrival order: placed at the earliest cycles from t0
  } else if (!m.slot_busy(t0)) {
    // Every first command needs the command slot: none can issue at t0 when it is taken.
    // The oldest request, when it is a row hit that can issue at t0, is the oldest such.
    const Impl::Entry& oldest = m.q_slots[m.oldest_slot];
    if (oldest.group < m.g_act && oldest.bound <= t0 && m.serves(oldest) &&
        m.col_fits_at_free_slot(t0, oldest.group - m.g_col)) {
      chosen = m.oldest_slot;
    } else {
      scan(m.g_col, m.g_act);                                                           // row hits
      if (chosen == kNone) scan(m.g_act, static_cast<std::uint32_t>(m.groups.size()));  // misses, conflicts
    }
  }
  if (chosen == kNone) {
    std::uint64_t earliest = kNever;
    for (std::uint16_t slot : m.live) {
      const Impl::Entry& en = m.q_slots[slot];
      if (!m.pickable(en)) continue;  // the oldest served never is: some entry qualifies
      const std::uint64_t e = m.entry_first(en, t0);
      if (e < earliest || (e == earliest && en.seq < chosen_seq)) {
        earliest = e;
        chosen_seq = en.seq;
        chosen = slot;
      }
    }
  }
  Impl::Entry& e = m.q_slots[chosen];
  m.group_remove(chosen);
  m.set_outcome(e, RowOutcome::Hit);  // no longer queued: out of the bank's conflict count
  std::vector<std::uint16_t>& bm = m.bank_members[e.flat];
  const std::uint16_t bmoved = bm.back();
  bm[e.bpos] = bmoved;
  m.q_slots[bmoved].bpos = e.bpos;
  bm.pop_back();
  const std::uint16_t moved = m.live.back();
  m.live[e.lpos] = moved;
  m.q_slots[moved].lpos = e.lpos;
  m.live.pop_back();
  (e.older == Impl::kNoSlot ? m.oldest_slot : m.q_slots[e.older].younger) = e.younger;
  (e.younger == Impl::kNoSlot ? m.youngest_slot : m.q_slots[e.younger].older) = e.older;
  m.q_free.push_back(chosen);
  const std::uint32_t kind = e.req.write ? 1 : 0;
  --m.n_queued[kind];
  if (m.draining && m.n_queued[1] <= m.wq_low) m.draining = false;
  DramCompletion c = m.place(e.req, e.flat, t0);
  m.release_until(now);
  if (m.hold_slots) m.held[kind].push_back(c.command);
  m.decided_col = c.command;
  m.decided_col_write = e.req.write ? 1 : 0;
  m.decided_any = true;
  m.last_decision = now;
  return c;
}

DramCompletion DramChannel::serve(const DramRequest& r) {
  Impl& m = *impl_;
  const std::uint32_t flat = m.flat_of(r);
  const std::uint64_t t = std::max(m.now, r.arrival);
  if (m.refresh_due(t)) m.catch_up_refresh(t);
  m.advance(t);
  return m.place(r, flat, t);
}

}  // namespace savp::memory
