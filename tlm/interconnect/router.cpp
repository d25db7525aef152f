#include "tlm/interconnect/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "tlm/core/extensions.hpp"

namespace savp::sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

Router::Router(sc_core::sc_module_name name, const RouterConfig& config)
    : sc_module(name), tgt_socket("tgt_socket"), init_socket("init_socket"), config_(config) {
  ns_per_byte_ = config.bandwidth_gbps > 0 ? 1.0 / config.bandwidth_gbps : 0.0;
  tgt_socket.register_b_transport(this, &Router::b_transport);
  tgt_socket.register_transport_dbg(this, &Router::transport_dbg);
  tgt_socket.register_nb_transport_fw(this, &Router::nb_transport_fw);
  init_socket.register_nb_transport_bw(this, &Router::nb_transport_bw);
  tgt_socket.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  init_socket.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
}

void Router::set_arbitration(Arbitration policy, std::vector<InitiatorQos> qos_by_id) {
  arbitration_ = policy;
  qos_ = std::move(qos_by_id);
  cap_ns_per_byte_.clear();
  has_caps_ = false;
  for (const InitiatorQos& q : qos_) {
    cap_ns_per_byte_.push_back(q.bandwidth_cap_gbps > 0 ? 1.0 / q.bandwidth_cap_gbps : 0.0);
    has_caps_ = has_caps_ || q.bandwidth_cap_gbps > 0;
  }
  next_allowed_.assign(qos_.size(), SC_ZERO_TIME);
}

void Router::map(const AddressWindow& w) {
  if (w.size == 0) throw std::invalid_argument("address window " + w.name + " is empty");
  for (const auto& o : windows_) {
    if (w.base < o.base + o.size && o.base < w.base + w.size) {
      throw std::invalid_argument("address window " + w.name + " overlaps " + o.name);
    }
  }
  windows_.push_back(w);
  while (ports_.size() <= w.port) {
    ports_.emplace_back();
    const unsigned p = static_cast<unsigned>(ports_.size() - 1);
    ports_.back().wake = std::make_unique<sc_core::sc_event>();
    sc_core::sc_spawn_options opt;
    opt.spawn_method();
    opt.set_sensitivity(ports_.back().wake.get());
    opt.dont_initialize();
    sc_core::sc_spawn([this, p] { dispatch(p); }, sc_core::sc_gen_unique_name("arbiter"), &opt);
  }
}

const AddressWindow* Router::decode(std::uint64_t addr, std::uint64_t len) const {
  for (const auto& w : windows_) {
    if (addr >= w.base && len <= w.size && addr - w.base <= w.size - len) return &w;
  }
  return nullptr;
}

sc_time Router::occupy(const tlm::tlm_generic_payload& t) const {
  if (ns_per_byte_ == 0.0) return SC_ZERO_TIME;  // unlimited bandwidth
  const std::uint32_t len = t.get_data_length();
  if (len != occupy_len_) {  // sc_time from a double costs more than the rest of the hop
    occupy_len_ = len;
    occupy_time_ = sc_time(static_cast<double>(len) * ns_per_byte_, sc_core::SC_NS);
  }
  return occupy_time_;
}

sc_time Router::charge(Port& port, const AddressWindow& w, tlm::tlm_generic_payload& t, const sc_time& start,
                       const sc_time& arrive) {
  const sc_time busy = occupy(t);
  const std::uint32_t len = t.get_data_length();
  ++port.requests;
  port.bytes += len;
  port.busy_time += busy;
  record_hop_energy(t, hop_name_, static_cast<double>(len) * config_.pj_per_byte);
  if (power_ != nullptr) {
    const double start_ns = start.to_seconds() * 1e9;
    power_->add_over(power_id_, start_ns, start_ns + busy.to_seconds() * 1e9,
                     static_cast<double>(len) * config_.pj_per_byte);
  }
  if (!has_caps_ && !per_initiator_) return busy;
  const std::uint32_t id = initiator_of(t);
  if (has_caps_ && id < cap_ns_per_byte_.size() && cap_ns_per_byte_[id] > 0) {
    next_allowed_[id] = std::max(start, next_allowed_[id]) +
                        sc_time(static_cast<double>(len) * cap_ns_per_byte_[id], sc_core::SC_NS);
  }
  if (per_initiator_) {
    InitiatorState& s = initiator_state(id);
    RouterInitiatorCounters::Window& c = s.windows[static_cast<std::size_t>(&w - windows_.data())];
    ++c.requests;
    (t.is_write() ? c.bytes_written : c.bytes_read) += len;
    c.busy_ns += busy.to_seconds() * 1e9;
    if (start > arrive) s.queueing_delay_ns += (start - arrive).to_seconds() * 1e9;
    if (trace_ != nullptr) {
      if (s.counter_track < 0) s.counter_track = trace_->counter(name(), initiator_names_[id] + " GB/s");
      trace_->count(s.counter_track, start.to_seconds() * 1e9, static_cast<double>(len));
    }
  }
  return busy;
}

Router::InitiatorState& Router::initiator_state(std::uint32_t id) {
  while (initiators_.size() <= id) {
    initiators_.emplace_back();
    initiators_.back().windows.resize(windows_.size());
  }
  while (initiator_names_.size() <= id)
    initiator_names_.push_back("initiator" + std::to_string(initiator_names_.size()));
  InitiatorState& s = initiators_[id];
  if (s.windows.size() < windows_.size()) s.windows.resize(windows_.size());
  return s;
}

void Router::record_latency(const tlm::tlm_generic_payload& t, const sc_time& enter, const sc_time& leave) {
  if (!per_initiator_) return;
  initiator_state(initiator_of(t)).latency_ns.add(leave > enter ? (leave - enter).to_seconds() * 1e9 : 0.0);
}

void Router::enable_per_initiator(std::vector<std::string> names_by_id) {
  per_initiator_ = true;
  initiator_names_ = std::move(names_by_id);
  initiator_state(initiator_names_.empty() ? 0 : static_cast<std::uint32_t>(initiator_names_.size() - 1));
}

RouterInitiatorCounters RouterInitiatorCounters::since(const RouterInitiatorCounters& earlier) const {
  RouterInitiatorCounters d = *this;
  d.requests -= earlier.requests;
  for (const auto& [name, e] : earlier.by_window) {
    Window& w = d.by_window[name];
    w.requests -= e.requests;
    w.bytes_read -= e.bytes_read;
    w.bytes_written -= e.bytes_written;
    w.busy_ns -= e.busy_ns;
  }
  d.latency_ns.subtract(earlier.latency_ns);
  d.queueing_delay_ns -= earlier.queueing_delay_ns;
  return d;
}

RouterInitiatorCounters Router::initiator_counters(std::uint32_t id) const {
  RouterInitiatorCounters out;
  if (id >= initiators_.size()) return out;
  const InitiatorState& s = initiators_[id];
  for (std::size_t i = 0; i < s.windows.size() && i < windows_.size(); ++i) {
    if (s.windows[i].requests == 0) continue;
    out.by_window[windows_[i].name] = s.windows[i];
    out.requests += s.windows[i].requests;
  }
  out.latency_ns = s.latency_ns;
  out.queueing_delay_ns = s.queueing_delay_ns;
  return out;
}

void Router::b_transport(int, tlm::tlm_generic_payload& trans, sc_time& delay) {
  const std::uint64_t addr = trans.get_address();
  const AddressWindow* w = decode(addr, trans.get_data_length());
  if (w == nullptr) {
    ++decode_errors_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  Port& port = ports_[w->port];
  const sc_time now = sc_core::sc_time_stamp();
  const sc_time enter = now + delay;
  const sc_time arrive = enter + config_.hop_latency;
  const sc_time port_start = std::max(arrive, port.busy_until);
  // A capped initiator's request starts no earlier than its next allowed time (no queue in LT: as
  // if the initiator had issued it then). The hold is the initiator's, not the port's: the port's
  // busy-until stays where the request found it free, so initiators whose calls come later but
  // whose requests are earlier are not held behind it.
  const sc_time start = has_caps_ ? std::max(port_start, next_allowed(initiator_of(trans))) : port_start;
  const sc_time busy = charge(port, *w, trans, start, arrive);
  port.busy_until = port_start + busy;
  delay = start + busy - now;
  trans.set_address(addr - w->base);
  init_socket[w->port]->b_transport(trans, delay);
  trans.set_address(addr);
  delay += config_.hop_latency;  // the response crosses the hop back, as in AT
  if (per_initiator_) record_latency(trans, enter, sc_core::sc_time_stamp() + delay);
}

bool Router::queue_empty(const Port& p) const {
  for (const auto& [i, q] : p.waiting) {
    if (!q.empty()) return false;
  }
  return true;
}

bool Router::forward_request(unsigned port_index, tlm::tlm_generic_payload& trans, sc_time delay) {
  Port& port = ports_[port_index];
  Route& r = *routes_.find(&trans);
  port.request_in_progress = &trans;
  const sc_time now = sc_core::sc_time_stamp();
  const AddressWindow& w = windows_[r.window];
  const sc_time start = std::max(now + delay, port.busy_until);
  port.busy_until = start + charge(port, w, trans, start, r.enter + config_.hop_latency);
  port.virtual_tag = std::max(port.virtual_tag, r.tag);
  trans.set_address(r.original_address - w.base);
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  const tlm::tlm_sync_enum st = init_socket[port_index]->nb_transport_fw(trans, phase, delay);
  if (st == tlm::TLM_ACCEPTED) return false;  // END_REQ will come on the backward path
  port.request_in_progress = nullptr;
  const int initiator = r.initiator;
  tlm::tlm_phase back = tlm::END_REQ;
  sc_time d = delay;
  if (st == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
    tgt_socket[initiator]->nb_transport_bw(trans, back, d);
    return true;
  }
  // Answered at once (BEGIN_RESP, which implies END_REQ, or completed): pass the response back.
  r.target_done = st == tlm::TLM_COMPLETED;
  trans.set_address(r.original_address);
  back = tlm::BEGIN_RESP;
  d += config_.hop_latency;
  if (per_initiator_) record_latency(trans, r.enter, now + d);
  if (tgt_socket[initiator]->nb_transport_bw(trans, back, d) == tlm::TLM_COMPLETED) {
    if (!r.target_done) {  // the target still waits for END_RESP
      tlm::tlm_phase end = tlm::END_RESP;
      sc_time z = SC_ZERO_TIME;
      init_socket[port_index]->nb_transport_fw(trans, end, z);
    }
    routes_.erase(&trans);
  }
  return true;
}

tlm::tlm_sync_enum Router::nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    const AddressWindow* w = decode(trans.get_address(), trans.get_data_length());
    if (w == nullptr) {
      ++decode_errors_;
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      phase = tlm::BEGIN_RESP;
      return tlm::TLM_UPDATED;
    }
    const sc_time enter = sc_core::sc_time_stamp() + delay;
    Route& r = routes_.insert(&trans, Route{id, trans.get_address(), w->port, false,
                                            static_cast<unsigned>(w - windows_.data()), enter});
    Port& port = ports_[w->port];
    if (arbitration_ == Arbitration::Weighted) {
      // Self-clocked fair queueing: the finish tag is fixed when the request arrives.
      double& last = port.finish_tag[id];
      r.tag = std::max(port.virtual_tag, last) + static_cast<double>(trans.get_data_length()) /
                                                     static_cast<double>(qos(initiator_of(trans)).weight);
      last = r.tag;
    }
    const sc_time arrive = enter + config_.hop_latency;
    if (port.request_in_progress == nullptr && queue_empty(port) && arrive >= port.busy_until &&
        (!has_caps_ || arrive >= next_allowed(initiator_of(trans)))) {
      // Fast path: an idle port forwards at once.
      tlm::tlm_phase fwd = tlm::BEGIN_REQ;
      port.request_in_progress = &trans;
      port.busy_until = arrive + charge(port, *w, trans, arrive, arrive);
      port.virtual_tag = std::max(port.virtual_tag, r.tag);
      trans.set_address(r.original_address - w->base);
      sc_time d = delay + config_.hop_latency;
      const tlm::tlm_sync_enum st = init_socket[w->port]->nb_transport_fw(trans, fwd, d);
      if (st == tlm::TLM_ACCEPTED) return tlm::TLM_ACCEPTED;  // END_REQ later on the backward path
      port.request_in_progress = nullptr;
      if (st == tlm::TLM_COMPLETED) {
        trans.set_address(r.original_address);
        routes_.erase(&trans);
        delay = d + config_.hop_latency;
        if (per_initiator_) record_latency(trans, enter, sc_core::sc_time_stamp() + delay);
        return tlm::TLM_COMPLETED;
      }
      if (fwd == tlm::BEGIN_RESP) {
        trans.set_address(r.original_address);
        delay = d + config_.hop_latency;  // the response travels back over the hop
        if (per_initiator_) record_latency(trans, enter, sc_core::sc_time_stamp() + delay);
      }
      // END_REQ: the router has taken the request (it pipelines the hop), so the initiator's
      // request phase ends at its own time, not after the hop latency.
      phase = fwd;
      return tlm::TLM_UPDATED;
    }
    port.waiting[id].push_back(&trans);
    port.wake->notify(std::max(arrive, port.busy_until) - sc_core::sc_time_stamp());
    return tlm::TLM_ACCEPTED;
  }
  Route* r = routes_.find(&trans);
  if (r == nullptr) return tlm::TLM_COMPLETED;  // END_RESP of a decode error
  if (r->target_done) {                         // the target completed it already
    routes_.erase(&trans);
    return tlm::TLM_COMPLETED;
  }
  const unsigned p = r->port;
  const tlm::tlm_sync_enum st = init_socket[p]->nb_transport_fw(trans, phase, delay);
  if (phase == tlm::END_RESP || st == tlm::TLM_COMPLETED) routes_.erase(&trans);
  return st;
}

void Router::end_request(unsigned port_index, tlm::tlm_generic_payload& trans) {
  Port& port = ports_[port_index];
  if (port.request_in_progress == &trans) port.request_in_progress = nullptr;
  if (const Route* r = routes_.find(&trans)) {
    tlm::tlm_phase phase = tlm::END_REQ;
    sc_time d = SC_ZERO_TIME;
    tgt_socket[r->initiator]->nb_transport_bw(trans, phase, d);
  }
  if (!queue_empty(port)) {
    const sc_time now = sc_core::sc_time_stamp();
    port.wake->notify(port.busy_until > now ? port.busy_until - now : SC_ZERO_TIME);
  }
}

void Router::dispatch(unsigned port_index) {
  Port& port = ports_[port_index];
  const sc_time now = sc_core::sc_time_stamp();
  if (port.request_in_progress != nullptr || queue_empty(port)) return;
  if (port.busy_until > now) {
    port.wake->notify(port.busy_until - now);
    return;
  }
  sc_time release = sc_core::sc_max_time();
  auto it = pick(port, now, release);
  if (it == port.waiting.end()) {  // every waiting initiator is held by its bandwidth cap
    port.wake->notify(release - now);
    return;
  }
  tlm::tlm_generic_payload* trans = it->second.front();
  it->second.pop_front();
  port.last_served = it->first;
  if (forward_request(port_index, *trans, SC_ZERO_TIME) && !queue_empty(port)) {
    port.wake->notify(port.busy_until > now ? port.busy_until - now : SC_ZERO_TIME);
  }
}

Router::Queues::iterator Router::pick(Port& port, const sc_time& now, sc_time& release) {
  // The waiting queues in turn from the one after the last served (round-robin order); the
  // policy takes the first eligible, or the best by its key with ties to the earlier in turn.
  auto best = port.waiting.end();
  double best_key = 0.0;
  auto consider = [&](Queues::iterator it) {
    if (it->second.empty()) return false;
    const tlm::tlm_generic_payload& head = *it->second.front();
    if (has_caps_) {
      const sc_time r = next_allowed(initiator_of(head));
      if (r > now) {
        release = std::min(release, r);
        return false;
      }
    }
    switch (arbitration_) {
      case Arbitration::RoundRobin:
        best = it;
        return true;  // the first eligible in turn
      case Arbitration::FixedPriority: {
        const double key = static_cast<double>(qos(initiator_of(head)).priority);
        if (best == port.waiting.end() || key > best_key) best = it, best_key = key;
        return false;
      }
      case Arbitration::Weighted: {
        const double key = routes_.find(&head)->tag;
        if (best == port.waiting.end() || key < best_key) best = it, best_key = key;
        return false;
      }
    }
    return false;
  };
  const auto first = port.waiting.upper_bound(port.last_served);
  for (auto it = first; it != port.waiting.end(); ++it) {
    if (consider(it)) return best;
  }
  for (auto it = port.waiting.begin(); it != first; ++it) {
    if (consider(it)) return best;
  }
  return best;
}

tlm::tlm_sync_enum Router::nb_transport_bw(int port_index, tlm::tlm_generic_payload& trans,
                                           tlm::tlm_phase& phase, sc_time& delay) {
  Route* r = routes_.find(&trans);
  if (r == nullptr) return tlm::TLM_COMPLETED;
  if (phase == tlm::END_REQ) {
    end_request(static_cast<unsigned>(port_index), trans);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::BEGIN_RESP) {
    Port& port = ports_[static_cast<unsigned>(port_index)];
    if (port.request_in_progress == &trans)
      end_request(static_cast<unsigned>(port_index), trans);  // implicit END_REQ
    trans.set_address(r->original_address);
    delay += config_.hop_latency;
    if (per_initiator_) record_latency(trans, r->enter, sc_core::sc_time_stamp() + delay);
  }
  const int initiator = r->initiator;
  const tlm::tlm_sync_enum st = tgt_socket[initiator]->nb_transport_bw(trans, phase, delay);
  if (st == tlm::TLM_COMPLETED) routes_.erase(&trans);
  return st;
}

unsigned int Router::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const std::uint64_t addr = trans.get_address();
  const AddressWindow* w = decode(addr, trans.get_data_length());
  if (w == nullptr) return 0;
  trans.set_address(addr - w->base);
  const unsigned int n = init_socket[w->port]->transport_dbg(trans);
  trans.set_address(addr);
  return n;
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = trans.get_address();
  const AddressWindow* w = decode(addr, 1);
  if (w == nullptr) return false;
  trans.set_address(addr - w->base);
  const bool ok = init_socket[w->port]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(addr);
  // The target's region in system addresses, clipped to the window.
  dmi.set_start_address(dmi.get_start_address() + w->base);
  dmi.set_end_address(std::min<sc_dt::uint64>(dmi.get_end_address(), w->size - 1) + w->base);
  return ok;
}

void Router::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const auto& w : windows_) {
    if (static_cast<int>(w.port) != port) continue;
    for (unsigned i = 0; i < tgt_socket.size(); ++i)
      tgt_socket[i]->invalidate_direct_mem_ptr(start + w.base, end + w.base);
  }
}

void Router::report_stats(StatsTree& tree) const {
  const std::string n = name();
  tree.set_kind(n, "router");
  std::uint64_t bytes = 0;
  for (const auto& w : windows_) {
    const Port& p = ports_[w.port];
    tree.add(n, w.name + ".requests", static_cast<double>(p.requests), "request");
    tree.add(n, w.name + ".bytes", static_cast<double>(p.bytes), "byte");
    tree.add(n, w.name + ".busy_ns", p.busy_time.to_seconds() * 1e9, "ns");
    bytes += p.bytes;
  }
  tree.add(n, "decode_errors", static_cast<double>(decode_errors_), "error");
  tree.add_actions(n, {{"hop_byte", {bytes, config_.pj_per_byte, "byte"}}});
  if (per_initiator_) report_per_initiator(tree);
}

void Router::report_per_initiator(StatsTree& tree) const {
  const std::string n = name();
  for (std::uint32_t id = 0; id < initiators_.size(); ++id) {
    const InitiatorState& s = initiators_[id];
    std::uint64_t requests = 0, read = 0, written = 0, port_bytes = 0;
    double busy_ns = 0.0, port_busy_ns = 0.0, bytes = 0.0;
    std::vector<bool> used(ports_.size(), false);
    for (std::size_t i = 0; i < s.windows.size() && i < windows_.size(); ++i) {
      const RouterInitiatorCounters::Window& c = s.windows[i];
      requests += c.requests;
      read += c.bytes_read;
      written += c.bytes_written;
      busy_ns += c.busy_ns;
      if (c.requests != 0) used[windows_[i].port] = true;
    }
    for (std::size_t p = 0; p < ports_.size(); ++p) {
      if (!used[p]) continue;
      port_busy_ns += ports_[p].busy_time.to_seconds() * 1e9;
      port_bytes += ports_[p].bytes;
    }
    bytes = static_cast<double>(read + written);
    // Its share of the busy time of the ports it used (a request occupies a port for bytes /
    // bandwidth); with unlimited bandwidth nothing is busy, and the share is of their bytes.
    const double share = port_busy_ns > 0 ? busy_ns / port_busy_ns
                         : port_bytes > 0 ? bytes / static_cast<double>(port_bytes)
                                          : 0.0;
    const std::string& who = initiator_names_[id];
    tree.add_group(n, "by_initiator", who, "requests", static_cast<double>(requests), "request");
    tree.add_group(n, "by_initiator", who, "bytes_read", static_cast<double>(read), "byte");
    tree.add_group(n, "by_initiator", who, "bytes_written", static_cast<double>(written), "byte");
    tree.add_group(n, "by_initiator", who, "latency_avg_ns", s.latency_ns.mean(), "ns");
    tree.add_group(n, "by_initiator", who, "latency_p99_ns", s.latency_ns.quantile(0.99), "ns");
    tree.add_group(n, "by_initiator", who, "queueing_delay_avg_ns",
                   requests == 0 ? 0.0 : s.queueing_delay_ns / static_cast<double>(requests), "ns");
    tree.add_group(n, "by_initiator", who, "busy_share", share, "fraction");
  }
}

}  // namespace savp::sc
