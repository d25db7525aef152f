// SPRINT on-chip K/V buffer, token-interleaved CORELET buffers and rotating pointer: see
// kv_buffer.hpp (shared/reference/sprint.md "Architecture" and "Configurations"; the replacement
// policy is a modelling assumption documented there).
#include "models/sprint/kv_buffer.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

namespace savp::sprint {

SlotsResult slots_from_budget(std::uint64_t budget_bytes, std::uint32_t corelets, std::uint64_t key_bytes,
                              std::uint64_t value_bytes) {
  SlotsResult r;
  if (corelets == 0) {
    r.error = "the number of CORELETs must be at least 1";
    return r;
  }
  if (key_bytes == 0 && value_bytes == 0) {
    r.error = "a token's key + value must take at least 1 byte";
    return r;
  }
  if (key_bytes > std::numeric_limits<std::uint64_t>::max() - value_bytes) {
    r.error = "key_bytes + value_bytes overflows";
    return r;
  }
  const std::uint64_t token = key_bytes + value_bytes;
  const std::uint64_t share = budget_bytes / corelets;
  if (share < token) {
    r.error = "on-chip budget of " + std::to_string(budget_bytes) + " bytes over " +
              std::to_string(corelets) + " CORELET(s) gives " + std::to_string(share) +
              " bytes per CORELET, less than one key + value (" + std::to_string(token) + " bytes)";
    return r;
  }
  r.slots = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(share / token, std::numeric_limits<std::uint32_t>::max()));
  return r;
}

double BufferCounters::hit_rate() const {
  return kept == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(kept);
}

KvBuffer::KvBuffer(std::uint32_t slots) : slots_(slots) {
  if (slots == 0) throw std::invalid_argument("sprint::KvBuffer: slots must be at least 1");
}

std::vector<std::uint32_t> KvBuffer::resident_tokens() const {
  std::vector<std::uint32_t> out;
  out.reserve(stamp_.size());
  for (const auto& kv : stamp_) out.push_back(kv.first);
  std::sort(out.begin(), out.end());
  return out;
}

BufferAccess KvBuffer::access(const std::vector<std::uint32_t>& kept) { return run(kept, nullptr); }

BufferAccess KvBuffer::access(const LocalitySplit& sld) {
  std::vector<std::uint32_t> kept = sld.fetch;
  kept.insert(kept.end(), sld.reuse.begin(), sld.reuse.end());
  return run(std::move(kept), &sld);
}

BufferAccess KvBuffer::run(std::vector<std::uint32_t> kept, const LocalitySplit* sld) {
  std::sort(kept.begin(), kept.end());
  if (std::adjacent_find(kept.begin(), kept.end()) != kept.end()) {
    throw std::invalid_argument("sprint::KvBuffer::access: a token is kept twice");
  }
  const std::uint64_t query = ++now_;
  BufferAccess a;
  std::vector<std::uint32_t> misses;
  for (std::uint32_t t : kept) (resident(t) ? a.hits : misses).push_back(t);

  // Eviction candidates: resident and not kept by this query, least recently used first.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> candidates;
  for (const auto& kv : stamp_) {
    if (!std::binary_search(kept.begin(), kept.end(), kv.first)) candidates.emplace_back(kv.second, kv.first);
  }
  std::sort(candidates.begin(), candidates.end());

  const std::size_t free_slots = slots_ - stamp_.size();
  std::size_t to_evict = 0;
  std::size_t retain = misses.size();
  if (kept.size() <= slots_) {
    // Always enough candidates: misses + resident <= slots + (resident - hits) when kept <= slots.
    to_evict = misses.size() > free_slots ? misses.size() - free_slots : 0;
  } else {
    to_evict = candidates.size();
    retain = slots_ - a.hits.size();  // hits <= resident <= slots
  }
  for (std::size_t i = 0; i < to_evict; ++i) {
    stamp_.erase(candidates[i].second);
    a.evicted.push_back(candidates[i].second);
  }
  for (std::uint32_t t : a.hits) stamp_[t] = query;
  for (std::size_t i = 0; i < misses.size(); ++i) {
    if (i < retain) {
      stamp_[misses[i]] = query;
    } else {
      a.streamed.push_back(misses[i]);
    }
  }
  a.fetched = std::move(misses);

  if (sld != nullptr) {
    for (std::uint32_t t : sld->reuse) {
      if (!std::binary_search(a.hits.begin(), a.hits.end(), t)) a.sld_reuse_refetched.push_back(t);
    }
    for (std::uint32_t t : sld->fetch) {
      if (std::binary_search(a.hits.begin(), a.hits.end(), t)) a.sld_fetch_resident.push_back(t);
    }
    std::sort(a.sld_reuse_refetched.begin(), a.sld_reuse_refetched.end());
    std::sort(a.sld_fetch_resident.begin(), a.sld_fetch_resident.end());
    counters_.sld_reuse += sld->reuse.size();
    counters_.sld_fetch += sld->fetch.size();
    counters_.sld_reuse_refetched += a.sld_reuse_refetched.size();
    counters_.sld_fetch_resident += a.sld_fetch_resident.size();
  }
  counters_.queries += 1;
  counters_.kept += kept.size();
  counters_.hits += a.hits.size();
  counters_.fetched += a.fetched.size();
  counters_.streamed += a.streamed.size();
  counters_.evicted += a.evicted.size();
  return a;
}

// ---- token interleaving ----

InterleavedKvBuffers::InterleavedKvBuffers(std::uint32_t corelets, std::uint32_t slots_per_corelet) {
  if (corelets == 0) throw std::invalid_argument("sprint::InterleavedKvBuffers: corelets must be at least 1");
  buffers_.reserve(corelets);
  for (std::uint32_t c = 0; c < corelets; ++c) buffers_.emplace_back(slots_per_corelet);
}

namespace {

void append_sorted(std::vector<std::uint32_t>& into, const std::vector<std::uint32_t>& from) {
  const auto mid = into.insert(into.end(), from.begin(), from.end());
  std::inplace_merge(into.begin(), mid, into.end());
}

void merge_access(BufferAccess& into, const BufferAccess& from) {
  append_sorted(into.hits, from.hits);
  append_sorted(into.fetched, from.fetched);
  append_sorted(into.streamed, from.streamed);
  into.evicted.insert(into.evicted.end(), from.evicted.begin(), from.evicted.end());
  append_sorted(into.sld_reuse_refetched, from.sld_reuse_refetched);
  append_sorted(into.sld_fetch_resident, from.sld_fetch_resident);
}

std::vector<std::vector<std::uint32_t>> deal(const std::vector<std::uint32_t>& tokens, std::size_t n) {
  std::vector<std::vector<std::uint32_t>> out(n);
  for (std::uint32_t t : tokens) out[t % n].push_back(t);
  for (auto& v : out) std::sort(v.begin(), v.end());
  return out;
}

}  // namespace

BufferAccess InterleavedKvBuffers::access(const std::vector<std::uint32_t>& kept) {
  const auto parts = deal(kept, buffers_.size());
  BufferAccess all;
  for (std::size_t c = 0; c < buffers_.size(); ++c) merge_access(all, buffers_[c].access(parts[c]));
  return all;
}

BufferAccess InterleavedKvBuffers::access(const LocalitySplit& sld) {
  const auto fetch = deal(sld.fetch, buffers_.size());
  const auto reuse = deal(sld.reuse, buffers_.size());
  BufferAccess all;
  for (std::size_t c = 0; c < buffers_.size(); ++c) {
    merge_access(all, buffers_[c].access(LocalitySplit{fetch[c], reuse[c]}));
  }
  return all;
}

BufferCounters InterleavedKvBuffers::counters() const {
  BufferCounters s;
  for (const KvBuffer& b : buffers_) {
    const BufferCounters& c = b.counters();
    s.queries = std::max(s.queries, c.queries);  // every CORELET sees every query
    s.kept += c.kept;
    s.hits += c.hits;
    s.fetched += c.fetched;
    s.streamed += c.streamed;
    s.evicted += c.evicted;
    s.sld_reuse += c.sld_reuse;
    s.sld_fetch += c.sld_fetch;
    s.sld_reuse_refetched += c.sld_reuse_refetched;
    s.sld_fetch_resident += c.sld_fetch_resident;
  }
  return s;
}

void InterleavedKvBuffers::clear() {
  for (KvBuffer& b : buffers_) b.clear();
}

// ---- rotating pointer ----

PointerSchedule schedule_keys(const std::vector<std::uint64_t>& arrival,
                              const std::vector<std::uint64_t>& cost, std::uint32_t corelets) {
  if (corelets == 0) throw std::invalid_argument("sprint::schedule_keys: corelets must be at least 1");
  if (arrival.size() != cost.size()) {
    throw std::invalid_argument("sprint::schedule_keys: " + std::to_string(arrival.size()) +
                                " arrival times but " + std::to_string(cost.size()) + " costs");
  }
  PointerSchedule s;
  s.rotating_order.resize(corelets);
  for (std::uint32_t c = 0; c < corelets; ++c) {
    std::vector<std::uint32_t> keys;  // global key positions of this CORELET, stream order
    for (std::size_t k = c; k < arrival.size(); k += corelets) keys.push_back(static_cast<std::uint32_t>(k));
    const std::size_t m = keys.size();
    std::uint64_t work = 0;
    for (std::uint32_t k : keys) work += cost[k];

    // In order.
    std::uint64_t t = 0;
    for (std::uint32_t k : keys) t = std::max(t, arrival[k]) + cost[k];
    s.in_order_completion = std::max(s.in_order_completion, t);
    s.in_order_stall_cycles += t - work;

    // Rotating pointer over local indices 0..m-1.
    std::vector<std::uint32_t> by_arrival(m);
    for (std::size_t j = 0; j < m; ++j) by_arrival[j] = static_cast<std::uint32_t>(j);
    std::stable_sort(by_arrival.begin(), by_arrival.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return arrival[keys[a]] < arrival[keys[b]]; });
    std::set<std::uint32_t> ready;  // arrived, unprocessed local indices
    std::size_t next_arrival = 0;
    std::uint32_t pointer = 0;
    t = 0;
    for (std::size_t done = 0; done < m; ++done) {
      while (next_arrival < m && arrival[keys[by_arrival[next_arrival]]] <= t) {
        ready.insert(by_arrival[next_arrival++]);
      }
      if (ready.empty()) {  // nothing arrived: wait for the earliest arrival
        t = arrival[keys[by_arrival[next_arrival]]];
        while (next_arrival < m && arrival[keys[by_arrival[next_arrival]]] <= t) {
          ready.insert(by_arrival[next_arrival++]);
        }
      }
      auto it = ready.lower_bound(pointer);
      if (it == ready.end()) it = ready.begin();  // wrap around
      const std::uint32_t j = *it;
      ready.erase(it);
      t += cost[keys[j]];
      pointer = j + 1;
      s.rotating_order[c].push_back(keys[j]);
    }
    s.rotating_completion = std::max(s.rotating_completion, t);
    s.rotating_stall_cycles += t - work;
  }
  s.stall_cycles_avoided = s.in_order_stall_cycles - s.rotating_stall_cycles;
  return s;
}

PointerSchedule schedule_keys(const std::vector<std::uint64_t>& arrival, std::uint64_t cost_per_key,
                              std::uint32_t corelets) {
  return schedule_keys(arrival, std::vector<std::uint64_t>(arrival.size(), cost_per_key), corelets);
}

}  // namespace savp::sprint
