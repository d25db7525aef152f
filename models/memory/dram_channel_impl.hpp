// DramChannel's private state (included by dram_channel.cpp and dram_channel_banks.cpp only): the
// bank, bank-group, rank and channel timing state with its first-fit searches, the request queues
// (read and write, by group) and the statistics being gathered. See dram_channel.hpp for what the
// channel models.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/memory/cycle_ring.hpp"
#include "models/memory/dram_channel.hpp"

namespace savp::memory {

namespace dram_detail {

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

}  // namespace dram_detail

using dram_detail::kNever;
using dram_detail::LatencyHistogram;

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
  // A queued request. Its first command's earliest cycle from t0 is F_group(max(t0, bound)): the
  // group names the command kind and its channel-level key (column command by (write, rank, bank
  // group), ACT by (rank, bank group), PRE), `bound` holds the arrival and the bank's readiness for
  // that command. Both follow the bank state and are kept current whenever it changes.
  struct Entry {
    DramRequest req;
    std::uint32_t flat = 0;
    std::uint64_t seq = 0;  // enqueue order (FR-FCFS age)
    std::uint64_t bound = 0;
    std::uint32_t group = 0;
    std::uint16_t gpos = 0;                // index in its group's members
    std::uint16_t lpos = 0;                // index in `live`
    std::uint16_t bpos = 0;                // index in its bank's members
    std::uint16_t older = 0, younger = 0;  // neighbours in the age list (kNoSlot at its ends)
    RowOutcome outcome = RowOutcome::Hit;
  };
  static constexpr std::uint16_t kNoSlot = 0xffff;
  struct Group {
    std::vector<std::uint16_t> members;  // slots
    std::uint64_t min_bound = kNever;    // smallest bound of the members (valid unless stale)
    std::uint32_t min_count = 0;         // how many members have it
    bool stale = false;                  // the last member at min_bound left: recompute when read
  };
  // A cached first fit F(lb) = c of one group: the answer for every lb' in [lb, c] at state
  // version ver (a first fit is the smallest feasible cycle at or after its bound).
  struct Memo {
    std::uint64_t ver = 0, lb = 0, c = 0;
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
  void occupy(std::uint64_t t) {
    if (t - now >= slots_.size()) grow_slots(t);
    slots_[t & slot_mask_] = t + 1;
    latest_cmd = std::max(latest_cmd, t);
  }
  void grow_slots(std::uint64_t t);  // makes cycle t representable in the command-bus ring
  // The smallest cycle >= lb (or the gap-fill lookback, see kGapLookback) at which no placed
  // column command forbids a column command of `key` (write, rank, bank group) and the command
  // slot is free.
  std::uint64_t first_fit_col(std::uint64_t lb, std::uint32_t key) const {
    std::uint64_t c = lb;
    // A column command fills gaps only within the last kGapLookback column windows of the
    // schedule: a request arriving far behind the placed work (temporally decoupled LT bursts
    // issue thousands at one time stamp) would otherwise search the whole dense schedule.
    if (latest_col > c + lookback) c = latest_col - lookback;  // latest_col is 0 before any
    const CycleRing::Keys3& rows = col_rows[key];
    for (;;) {
      c = col_forbid.next_clear(rows.a, rows.b, rows.k, c);
      if (!slot_busy(c)) return c;
      c = next_free_slot(c);
    }
  }
  // The smallest first_fit_col(lb, key) over the n keys (their rows in col_rows terms).
  std::uint64_t first_fit_cols(std::uint64_t lb, const CycleRing::Keys3* unions, std::size_t n) const {
    std::uint64_t c = lb;
    if (latest_col > c + lookback) c = latest_col - lookback;
    for (;;) {
      c = col_forbid.next_clear_any(unions, n, c);
      if (!slot_busy(c)) return c;
      c = next_free_slot(c);
    }
  }
  // Whether first_fit_col(t, key) == t, given that the command slot at t is free.
  bool col_fits_at_free_slot(std::uint64_t t, std::uint32_t key) const {
    if (latest_col > t + lookback) return false;
    const CycleRing::Keys3& rows = col_rows[key];
    return col_forbid.clear_at(rows.a, rows.b, rows.k, t);
  }
  std::uint32_t col_key(std::uint32_t write, std::uint32_t rank, std::uint32_t bg) const {
    return (write * g.ranks + rank) * g.bank_groups + bg;
  }
  std::uint64_t first_fit_act(std::uint64_t lb, std::uint32_t rank, std::uint32_t bg) const;
  // Records a placed column command (latest_col, col_forbid). Defined here, with forbid_col's
  // usual case, to be inlined into place(); the rare cases are out of line.
  void insert_col(const ColCmd& c) {
    latest_col = std::max(latest_col, c.t);
    if (latest_col + col_window >= col_forbid.end()) reach_col();  // else col_forbid holds it
    forbid_col(c);
  }
  void reach_col();  // makes col_forbid hold latest_col + col_window
  // Sets in col_forbid the cycles at which column command x forbids each kind of column command.
  // A column command of kind w at c conflicts with x when x.t - gap[w][x.w] < c < x.t +
  // gap[x.w][w] (gaps by their relation): per layer, the interval of its relation.
  void forbid_col(const ColCmd& x) {
    const std::uint64_t reach_back = col_window - 1;
    if (!col_masks_fit || x.t < col_forbid.base() + reach_back) return forbid_col_spans(x);
    // The usual case: every row's interval as one mask over the 64 cycles from x.t - reach_back.
    const std::uint32_t* rows = forbid_rows[x.rank * g.bank_groups + x.bg].data();
    const std::uint64_t lo = x.t - reach_back;
    if (forbid_n == 4) {
      col_forbid.set_masks<4>(rows, col_masks[x.write], lo);
    } else if (forbid_n == 6) {
      col_forbid.set_masks<6>(rows, col_masks[x.write], lo);
    } else {
      col_forbid.set_masks<2>(rows, col_masks[x.write], lo);
    }
  }
  void forbid_col_spans(const ColCmd& x);  // forbid_col, row by row
  void insert_act(std::uint32_t rank, const ActCmd& a);

  void advance(std::uint64_t t);
  void push_event(std::uint64_t t, int delta);
  void open_bank(std::uint32_t flat, std::uint32_t row, std::uint64_t a);
  void close_bank(std::uint32_t flat, std::uint64_t p);
  void refresh(std::uint32_t rank);
  bool refresh_due(std::uint64_t t) const { return ref_due_min <= t; }
  void catch_up_refresh(std::uint64_t t);
  std::uint64_t ref_due_min = 0;  // the smallest next_ref_due over the ranks
  void note_ref_due() {
    ref_due_min = kNever;
    for (const Rank& rk : ranks) ref_due_min = std::min(ref_due_min, rk.next_ref_due);
  }

  // ---- queue groups ----
  struct Class {
    std::uint32_t group;
    std::uint64_t bound;
    RowOutcome outcome;
  };
  Class classify(const Entry& e) const;  // group, bound and outcome from the bank state
  void group_add(std::uint16_t slot);
  void group_remove(std::uint16_t slot);
  std::uint64_t group_min(std::uint32_t gid);  // the group's smallest bound
  // Sets an entry's row outcome, keeping the per-bank count of queued conflicts.
  void set_outcome(Entry& e, RowOutcome o) {
    bank_conflicts[e.flat] += (o == RowOutcome::Conflict) - (e.outcome == RowOutcome::Conflict);
    e.outcome = o;
  }
  // After the bank's state changed; rows_changed false: only its PRE readiness did (a column
  // command under the open-page policy), which only conflicts' bounds follow.
  void reclassify_bank(std::uint32_t flat, bool rows_changed = true);
  // First fit of the group's command from lb (the smallest feasible cycle >= lb), memoised.
  std::uint64_t group_first(std::uint32_t group, std::uint64_t lb) {
    std::uint64_t x;
    if (group < g_act) return first_fit_col(lb, group - g_col);
    return group_fast(group, lb, x) ? next_free_slot(x) : group_slow(group, lb);
  }
  // Where the first fit is next_free_slot(x) with x from forward bounds alone (an ACT after every
  // placed ACT of its rank, or a PRE), sets x and answers true (as first_fit_act answers it).
  // Column groups answer false: their first fit (first_fit_col) is a short bit scan.
  bool group_fast(std::uint32_t group, std::uint64_t lb, std::uint64_t& x) const {
    if (group < g_act) return false;
    if (group < g_pre) {
      const std::uint32_t k = group - g_act;
      const Rank& rk = ranks[k / g.bank_groups];
      if (rk.act_count != 0 && lb < rk.latest_act) return false;
      x = std::max(lb, rk.rrd_ready[k % g.bank_groups]);
      if (rk.act_count >= 4) x = std::max<std::uint64_t>(x, rk.last4[0] + tm.FAW);
      return true;
    }
    x = lb;
    return true;
  }
  std::uint64_t group_slow(std::uint32_t group, std::uint64_t lb);
  std::uint64_t entry_first(const Entry& e, std::uint64_t t0) {
    return group_first(e.group, std::max(t0, e.bound));
  }
  // Inlined into its two callers, serve() and decide() (saves a call with a full register save per
  // request; the compiler would not inline a function this long by itself).
  [[gnu::always_inline]] inline DramCompletion place(const DramRequest& r, std::uint32_t flat,
                                                     std::uint64_t lb);
  // The request's flat bank index; an address outside this channel is refused (reject()).
  std::uint32_t flat_of(const DramRequest& r) const {
    const DramAddress& a = r.addr;
    if (a.channel != index || a.rank >= g.ranks || a.bank_group >= g.bank_groups ||
        a.bank >= g.banks_per_group || a.row >= g.rows || a.column >= bursts_per_row) {
      reject(r);
    }
    return a.flat_bank(g);
  }
  [[noreturn]] void reject(const DramRequest& r) const;

  const DramGeometry g;
  const DramTiming tm;
  std::uint32_t index;
  std::uint32_t bc;  // burst cycles on the data bus
  std::uint32_t bursts_per_row;
  std::uint32_t banks_per_rank;
  bool closed_page;
  std::uint32_t col_gap[2][2][3];  // [earlier is write][later is write][relation]
  std::uint32_t col_window = 0;    // largest column gap
  static constexpr std::uint32_t kGapLookback = 16;
  std::uint64_t lookback = 0;    // kGapLookback column windows
  std::uint32_t act_window = 0;  // largest ACT-ACT distance that matters (tRRD_L, tFAW)
  std::uint64_t burst_bytes;
  double burst_bits;

  std::vector<Bank> banks;
  std::vector<Rank> ranks;
  std::uint64_t latest_col = 0;  // the latest column command (0 before any)
  // The cycles at which placed column commands forbid a new one (tCCD, data bus, turnaround,
  // tWTR), in three layers: per key (write, rank, bank group) what commands of the same bank group
  // forbid, per (write, rank) [from f_rank] what commands of the rank forbid as other bank groups,
  // per write [from f_all] what any command forbids as another rank. The gaps by relation nest
  // (same bank group >= same rank >= other rank: tCCD_L >= tCCD_S, tWTR_L >= tWTR_S), so a key's
  // forbidden cycles are exactly the union of its three rows. Every command placed at or after
  // now - col_window is in it (older ones cannot constrain a command at or after now).
  CycleRing col_forbid;
  std::uint32_t f_rank = 0, f_all = 0;
  std::vector<CycleRing::Keys3> col_rows;  // per key: its row in each layer
  // The rows forbid_col sets, of the six (later is write * 3 + relation): forbid_pick[i < forbid_n].
  // A layer whose relation cannot occur (another bank group with one bank group per rank, another
  // rank with one rank) stays empty: what it would hold for a key lies within the key's own row (the
  // intervals nest like the gaps), so every union it is read into is unchanged.
  std::uint32_t forbid_n = 0;
  std::uint32_t forbid_pick[6] = {};
  // Per (rank, bank group) of a column command: the rows it sets, as forbid_pick orders them (of:
  // for later reads same bank group, same rank, any rank; then the same for later writes).
  std::vector<std::array<std::uint32_t, 6>> forbid_rows;
  mutable std::vector<CycleRing::Keys3> col_batch;  // next_decision's scratch
  // What a column command (earlier is write) forbids a later kind (later is write) by relation:
  // the cycles [t - back, t - back + len), len's low bits in mask (len <= 64).
  struct ForbidSpan {
    std::uint64_t back = 0;
    std::uint32_t len = 0;
    std::uint64_t mask = 0;
  };
  ForbidSpan forbid_span[2][2][3];
  // The same spans as masks over the cycles from t - (col_window - 1), in forbid_pick's order
  // ([earlier is write][i < forbid_n]), when they fit in 64 cycles (col_window <= 32).
  bool col_masks_fit = false;
  std::uint64_t col_masks[2][6] = {};
  std::vector<std::uint64_t> slots_;  // command-bus occupancy ring: slot holds cycle + 1
  std::uint64_t slot_mask_ = 0;

  std::uint64_t now = 0;         // no new command is placed before this cycle
  std::uint64_t latest_cmd = 0;  // the latest cycle holding a command
  bool decided_any = false;
  std::uint64_t last_decision = 0;
  // The column command the last decision placed (kNever before any): every later column command
  // lies at least col_after[its kind] cycles after it, a lower bound next_decision() uses.
  std::uint64_t decided_col = kNever;
  std::uint32_t decided_col_write = 0;
  std::uint32_t col_after[2] = {0, 0};  // [earlier is write]: smallest gap to any later column command
  bool any_act_or_pre_queued() const {
    for (std::size_t w = g_act >> 6; w < groups_nonempty.size(); ++w) {
      std::uint64_t bits = groups_nonempty[w];
      if (w == (g_act >> 6)) bits &= ~std::uint64_t{0} << (g_act & 63);
      if (bits != 0) return true;
    }
    return false;
  }

  // Open-bank accounting: +1 at ACT, -1 at PRE, integrated up to `now`.
  std::vector<Event> events;
  // advance() has nothing to do while now <= quiet_until: no event lies before now (events are at
  // or after it) and no rank's oldest kept ACT has aged past act_window. A lower bound of both,
  // lowered by push_event and insert_act, recomputed by advance when it does work.
  std::uint64_t quiet_until = kNever;
  std::uint64_t ev_last = 0;
  std::int64_t open_count = 0;
  std::uint64_t open_cycles = 0;

  // Queue: entries in fixed slots; `live` holds the occupied ones (any order), `groups` index them
  // by group; groups_nonempty is a bit set of the groups with members.
  std::vector<Entry> q_slots;
  std::vector<std::uint16_t> live;
  std::vector<std::uint16_t> q_free;
  // The queued entries by age (enqueue order), a doubly linked list through Entry::older/younger.
  std::uint16_t oldest_slot = kNoSlot, youngest_slot = kNoSlot;
  std::vector<std::vector<std::uint16_t>> bank_members;  // queued slots per bank
  std::vector<std::uint32_t> bank_conflicts;             // how many of them are row conflicts
  std::vector<Group> groups;
  std::vector<std::uint64_t> groups_nonempty;
  std::uint32_t g_col = 0, g_act = 0, g_pre = 0;  // first group id of each kind
  std::uint64_t next_seq = 0;

  // Scheduling policy (DramSpec::scheduler). hit_streak: per bank, the row hits placed since its
  // row opened (fr_fcfs_cap).
  DramScheduler policy = DramScheduler::FrFcfs;
  std::uint32_t cap = 0;
  std::vector<std::uint32_t> hit_streak;
  // fr_fcfs_cap: a queued row hit of a bank that has served `cap` hits in a row may not overtake an
  // older request to another row of that bank (the oldest goes first).
  // Only requests of the kind being served count (an older request of the other kind waits anyway).
  bool capped_out(const Entry& e) const {
    if (policy != DramScheduler::FrFcfsCap || e.outcome != RowOutcome::Hit || hit_streak[e.flat] < cap)
      return false;
    for (std::uint16_t slot : bank_members[e.flat]) {
      const Entry& o = q_slots[slot];
      if (o.outcome != RowOutcome::Hit && o.seq < e.seq && serves(o)) return true;
    }
    return false;
  }
  // Whether the policy may pick e now: of the kind being served and not capped out.
  bool pickable(const Entry& e) const { return serves(e) && !capped_out(e); }
  // The oldest queued request of the kind being served.
  std::uint16_t oldest_served() const {
    std::uint16_t slot = oldest_slot;
    while (!serves(q_slots[slot])) slot = q_slots[slot].younger;
    return slot;
  }
  // next_decision() under fcfs and fr_fcfs_cap, and while both kinds are queued: the earliest first
  // command of a request the policy may pick (fcfs: the oldest of the kind served; otherwise any
  // pickable), without the FR-FCFS caches.
  std::uint64_t next_by_policy(std::uint64_t t0) {
    if (policy == DramScheduler::Fcfs) return entry_first(q_slots[oldest_served()], t0);
    std::uint64_t best = kNever;
    for (std::uint16_t slot : live) {
      const Entry& e = q_slots[slot];
      if (pickable(e)) best = std::min(best, entry_first(e, t0));
    }
    return best;
  }

  // ---- read and write queues ----
  // Queued requests by kind [write], the queue depths, the write watermarks, and whether a write
  // drain (from the high watermark down to the low one) is under way.
  std::uint32_t n_queued[2] = {0, 0};
  std::uint32_t depth[2] = {0, 0};
  std::uint32_t wq_high = 0, wq_low = 0;
  bool draining = false;
  // By kind, the column command cycles of decided requests whose command may not have issued yet
  // (their queue slots are held until then); pruned by decide().
  std::vector<std::uint64_t> held[2];
  bool hold_slots = false;  // DramSpec::slot_until_column
  std::uint32_t held_after(std::uint32_t w, std::uint64_t t) const {
    std::uint32_t n = 0;
    for (std::uint64_t c : held[w]) n += c > t;
    return n;
  }
  void release_until(std::uint64_t t) {
    for (std::vector<std::uint64_t>& h : held) {
      h.erase(std::remove_if(h.begin(), h.end(), [t](std::uint64_t c) { return c <= t; }), h.end());
    }
  }
  bool mixed() const { return n_queued[0] != 0 && n_queued[1] != 0; }
  // The kind picked now: writes while draining or while no read is queued, else reads.
  std::uint32_t served_kind() const { return draining || n_queued[0] == 0 ? 1u : 0u; }
  bool serves(const Entry& e) const { return !mixed() || (e.req.write ? 1u : 0u) == served_kind(); }

  // Version of the timing state (banks, placed commands, bus slots): bumped by every placement and
  // refresh. The caches below are valid at their version only.
  std::uint64_t ver = 1;
  // Memo of the channel-level first fit by group (column keys, ACT keys, PRE).
  std::vector<Memo> memo;
  // Cached next_decision() minimum over the queue (refresh aside): nd_best for every t0 in
  // [nd_t0, nd_best] at version nd_ver.
  std::uint64_t nd_ver = 0, nd_t0 = 0, nd_best = 0;
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

}  // namespace savp::memory
