// DramChannel: one DRAM channel's controller and its banks, at transaction level with exact JEDEC
// command timing. Each request is one burst. Scheduling decisions are made one per command-bus
// cycle; a decision places the request's commands (PRE if another row is open, ACT if none is,
// then RD/WR; auto-precharge under the closed-page policy) at the earliest cycles every constraint
// allows: per bank (tRCD, tRP, tRAS, tRC, tRTP, tWR), per bank group (tCCD_L, tRRD_L, tWTR_L), per
// rank (tRRD_S, tFAW, tWTR_S, refresh tRFC every tREFI with all banks precharged first) and per
// channel (tCCD_S, data-bus occupancy of burst_cycles, read/write turnaround, one command per
// cycle). Queued mode (AT) schedules by DramSpec::scheduler. FR-FCFS (the default): among queued
// requests, row hits whose command can issue now first (oldest first), then other requests that
// can issue now (oldest first), else the request whose first command can issue earliest. FCFS: the
// oldest request, decided when its first command can issue (requests start in arrival order; their
// later commands still interleave). FR-FCFS-cap: FR-FCFS, except that once a bank has served `cap`
// row hits since its row opened, its queued row hits younger than a request to another row of that
// bank are passed over until that request goes (bounding how long a stream of hits starves it).
// Reads and writes wait in separate queues (queue_depth reads, write_queue_depth writes; a full
// queue back-pressures its kind alone); a request keeps its slot until it is decided, or with
// queue_slot_release "column_command" until its column command issues. Writes are
// drained between watermarks, as gem5's memory controller does: once write_high_watermark writes are queued,
// only writes are picked until write_low_watermark remain; below it, writes are picked only while no read is
// queued. The scheduler above picks among the requests of the kind being served. A read of a burst a queued
// write holds is served from the write queue at its arrival (no DRAM command; counted as
// reads_forwarded).
// Immediate mode (LT) serves requests in call order with the same state (open rows, bank
// busy-until) but no queue, whatever the scheduler. Counts every command and
// prices energy per action; background energy = power x time by state (any bank open or not).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "models/memory/dram_address_map.hpp"
#include "models/memory/dram_spec.hpp"

namespace savp::memory {

enum class RowOutcome { Hit, Miss, Conflict };  // open row / closed bank / another row open

struct DramRequest {
  std::uint64_t id = 0;
  bool write = false;
  std::uint64_t arrival = 0;  // cycle the request reached the controller
  DramAddress addr;
};

struct DramCompletion {
  std::uint64_t id = 0;
  std::uint64_t command = 0;  // cycle of the RD/WR command
  std::uint64_t done = 0;     // cycle after the last data beat (response can be sent)
  RowOutcome outcome = RowOutcome::Hit;
  bool forwarded = false;  // a read served from the write queue (no DRAM command; outcome unused)
};

// One DRAM command as the channel placed it (for protocol checkers and traces). A closed-page
// auto-precharge is logged as a Pre at the cycle the bank closes, with on_bus false.
enum class DramCommandKind { Act, Pre, PreAll, Rd, Wr, Ref };

struct DramCommand {
  std::uint64_t cycle = 0;
  DramCommandKind kind = DramCommandKind::Act;
  std::uint32_t rank = 0, bank_group = 0, bank = 0, row = 0;  // PreAll / Ref: rank only
  bool on_bus = true;
};

struct DramBankStats {
  std::uint64_t reads = 0, writes = 0, activates = 0, precharges = 0;
  std::uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0;
};

struct DramChannelStats {
  std::vector<DramBankStats> banks;  // flat bank index (rank, group, bank)
  std::uint64_t refreshes = 0;
  std::uint64_t reads = 0, writes = 0, activates = 0, precharges = 0;
  std::uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0;
  std::uint64_t bytes_read = 0, bytes_written = 0;
  std::uint64_t data_bus_busy_cycles = 0;
  std::uint64_t reads_forwarded = 0;  // reads served from the write queue (not in reads or latency)
  std::uint64_t last_done = 0;        // cycle of the last completion
  // Latency from arrival to done, in cycles.
  std::uint64_t latency_count = 0, latency_sum = 0, latency_max = 0;
  std::uint64_t latency_p50 = 0, latency_p99 = 0;
  // Energy by action (pJ) up to end_cycle given to stats().
  double energy_act_pre_pj = 0, energy_read_pj = 0, energy_write_pj = 0, energy_refresh_pj = 0,
         energy_background_pj = 0;
};

class DramChannel {
 public:
  DramChannel(const DramSpec& spec, std::uint32_t index);

  // ---- queued mode (AT) ----
  // A request holds its queue slot from its arrival until the decision that places its commands,
  // or with queue_slot_release "column_command" until its column command (RD/WR) issues: full()
  // counts the queued requests of that kind and the decided ones whose column command lies after
  // cycle `now`.
  bool full(bool write, std::uint64_t now) const;
  // The first cycle after now at which a slot of that kind frees (a decided request's column
  // command issues), or UINT64_MAX when none is held.
  std::uint64_t next_release(bool write, std::uint64_t now) const;
  std::size_t queued() const;  // reads and writes waiting for a decision
  // Precondition: !full(r.write, now) for a now <= r.arrival. A read of a burst that a queued write holds is
  // not queued: it is served from the write queue and its completion returned (done = arrival, no DRAM
  // command).
  std::optional<DramCompletion> enqueue(const DramRequest& r);
  // The next cycle >= now at which decide() would make a decision (a queued request or a due
  // refresh), or UINT64_MAX when there is nothing to do. With an empty queue it answers UINT64_MAX
  // even when a refresh will fall due: refreshes that fell due while idle are performed (at their
  // due cycles where nothing prevents it) by the next decide() or serve().
  std::uint64_t next_decision(std::uint64_t now) const;
  // Makes at most one decision at cycle `now` (>= the previous decision + 1): performs a due
  // refresh, else picks a request by the spec's scheduler and places its commands. Returns the completion of
  // the request it scheduled (done may lie in the future), or nothing.
  std::optional<DramCompletion> decide(std::uint64_t now);

  // ---- immediate mode (LT) ----
  // Serves one request now (refreshes that fell due first); same timing state as queued mode.
  DramCompletion serve(const DramRequest& r);

  // Appends every command placed from now on to *log (nullptr stops logging).
  void record_commands(std::vector<DramCommand>* log);

  // Statistics so far; background energy is integrated up to end_cycle.
  DramChannelStats stats(std::uint64_t end_cycle) const;
  const DramSpec& spec() const { return spec_; }

 private:
  // (implementation detail: bank, bank-group, rank and channel timing state, the queue,
  // a latency histogram, open-bank time accounting)
  struct Impl;
  const DramSpec& spec_;
  std::uint32_t index_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace savp::memory
