#include "tlm/memory/dram_target.hpp"

#include <algorithm>
#include <limits>

#include "models/common/int_math.hpp"
#include "tlm/core/extensions.hpp"

namespace savp::sc {

namespace {
constexpr std::uint64_t kNoPlan = std::numeric_limits<std::uint64_t>::max();
}  // namespace

using sc_core::SC_NS;
using sc_core::sc_time;

DramTarget::DramTarget(sc_core::sc_module_name name, const memory::DramSpec& spec, std::uint64_t size_bytes)
    : sc_module(name),
      tgt_socket("tgt_socket"),
      spec_(spec),
      map_(spec_),
      store_(size_bytes),
      tck_(spec.timing.tck_ns, SC_NS),
      tck_ticks_(std::max<std::uint64_t>(1, tck_.value())),
      responses_(tgt_socket) {
  const std::uint32_t n = spec_.geometry.channels;
  channels_.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    channels_.emplace_back(spec_, i);
  }
  blocked_.assign(n, nullptr);
  blocked_addr_.assign(n, memory::DramAddress{});
  blocked_arrival_.assign(n, sc_core::SC_ZERO_TIME);
  planned_.assign(n, kNoPlan);
  wake_.assign(n, kNoPlan);
  std::size_t ring = 64;
  while (ring < 2 * static_cast<std::size_t>(n) * (spec_.queue_depth + spec_.write_queue_depth)) ring *= 2;
  in_flight_.assign(ring, InFlight{});
  tgt_socket.register_b_transport(this, &DramTarget::b_transport);
  tgt_socket.register_nb_transport_fw(this, &DramTarget::nb_transport_fw);
  tgt_socket.register_transport_dbg(this, &DramTarget::transport_dbg);
  tgt_socket.register_get_direct_mem_ptr(this, &DramTarget::get_direct_mem_ptr);
  sc_core::sc_spawn_options opt;
  opt.spawn_method();
  opt.set_sensitivity(&kick_);
  opt.dont_initialize();
  sc_core::sc_spawn([this] { schedule(); }, "scheduler", &opt);
}

bool DramTarget::check(tlm::tlm_generic_payload& t) {
  const std::uint64_t addr = t.get_address(), len = t.get_data_length(), burst = spec_.geometry.burst_bytes();
  if (t.get_byte_enable_ptr() != nullptr || t.get_streaming_width() < len) {
    t.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  } else if (!store_.contains(addr, len)) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  } else if (len == 0 || len > burst || common::offset_in(addr, burst) + len > burst) {
    t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);  // more than one burst, or crossing one
  } else if (!t.is_read() && !t.is_write()) {
    t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  } else {
    return true;
  }
  return false;
}

void DramTarget::attribute(tlm::tlm_generic_payload& t, memory::RowOutcome outcome) {
  // The burst's data energy, and the ACT+PRE when this request opened its row: what the channel
  // statistics price (refresh and background energy are nobody's in particular).
  if (EnergyHopExtension::live() == 0) return;  // nobody asked for attribution
  const double bits = 8.0 * static_cast<double>(spec_.geometry.burst_bytes());
  double pj = bits * (t.is_read() ? spec_.energy.read_pj_per_bit : spec_.energy.write_pj_per_bit);
  if (outcome != memory::RowOutcome::Hit) pj += spec_.energy.act_pre_pj;
  record_hop_energy(t, hop_name_, pj);
}

void DramTarget::count_initiator(const tlm::tlm_generic_payload& t, const memory::DramRequest& r,
                                 const memory::DramCompletion& c, std::uint64_t decided) {
  memory::InitiatorCounters& k = per_initiator_.at(initiator_of(t));
  const double tck = spec_.timing.tck_ns;
  ++k.requests;
  (t.is_read() ? k.bytes_read : k.bytes_written) += t.get_data_length();
  k.latency_ns.add(tck * static_cast<double>(c.done - r.arrival));
  if (c.forwarded) return;  // served from the write queue: no burst, no row
  ++(c.outcome == memory::RowOutcome::Hit    ? k.row_hits
     : c.outcome == memory::RowOutcome::Miss ? k.row_misses
                                             : k.row_conflicts);
  k.queueing_delay_ns += tck * static_cast<double>(decided > r.arrival ? decided - r.arrival : 0);
  k.data_bus_busy_ns += tck * static_cast<double>(spec_.geometry.burst_cycles());
}

void DramTarget::set_trace(TraceWriter* trace) {
  trace_ = trace;
  trace_tracks_.clear();
  if (trace_ == nullptr) return;
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    trace_tracks_.push_back(trace_->track("memory", std::string(name()) + " ch" + std::to_string(i)));
  }
}

void DramTarget::set_power(common::PowerProfile* power) {
  power_ = power;
  if (power_ == nullptr) return;
  power_id_ = power_->component(name());
  power_logs_.resize(channels_.size());
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    power_logs_[i].open.assign(spec_.geometry.banks() * spec_.geometry.ranks, 0);
    channels_[i].record_commands(&power_logs_[i].commands);
  }
}

// The energy of the commands placed since the last drain, each at its command cycle, priced as
// DramChannel::stats() prices them (ACT+PRE at the ACT; the precharge is in that price).
void DramTarget::drain_power(std::uint32_t ch) {
  PowerLog& log = power_logs_[ch];
  const memory::DramEnergy& en = spec_.energy;
  const double tck = spec_.timing.tck_ns,
               burst_bits = 8.0 * static_cast<double>(spec_.geometry.burst_bytes());
  const std::uint32_t per_rank = spec_.geometry.banks(), per_group = spec_.geometry.banks_per_group;
  for (const memory::DramCommand& c : log.commands) {
    const double t = static_cast<double>(c.cycle) * tck;
    const std::uint32_t flat = c.rank * per_rank + c.bank_group * per_group + c.bank;
    switch (c.kind) {
      case memory::DramCommandKind::Act:
        power_->add_at(power_id_, t, en.act_pre_pj);
        log.open[flat] = 1;
        log.events.emplace_back(c.cycle, +1);
        break;
      case memory::DramCommandKind::Pre:
        log.open[flat] = 0;
        log.events.emplace_back(c.cycle, -1);
        break;
      case memory::DramCommandKind::PreAll:
        for (std::uint32_t b = c.rank * per_rank; b < (c.rank + 1) * per_rank; ++b) {
          if (log.open[b] == 0) continue;
          log.open[b] = 0;
          log.events.emplace_back(c.cycle, -1);
        }
        break;
      case memory::DramCommandKind::Rd:
        power_->add_at(power_id_, t, burst_bits * en.read_pj_per_bit);
        break;
      case memory::DramCommandKind::Wr:
        power_->add_at(power_id_, t, burst_bits * en.write_pj_per_bit);
        break;
      case memory::DramCommandKind::Ref:
        power_->add_at(power_id_, t, en.refresh_pj);
        break;
    }
  }
  log.commands.clear();
}

// Background energy, as DramChannel::stats(end_cycle_) integrates it: active power over the cycles
// of [0, end_cycle_) with a bank open, precharged power over the rest, placed on those cycles.
void DramTarget::finish_power() {
  if (power_ == nullptr) return;
  const memory::DramEnergy& en = spec_.energy;
  const double tck = spec_.timing.tck_ns;
  for (std::uint32_t ch = 0; ch < channels_.size(); ++ch) {
    drain_power(ch);
    std::vector<std::pair<std::uint64_t, int>>& ev = power_logs_[ch].events;
    std::stable_sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::uint64_t last = 0;
    std::int64_t count = 0;
    auto segment = [&](std::uint64_t to) {
      if (to <= last) return;
      const double mw = count > 0 ? en.background_active_mw : en.background_precharged_mw;
      const double t0 = static_cast<double>(last) * tck, t1 = static_cast<double>(to) * tck;
      power_->add_over(power_id_, t0, t1, mw * (t1 - t0));  // 1 mW x 1 ns = 1 pJ
    };
    for (const auto& [t, delta] : ev) {
      if (t >= end_cycle_) break;
      segment(t);
      last = std::max(last, t);
      count += delta;
    }
    segment(end_cycle_);
  }
}

void DramTarget::trace_signals(sc_core::sc_trace_file* file) {
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    const std::string n = "queue_ch" + std::to_string(i);
    occupancy_.push_back(std::make_unique<sc_core::sc_signal<unsigned>>(n.c_str()));
    sc_core::sc_trace(file, *occupancy_.back(), std::string(name()) + "." + n);
  }
}

void DramTarget::trace_request(std::uint32_t ch, const tlm::tlm_generic_payload& t,
                               const memory::DramRequest& r, const memory::DramCompletion& c) {
  static const char* kOutcome[] = {"hit", "miss", "conflict"};
  const double start = static_cast<double>(r.arrival) * spec_.timing.tck_ns;
  trace_->complete(trace_tracks_[ch], t.is_read() ? "read" : "write", start,
                   static_cast<double>(c.done) * spec_.timing.tck_ns - start,
                   {{"bank", r.addr.flat_bank(spec_.geometry)},
                    {"row", r.addr.row},
                    {"row_buffer", kOutcome[static_cast<int>(c.outcome)]}});
}

void DramTarget::move_data(tlm::tlm_generic_payload& t) {
  const bool data = carries_data(t);  // a timing-only transaction leaves the store alone
  if (t.is_read()) {
    if (data) store_.read(t.get_address(), t.get_data_ptr(), t.get_data_length());
    bytes_read_ += t.get_data_length();
  } else {
    if (data) store_.write(t.get_address(), t.get_data_ptr(), t.get_data_length());
    bytes_written_ += t.get_data_length();
  }
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

void DramTarget::b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
  if (!check(t)) return;
  move_data(t);
  const sc_time now = sc_core::sc_time_stamp();
  memory::DramRequest r;
  r.id = next_id_++;
  r.write = t.is_write();
  r.arrival = cycle_of(now + delay);
  r.addr = map_.decode(t.get_address());
  const memory::DramCompletion c = channels_[r.addr.channel].serve(r);
  if (power_ != nullptr) drain_power(r.addr.channel);
  attribute(t, c.outcome);
  if (per_initiator_.enabled()) count_initiator(t, r, c, r.arrival);
  if (trace_ != nullptr) trace_request(r.addr.channel, t, r, c);
  end_cycle_ = std::max(end_cycle_, c.done);
  delay = time_of(c.done) - now;
}

tlm::tlm_sync_enum DramTarget::nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase,
                                               sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    if (!check(t)) {
      phase = tlm::BEGIN_RESP;  // error: answer at once
      return tlm::TLM_UPDATED;
    }
    const memory::DramAddress a = map_.decode(t.get_address());
    const std::uint32_t ch = a.channel;
    if (channels_[ch].full(t.is_write(), cycle_of(sc_core::sc_time_stamp())) || blocked_[ch] != nullptr) {
      blocked_[ch] = &t;  // END_REQ held back: the initiator may not send another request
      blocked_addr_[ch] = a;
      blocked_arrival_[ch] = sc_core::sc_time_stamp() + delay;
      return tlm::TLM_ACCEPTED;
    }
    accept(ch, t, a, delay);
    phase = tlm::END_REQ;
    return tlm::TLM_UPDATED;
  }
  if (phase == tlm::END_RESP) {
    responses_.end_response();
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_ACCEPTED;
}

void DramTarget::track(const InFlight& f) {
  const std::uint64_t id = f.request.id;
  std::size_t mask = in_flight_.size() - 1;
  if (in_flight_[id & mask].trans != nullptr) {  // taken: grow until every id in flight has its own slot
    std::vector<InFlight> grown;
    for (std::size_t size = in_flight_.size() * 2;; size *= 2) {
      grown.assign(size, InFlight{});
      bool ok = true;
      for (const InFlight& x : in_flight_) {
        if (x.trans == nullptr) continue;
        InFlight& slot = grown[x.request.id & (size - 1)];
        if (slot.trans != nullptr) {
          ok = false;
          break;
        }
        slot = x;
      }
      if (ok && grown[id & (size - 1)].trans == nullptr) break;
    }
    in_flight_.swap(grown);
    mask = in_flight_.size() - 1;
  }
  in_flight_[id & mask] = f;
}

void DramTarget::accept(std::uint32_t ch, tlm::tlm_generic_payload& t, const memory::DramAddress& a,
                        const sc_time& delay, bool kick) {
  move_data(t);  // data move in arrival order
  memory::DramRequest r;
  r.id = next_id_++;
  r.write = t.is_write();
  const sc_time now_t = sc_core::sc_time_stamp();
  r.arrival = cycle_of(now_t + delay);
  r.addr = a;
  if (const std::optional<memory::DramCompletion> fwd = channels_[ch].enqueue(r)) {
    // Served from the write queue: no DRAM command, the response at its arrival.
    if (per_initiator_.enabled()) count_initiator(t, r, *fwd, r.arrival);
    if (trace_ != nullptr) trace_request(ch, t, r, *fwd);
    end_cycle_ = std::max(end_cycle_, fwd->done);
    responses_.respond_after(t, time_of(fwd->done) - now_t);
    kick_.notify(sc_core::SC_ZERO_TIME);  // the scheduler sends the response
    return;
  }
  track(InFlight{&t, r});
  planned_[ch] = kNoPlan;
  if (!kick) return;
  // Adding a request only brings the next decision forward: kick the scheduler only when it now
  // falls before the pending wake-up (a kicked scheduler would re-plan to the same cycle).
  if (wake_[ch] != kNoPlan) {
    const std::uint64_t next = channels_[ch].next_decision(cycle_of(now_t));
    if (next >= wake_[ch]) {
      planned_[ch] = next;  // what the scheduler would compute on waking: nothing changes before
      return;
    }
  }
  wake_[ch] = 0;
  kick_.notify(sc_core::SC_ZERO_TIME);
}

void DramTarget::schedule() {
  const sc_time now_t = sc_core::sc_time_stamp();
  const std::uint64_t now = cycle_of(now_t);
  responses_.deliver_due();
  for (std::uint32_t ch = 0; ch < channels_.size(); ++ch) {
    if (wake_[ch] <= now) step(ch, now_t, now);
  }
  // END_REQ for the requests admitted above, once every channel has decided: an initiator may
  // send its next request from within the call, and it then finds this cycle's freed slots.
  for (std::size_t i = 0; i < admitted_.size(); ++i) {
    tlm::tlm_phase phase = tlm::END_REQ;
    sc_time delay = admitted_[i].second;
    tgt_socket->nb_transport_bw(*admitted_[i].first, phase, delay);
  }
  admitted_.clear();
  std::uint64_t next = kNoPlan;
  for (std::uint32_t ch = 0; ch < channels_.size(); ++ch) next = std::min(next, wake_[ch]);
  if (next == kNoPlan && !responses_.pending()) {
    sc_core::next_trigger(kick_);
    return;
  }
  sc_time at = next == kNoPlan ? responses_.next_due() : time_of(next);
  if (responses_.pending()) at = std::min(at, responses_.next_due());
  // A request accepted from within the END_REQ calls above may want a decision now (wake 0).
  sc_core::next_trigger(at > now_t ? at - now_t : sc_core::SC_ZERO_TIME, kick_);
}

void DramTarget::step(std::uint32_t ch, const sc_time& now_t, std::uint64_t now) {
  memory::DramChannel& c = channels_[ch];
  const std::uint64_t next =
      planned_[ch] >= now && planned_[ch] != kNoPlan ? planned_[ch] : c.next_decision(now);
  planned_[ch] = kNoPlan;
  const bool decide_now = next != kNoPlan && next <= now && time_of(now) <= now_t;
  if (!decide_now && blocked_[ch] == nullptr) {
    wake_[ch] = next;  // kNoPlan when there is nothing to decide
    return;
  }
  if (decide_now) {
    const std::optional<memory::DramCompletion> done = c.decide(now);
    if (power_ != nullptr) drain_power(ch);
    if (done) {
      InFlight& f = in_flight_[done->id & (in_flight_.size() - 1)];
      tlm::tlm_generic_payload* t = f.trans;
      attribute(*t, done->outcome);
      if (per_initiator_.enabled()) count_initiator(*t, f.request, *done, now);
      if (trace_ != nullptr) trace_request(ch, *t, f.request, *done);
      if (!occupancy_.empty()) occupancy_[ch]->write(static_cast<unsigned>(c.queued()));
      f.trans = nullptr;
      end_cycle_ = std::max(end_cycle_, done->done);
      responses_.respond_after(*t, time_of(done->done) - now_t);
    }
  }
  // A slot frees when a decided request's column command issues (possibly without a decision now).
  bool admitted = false;
  if (blocked_[ch] != nullptr && !c.full(blocked_[ch]->is_write(), now)) {  // admit the waiting request
    tlm::tlm_generic_payload* t = blocked_[ch];
    blocked_[ch] = nullptr;
    // Admitted now, or at its own arrival time when a slot frees before the request has arrived:
    // END_REQ never precedes the BEGIN_REQ's annotated time.
    sc_time delay = blocked_arrival_[ch] > now_t ? blocked_arrival_[ch] - now_t : sc_core::SC_ZERO_TIME;
    accept(ch, *t, blocked_addr_[ch], delay, false);  // re-planned below
    admitted_.emplace_back(t, delay);                 // its END_REQ goes after every channel's step
    admitted = true;
  }
  const std::uint64_t after = decide_now || admitted ? c.next_decision(decide_now ? now + 1 : now) : next;
  // Still blocked: wake when the next slot of its kind frees, if no decision comes first.
  const std::uint64_t release =
      blocked_[ch] != nullptr ? c.next_release(blocked_[ch]->is_write(), now) : kNoPlan;
  wake_[ch] = std::min(after, release);
  if (after != kNoPlan && (decide_now || admitted)) planned_[ch] = after;
}

unsigned int DramTarget::transport_dbg(tlm::tlm_generic_payload& t) { return debug_transport(store_, t); }

void DramTarget::report_stats(StatsTree& tree) const {
  const std::string n = name();
  tree.set_kind(n, "dram");
  memory::DramChannelStats total;
  double act = 0, rd = 0, wr = 0, ref = 0, bg = 0;
  std::uint64_t lat_count = 0, lat_sum = 0, lat_max = 0, p99 = 0;
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    const memory::DramChannelStats s = channels_[i].stats(end_cycle_);
    const std::string ch = "ch" + std::to_string(i) + ".";
    tree.add(n, ch + "reads", static_cast<double>(s.reads), "burst");
    tree.add(n, ch + "writes", static_cast<double>(s.writes), "burst");
    tree.add(n, ch + "activates", static_cast<double>(s.activates), "command");
    tree.add(n, ch + "precharges", static_cast<double>(s.precharges), "command");
    tree.add(n, ch + "refreshes", static_cast<double>(s.refreshes), "command");
    tree.add(n, ch + "row_hits", static_cast<double>(s.row_hits), "request");
    tree.add(n, ch + "row_misses", static_cast<double>(s.row_misses), "request");
    tree.add(n, ch + "row_conflicts", static_cast<double>(s.row_conflicts), "request");
    tree.add(n, ch + "bandwidth_gbps",
             end_cycle_
                 ? static_cast<double>(s.bytes_read + s.bytes_written) / (end_cycle_ * spec_.timing.tck_ns)
                 : 0.0,
             "GB/s");
    for (std::size_t b = 0; b < s.banks.size(); ++b) {
      const memory::DramBankStats& k = s.banks[b];
      if (k.reads + k.writes + k.activates == 0) continue;
      const std::string bank = ch + "bank" + std::to_string(b) + ".";
      tree.add(n, bank + "reads", static_cast<double>(k.reads), "burst");
      tree.add(n, bank + "writes", static_cast<double>(k.writes), "burst");
      tree.add(n, bank + "activates", static_cast<double>(k.activates), "command");
      tree.add(n, bank + "row_hits", static_cast<double>(k.row_hits), "request");
    }
    total.reads += s.reads;
    total.writes += s.writes;
    total.activates += s.activates;
    total.precharges += s.precharges;
    total.refreshes += s.refreshes;
    total.row_hits += s.row_hits;
    total.row_misses += s.row_misses;
    total.row_conflicts += s.row_conflicts;
    total.bytes_read += s.bytes_read;
    total.bytes_written += s.bytes_written;
    total.reads_forwarded += s.reads_forwarded;
    lat_count += s.latency_count;
    lat_sum += s.latency_sum;
    lat_max = std::max(lat_max, s.latency_max);
    p99 = std::max(p99, s.latency_p99);
    act += s.energy_act_pre_pj;
    rd += s.energy_read_pj;
    wr += s.energy_write_pj;
    ref += s.energy_refresh_pj;
    bg += s.energy_background_pj;
  }
  tree.add(n, "reads", static_cast<double>(total.reads), "burst");
  tree.add(n, "writes", static_cast<double>(total.writes), "burst");
  tree.add(n, "activates", static_cast<double>(total.activates), "command");
  tree.add(n, "precharges", static_cast<double>(total.precharges), "command");
  tree.add(n, "refreshes", static_cast<double>(total.refreshes), "command");
  tree.add(n, "row_hits", static_cast<double>(total.row_hits), "request");
  tree.add(n, "row_misses", static_cast<double>(total.row_misses), "request");
  tree.add(n, "row_conflicts", static_cast<double>(total.row_conflicts), "request");
  if (total.reads_forwarded > 0) {  // absent when none was: read-only runs keep their stats
    tree.add(n, "reads_forwarded_from_write_queue", static_cast<double>(total.reads_forwarded), "request");
  }
  tree.add(n, "bytes_read", static_cast<double>(bytes_read_), "byte");
  tree.add(n, "bytes_written", static_cast<double>(bytes_written_), "byte");
  tree.add(n, "avg_latency_ns",
           lat_count ? spec_.timing.tck_ns * static_cast<double>(lat_sum) / lat_count : 0.0, "ns");
  tree.add(n, "max_latency_ns", spec_.timing.tck_ns * static_cast<double>(lat_max), "ns");
  tree.add(n, "p99_latency_ns_max_over_channels", spec_.timing.tck_ns * static_cast<double>(p99), "ns");
  tree.add(n, "peak_bandwidth_gbps", spec_.peak_bandwidth_gbps(), "GB/s");
  auto per = [](double e, std::uint64_t c) { return c ? e / static_cast<double>(c) : 0.0; };
  const std::uint64_t bg_cycles = end_cycle_ * channels_.size();
  tree.add_actions(n, {{"activate", {total.activates, per(act, total.activates), "ACT+PRE"}},
                       {"read_burst", {total.reads, per(rd, total.reads), "burst"}},
                       {"write_burst", {total.writes, per(wr, total.writes), "burst"}},
                       {"refresh", {total.refreshes, per(ref, total.refreshes), "REF"}},
                       {"background", {bg_cycles, per(bg, bg_cycles), "channel-cycle"}}});
  report_per_initiator(tree, n, {true, true});
}

bool DramTarget::get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  return dmi_page(store_, t, dmi, tck_ * static_cast<double>(spec_.timing.RCD_RD + spec_.timing.RL));
}

}  // namespace savp::sc
