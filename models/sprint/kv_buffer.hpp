// SPRINT on-chip K/V buffer and rotating pointer (Yazdanbakhsh et al., MICRO 2022;
// shared/reference/sprint.md "Architecture": CORELETs with K/V buffers, token interleaving, rotating
// pointer on a buffer miss; "Configurations": S/M/L-SPRINT 16/32/64 KB total, 1/2/4 CORELETs).
// Pure C++ (no SystemC), functionally exact for the policies documented below. The paper's own
// replacement policy is not in the sources: the policy here is a MODELLING ASSUMPTION.
//
// Capacity (slots_from_budget): a slot holds one token's key and value. ASSUMPTION: the whole
// on-chip budget goes to K/V buffers and is split evenly across CORELETs:
//   slots per CORELET = floor(floor(budget_bytes / corelets) / (key_bytes + value_bytes)).
// A budget whose per-CORELET share cannot hold one key + value is a bad input: slots = 0 and an
// error string the caller reports.
//
// Replacement (KvBuffer::access, one call per query, kept tokens in ascending order = stream order):
//   - hits    = kept tokens resident at the start of the query (read from the buffer, no fetch);
//   - misses  = kept tokens not resident: fetched from ReRAM, in ascending token order;
//   - room for the misses is made by evicting resident tokens NOT kept by the current query, least
//     recently used first (last query that kept them; ties: lower token index first). Tokens kept
//     by the current query are never evicted while it runs;
//   - capacity overflow (kept > slots): the query's keys stream through the buffer in chunks. Hits
//     stay; every non-kept resident token is evicted; the first (slots - hits) misses in stream order
//     are retained; the remaining (kept - slots) misses are fetched, used and NOT retained
//     ("streamed"). They pass through a staging slot not counted in `slots` (ASSUMPTION).
//   - every hit and retained miss gets the current query as its last use (LRU stamp).
// SLD consistency: SLD (locality.hpp) only compares P(t) with P(t-1); the buffer is the truth. A token
// SLD calls "reuse" that is not resident (streamed or evicted earlier) is refetched; a token SLD calls
// "fetch" that is still resident (kept two or more queries ago) is a hit. access(kept, sld) reports
// both sets so the caller can show SLD's view next to the buffer's.
//
// Token interleaving (InterleavedKvBuffers): token i belongs to CORELET i % N, each with its own
// KvBuffer of the same slot count; results are merged in ascending token order.
//
// Rotating pointer (schedule_keys): see the comment on schedule_keys below.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/sprint/locality.hpp"

namespace savp::sprint {

struct SlotsResult {
  std::uint32_t slots = 0;  // per CORELET; 0 on error
  std::string error;        // empty when ok
  bool ok() const { return error.empty(); }
};

// Slots per CORELET for a total on-chip budget split evenly over `corelets` (see the header comment).
// Errors: corelets == 0, key_bytes + value_bytes == 0, or a per-CORELET share smaller than one
// key + value. A slot count above 2^32 - 1 is clamped to it.
SlotsResult slots_from_budget(std::uint64_t budget_bytes, std::uint32_t corelets, std::uint64_t key_bytes,
                              std::uint64_t value_bytes);

struct BufferAccess {
  std::vector<std::uint32_t> hits;      // kept and resident at query start (ascending)
  std::vector<std::uint32_t> fetched;   // kept and not resident: read from ReRAM (ascending)
  std::vector<std::uint32_t> streamed;  // subset of fetched not retained (capacity overflow)
  std::vector<std::uint32_t> evicted;   // evicted during this query, in eviction order (per CORELET in turn)
  // Only filled by access(kept, sld):
  std::vector<std::uint32_t> sld_reuse_refetched;  // SLD reuse, but not resident: fetched
  std::vector<std::uint32_t> sld_fetch_resident;   // SLD fetch, but resident: a hit
};

// Cumulative over every access() since construction or reset_counters().
struct BufferCounters {
  std::uint64_t queries = 0;
  std::uint64_t kept = 0;
  std::uint64_t hits = 0;
  std::uint64_t fetched = 0;
  std::uint64_t streamed = 0;
  std::uint64_t evicted = 0;
  std::uint64_t sld_reuse = 0;            // |sld.reuse| summed (access with SLD only)
  std::uint64_t sld_fetch = 0;            // |sld.fetch| summed (access with SLD only)
  std::uint64_t sld_reuse_refetched = 0;  // summed sizes of the BufferAccess fields of the same name
  std::uint64_t sld_fetch_resident = 0;
  double hit_rate() const;  // hits / kept (0 when nothing kept)
};

class KvBuffer {
 public:
  // slots >= 1 (std::invalid_argument otherwise: take the count from slots_from_budget).
  explicit KvBuffer(std::uint32_t slots);

  // One query: `kept` is the query's kept token list (any order, duplicates are an error:
  // std::invalid_argument); it is processed in ascending order.
  BufferAccess access(const std::vector<std::uint32_t>& kept);
  // Same, with the kept set taken as sld.fetch + sld.reuse, and SLD's view reconciled with residency.
  BufferAccess access(const LocalitySplit& sld);

  bool resident(std::uint32_t token) const { return stamp_.count(token) != 0; }
  std::vector<std::uint32_t> resident_tokens() const;  // ascending
  std::uint32_t slots() const { return slots_; }
  std::uint32_t occupancy() const { return static_cast<std::uint32_t>(stamp_.size()); }
  void clear() { stamp_.clear(); }  // a new head: nothing resident (counters kept)

  const BufferCounters& counters() const { return counters_; }
  void reset_counters() { counters_ = BufferCounters{}; }

 private:
  BufferAccess run(std::vector<std::uint32_t> kept, const LocalitySplit* sld);
  std::uint32_t slots_;
  std::uint64_t now_ = 0;                                   // queries served (LRU clock)
  std::unordered_map<std::uint32_t, std::uint64_t> stamp_;  // resident token -> last query that kept it
  BufferCounters counters_;
};

// N CORELET buffers with token interleaving (token i -> CORELET i % N).
class InterleavedKvBuffers {
 public:
  // corelets >= 1 and slots_per_corelet >= 1 (std::invalid_argument).
  InterleavedKvBuffers(std::uint32_t corelets, std::uint32_t slots_per_corelet);
  BufferAccess access(const std::vector<std::uint32_t>& kept);
  BufferAccess access(const LocalitySplit& sld);
  const KvBuffer& corelet(std::uint32_t c) const { return buffers_.at(c); }
  std::uint32_t corelets() const { return static_cast<std::uint32_t>(buffers_.size()); }
  BufferCounters counters() const;  // sum over CORELETs
  void clear();

 private:
  std::vector<KvBuffer> buffers_;
};

// Rotating pointer. The query's kept keys, in stream order k = 0..n-1, are dealt to N CORELETs by
// token interleaving: key k goes to CORELET k % N. arrival[k] is the cycle at which key k's K/V is in
// the buffer (0 for reused keys); cost[k] the cycles a CORELET spends on it (QK + V work). Each
// CORELET processes one key at a time, non-preemptively, starting at cycle 0:
//   - in-order: its keys strictly in stream order; a key not yet arrived stalls the CORELET;
//   - rotating: a pointer over the CORELET's unprocessed keys. When the CORELET is free at cycle t
//     it takes the first key at or after the pointer (circularly, wrapping to its first unprocessed
//     key) whose arrival <= t, and the pointer moves past it. If none has arrived it waits for the
//     earliest arrival (a stall no policy can avoid) and scans again from the pointer.
// Stall cycles of a CORELET = its finish cycle - the sum of its keys' costs (idle cycles before it
// finishes). Completion = max over CORELETs of the finish cycle (0 for no keys). The rotating policy
// never idles with an arrived key waiting, so its completion is <= the in-order one (for one machine
// every work-conserving order ends at the same, earliest possible, cycle).
struct PointerSchedule {
  std::uint64_t in_order_completion = 0;
  std::uint64_t rotating_completion = 0;
  std::uint64_t in_order_stall_cycles = 0;                 // summed over CORELETs
  std::uint64_t rotating_stall_cycles = 0;                 // summed over CORELETs
  std::uint64_t stall_cycles_avoided = 0;                  // in_order_stall_cycles - rotating_stall_cycles
  std::vector<std::vector<std::uint32_t>> rotating_order;  // per CORELET, the key positions in order
};

// arrival and cost must have the same size and corelets >= 1 (std::invalid_argument).
PointerSchedule schedule_keys(const std::vector<std::uint64_t>& arrival,
                              const std::vector<std::uint64_t>& cost, std::uint32_t corelets);
// The same with one cost for every key.
PointerSchedule schedule_keys(const std::vector<std::uint64_t>& arrival, std::uint64_t cost_per_key,
                              std::uint32_t corelets);

}  // namespace savp::sprint
