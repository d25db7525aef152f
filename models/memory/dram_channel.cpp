#include "models/memory/dram_channel.hpp"

#include "models/memory/cycle_ring.hpp"

#include <algorithm>
#include <array>
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
  bool capped_out(const Entry& e) const {
    if (policy != DramScheduler::FrFcfsCap || e.outcome != RowOutcome::Hit || hit_streak[e.flat] < cap)
      return false;
    for (std::uint16_t slot : bank_members[e.flat]) {
      const Entry& o = q_slots[slot];
      if (o.outcome != RowOutcome::Hit && o.seq < e.seq) return true;
    }
    return false;
  }
  // next_decision() under fcfs and fr_fcfs_cap: the earliest first command of a request the policy
  // may pick (fcfs: the oldest; fr_fcfs_cap: any not capped out), without the FR-FCFS caches.
  std::uint64_t next_by_policy(std::uint64_t t0) {
    if (policy == DramScheduler::Fcfs) return entry_first(q_slots[oldest_slot], t0);
    std::uint64_t best = kNever;
    for (std::uint16_t slot : live) {
      const Entry& e = q_slots[slot];
      if (!capped_out(e)) best = std::min(best, entry_first(e, t0));
    }
    return best;
  }

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
  q_slots.resize(s.queue_depth);
  live.reserve(s.queue_depth);
  bank_members.resize(banks.size());
  bank_conflicts.assign(banks.size(), 0);
  g_col = 0;
  g_act = 2 * g.ranks * g.bank_groups;
  g_pre = g_act + g.ranks * g.bank_groups;
  groups.resize(g_pre + 1);
  for (Group& gr : groups) gr.members.reserve(s.queue_depth);
  groups_nonempty.assign((groups.size() + 63) / 64, 0);
  memo.assign(groups.size(), Memo{});
  for (std::uint32_t i = s.queue_depth; i-- > 0;) q_free.push_back(static_cast<std::uint16_t>(i));
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

bool DramChannel::full() const { return impl_->live.size() >= spec_.queue_depth; }

std::size_t DramChannel::queued() const { return impl_->live.size(); }

void DramChannel::enqueue(const DramRequest& r) {
  Impl& m = *impl_;
  if (m.q_free.empty()) {
    throw std::logic_error("DramChannel " + std::to_string(index_) + ": enqueue on a full queue (depth " +
                           std::to_string(spec_.queue_depth) + ")");
  }
  const std::uint32_t flat = m.flat_of(r);
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
  if (m.nd_ver == m.ver && m.nd_t0 >= m.now) {  // fold the new entry into the cached minimum
    m.nd_best = std::min(m.nd_best, m.entry_first(e, m.nd_t0));
  }
}

std::uint64_t DramChannel::next_decision(std::uint64_t now) const {
  Impl& m = *impl_;
  if (m.live.empty()) return kNever;
  std::uint64_t t0 = std::max(now, m.now);
  if (m.decided_any) t0 = std::max(t0, m.last_decision + 1);
  const std::uint64_t due = m.ref_due_min;
  if (due <= t0) return t0;
  if (m.policy != DramScheduler::FrFcfs) return std::min(m.next_by_policy(t0), due);
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
  // the capped-out row hits (capped_out()) at every step; fcfs takes the oldest.
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
          if (en.bound <= t0 && en.seq < chosen_seq && !m.capped_out(en)) {
            chosen_seq = en.seq;
            chosen = slot;
          }
        }
      }
    }
  };
  if (m.policy == DramScheduler::Fcfs) {
    chosen = m.oldest_slot;  // arrival order: placed at the earliest cycles from t0
  } else if (!m.slot_busy(t0)) {
    // Every first command needs the command slot: none can issue at t0 when it is taken.
    // The oldest request, when it is a row hit that can issue at t0, is the oldest such.
    const Impl::Entry& oldest = m.q_slots[m.oldest_slot];
    if (oldest.group < m.g_act && oldest.bound <= t0 && m.col_fits_at_free_slot(t0, oldest.group - m.g_col)) {
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
      if (m.capped_out(en)) continue;  // the oldest never is: some entry qualifies
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
  DramCompletion c = m.place(e.req, e.flat, t0);
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
