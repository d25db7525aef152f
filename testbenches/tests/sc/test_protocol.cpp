// SystemC tests of the TLM-2.0 infrastructure in tlm/core: the payload pool, the ignorable
// extensions and the base-protocol checker. The AtInitiator / AtMemory pair below is the reference
// AT (4-phase, payload event queue) initiator and target of the project: copy it when writing one.
#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>

#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <numeric>
#include <vector>

#include "tlm/core/extensions.hpp"
#include "tlm/core/payload_pool.hpp"
#include "tlm/core/protocol_checker.hpp"
#include "tlm/interconnect/router.hpp"
#include "tlm/memory/simple_memory.hpp"

using namespace savp;
using sc::ProtocolRule;
using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {

constexpr std::uint64_t kMemBytes = 4096;

// Copies between a payload and a byte array standing for the target's storage; sets the status.
void serve(std::vector<std::uint8_t>& mem, tlm::tlm_generic_payload& trans) {
  const std::uint64_t addr = trans.get_address();
  const unsigned int len = trans.get_data_length();
  if (addr + len > mem.size()) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (trans.is_write())
    std::memcpy(mem.data() + addr, trans.get_data_ptr(), len);
  else if (trans.is_read())
    std::memcpy(trans.get_data_ptr(), mem.data() + addr, len);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// A loosely-timed memory target (b_transport, transport_dbg), optionally broken.
struct LtMemory : sc_core::sc_module {
  enum class Fault { kNone, kLeaveIncomplete, kChangeAddress };
  tlm_utils::simple_target_socket<LtMemory> tgt_socket{"tgt_socket"};
  std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(kMemBytes);
  Fault fault;
  LtMemory(sc_core::sc_module_name n, Fault f = Fault::kNone) : sc_module(n), fault(f) {
    tgt_socket.register_b_transport(this, &LtMemory::b_transport);
    tgt_socket.register_transport_dbg(this, &LtMemory::transport_dbg);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    serve(mem, trans);
    sc::record_hop_energy(trans, name(), 2.5);
    delay += sc_time(10, SC_NS);
    if (fault == Fault::kLeaveIncomplete) trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (fault == Fault::kChangeAddress) trans.set_address(trans.get_address() | 0x8000);  // not restored
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    serve(mem, trans);
    return trans.get_data_length();
  }
};

// A loosely-timed initiator: `words` 4-byte writes from `base`, then reads them back, with one
// payload (no memory manager) reused for every b_transport, as LT initiators do.
struct LtInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<LtInitiator> init_socket{"init_socket"};
  std::uint64_t base;
  std::vector<std::uint32_t> written, read;
  bool with_energy = false;
  double energy_pj = 0.0;
  SC_HAS_PROCESS(LtInitiator);
  LtInitiator(sc_core::sc_module_name n, std::uint64_t base_addr, unsigned words)
      : sc_module(n), base(base_addr), written(words), read(words, 0) {
    std::iota(written.begin(), written.end(), 0xC0DE0000u);
    SC_THREAD(run);
  }
  void access(tlm::tlm_generic_payload& trans, bool write, std::uint64_t addr, std::uint32_t* word) {
    trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    trans.set_address(addr);
    trans.set_data_ptr(reinterpret_cast<unsigned char*>(word));
    trans.set_data_length(4);
    trans.set_streaming_width(4);
    trans.set_byte_enable_ptr(nullptr);
    trans.set_dmi_allowed(false);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (with_energy) sc::get_or_add<sc::EnergyHopExtension>(trans).clear();
    sc_time delay = SC_ZERO_TIME;
    init_socket->b_transport(trans, delay);
    if (with_energy) energy_pj += trans.get_extension<sc::EnergyHopExtension>()->total_pj();
    wait(delay);
  }
  void run() {
    tlm::tlm_generic_payload trans;
    for (std::size_t i = 0; i < written.size(); ++i) access(trans, true, base + 4 * i, &written[i]);
    for (std::size_t i = 0; i < read.size(); ++i) access(trans, false, base + 4 * i, &read[i]);
  }
};

// Reference AT target: 4-phase base protocol, payload event queue (peq_with_cb_and_phase).
//  BEGIN_REQ  -> TLM_ACCEPTED; END_REQ follows accept_delay later (request back-pressure);
//                the access is performed then and its response is ready `latency` after that;
//  response ready -> BEGIN_RESP on the backward path, one at a time: later responses queue until
//                the initiator's END_RESP (response exclusion rule);
//  END_RESP   -> TLM_COMPLETED, the next queued response goes out.
// It also serves b_transport (LT), as targets that serve both modes must.
// Faults for the checker tests: kNoStatus leaves the status INCOMPLETE at BEGIN_RESP;
// kNoResponseExclusion sends BEGIN_RESP without waiting for the previous END_RESP.
struct AtMemory : sc_core::sc_module {
  enum class Fault { kNone, kNoStatus, kNoResponseExclusion };
  tlm_utils::simple_target_socket<AtMemory> tgt_socket{"tgt_socket"};
  tlm_utils::peq_with_cb_and_phase<AtMemory> peq{this, &AtMemory::peq_cb};
  std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(kMemBytes);
  sc_time accept_delay{1, SC_NS}, latency{20, SC_NS};
  Fault fault;
  bool response_in_progress = false;
  std::deque<tlm::tlm_generic_payload*> response_queue;
  std::uint64_t served = 0;

  AtMemory(sc_core::sc_module_name n, Fault f = Fault::kNone) : sc_module(n), fault(f) {
    tgt_socket.register_nb_transport_fw(this, &AtMemory::nb_transport_fw);
    tgt_socket.register_b_transport(this, &AtMemory::b_transport);
  }

  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_time& delay) {
    if (phase == tlm::BEGIN_REQ) {
      trans.acquire();  // held until the response is done
      peq.notify(trans, phase, delay + accept_delay);
      return tlm::TLM_ACCEPTED;
    }
    if (phase == tlm::END_RESP) {
      peq.notify(trans, phase, delay);
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;  // ignorable phases
  }

  // Inside the peq, tlm::BEGIN_RESP means "this transaction's response is ready to be sent".
  void peq_cb(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase) {
    if (phase == tlm::BEGIN_REQ) {
      tlm::tlm_phase p = tlm::END_REQ;
      sc_time d = SC_ZERO_TIME;
      tgt_socket->nb_transport_bw(trans, p, d);  // an initiator answers END_REQ with TLM_ACCEPTED
      serve(mem, trans);
      ++served;
      if (fault == Fault::kNoStatus) trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      peq.notify(trans, tlm::BEGIN_RESP, latency);
    } else if (phase == tlm::BEGIN_RESP) {
      if (response_in_progress && fault != Fault::kNoResponseExclusion)
        response_queue.push_back(&trans);
      else
        send_response(trans);
    } else if (phase == tlm::END_RESP) {
      response_done(trans);
    }
  }

  void send_response(tlm::tlm_generic_payload& trans) {
    response_in_progress = true;
    tlm::tlm_phase p = tlm::BEGIN_RESP;
    sc_time d = SC_ZERO_TIME;
    const tlm::tlm_sync_enum s = tgt_socket->nb_transport_bw(trans, p, d);
    if (s == tlm::TLM_COMPLETED || (s == tlm::TLM_UPDATED && p == tlm::END_RESP))
      peq.notify(trans, tlm::END_RESP, d);  // the initiator accepted the response in the return
  }

  void response_done(tlm::tlm_generic_payload& trans) {
    response_in_progress = false;
    trans.release();
    if (!response_queue.empty()) {
      tlm::tlm_generic_payload* next = response_queue.front();
      response_queue.pop_front();
      send_response(*next);
    }
  }

  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    serve(mem, trans);
    delay += accept_delay + latency;
  }
};

// Reference AT initiator: issues `requests` (4-phase, pooled payloads with a TraceExtension), at
// most `max_outstanding` in flight, one issue_interval apart, and never a BEGIN_REQ before the
// previous END_REQ (or BEGIN_RESP) unless told to break the request exclusion rule. Incoming phases
// go through a peq_with_cb_and_phase; it accepts each response end_resp_delay after BEGIN_RESP.
struct AtInitiator : sc_core::sc_module {
  struct Request {
    bool write;
    std::uint64_t addr;
    std::uint8_t* data;
    unsigned int length;
  };
  tlm_utils::simple_initiator_socket<AtInitiator> init_socket{"init_socket"};
  tlm_utils::peq_with_cb_and_phase<AtInitiator> peq{this, &AtInitiator::peq_cb};
  sc::PayloadPool pool;
  std::vector<Request> requests;
  unsigned max_outstanding = 4;
  sc_time issue_interval{1, SC_NS};
  sc_time end_resp_delay = SC_ZERO_TIME;
  bool break_request_exclusion = false;
  std::uint64_t job_id = 7;

  const tlm::tlm_generic_payload* request_in_progress = nullptr;
  sc_core::sc_event end_request_event, response_event;
  unsigned outstanding = 0, completed = 0, errors = 0;
  sc_time finished_at;

  SC_HAS_PROCESS(AtInitiator);
  explicit AtInitiator(sc_core::sc_module_name n) : sc_module(n) {
    init_socket.register_nb_transport_bw(this, &AtInitiator::nb_transport_bw);
    SC_THREAD(run);
  }

  void run() {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const Request& r = requests[i];
      while (outstanding >= max_outstanding) wait(response_event);
      while (request_in_progress != nullptr && !break_request_exclusion) wait(end_request_event);

      tlm::tlm_generic_payload* trans = pool.acquire();  // reference count 1: ours
      trans->set_command(r.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      trans->set_address(r.addr);
      trans->set_data_ptr(r.data);
      trans->set_data_length(r.length);
      trans->set_streaming_width(r.length);
      trans->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc::get_or_add<sc::TraceExtension>(*trans) = sc::TraceExtension(name(), 1, job_id, "test");

      request_in_progress = trans;
      ++outstanding;
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_time delay = SC_ZERO_TIME;
      const tlm::tlm_sync_enum s = init_socket->nb_transport_fw(*trans, phase, delay);
      if (s == tlm::TLM_UPDATED) {
        peq.notify(*trans, phase, delay);
      } else if (s == tlm::TLM_COMPLETED) {  // early completion: the response is in the return
        request_in_progress = nullptr;
        finish(*trans);
      }
      wait(issue_interval);
    }
    while (outstanding > 0) wait(response_event);
    finished_at = sc_core::sc_time_stamp();
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_time& delay) {
    peq.notify(trans, phase, delay);
    return tlm::TLM_ACCEPTED;
  }

  // Inside the peq, tlm::END_RESP means "accept the response now" (scheduled by BEGIN_RESP).
  void peq_cb(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase) {
    if ((phase == tlm::END_REQ || phase == tlm::BEGIN_RESP) && &trans == request_in_progress) {
      request_in_progress = nullptr;  // BEGIN_RESP implies END_REQ
      end_request_event.notify();
    }
    if (phase == tlm::BEGIN_RESP) {
      peq.notify(trans, tlm::END_RESP, end_resp_delay);
    } else if (phase == tlm::END_RESP) {
      tlm::tlm_phase p = tlm::END_RESP;
      sc_time d = SC_ZERO_TIME;
      init_socket->nb_transport_fw(trans, p, d);  // TLM_COMPLETED from a base-protocol target
      finish(trans);
    }
  }

  void finish(tlm::tlm_generic_payload& trans) {
    if (trans.is_response_error()) ++errors;
    ++completed;
    --outstanding;
    response_event.notify();
    trans.release();  // back to the pool when the target has released it too
  }
};

// Writes then reads `words` 4-byte words at 0, through an AtInitiator.
struct WordJob {
  std::vector<std::uint32_t> out, in;
  explicit WordJob(unsigned words) : out(words), in(words, 0) {
    std::iota(out.begin(), out.end(), 0xA5A50000u);
  }
  void load(AtInitiator& init) {
    for (std::size_t i = 0; i < out.size(); ++i)
      init.requests.push_back({true, 4 * i, reinterpret_cast<std::uint8_t*>(&out[i]), 4});
    for (std::size_t i = 0; i < in.size(); ++i)
      init.requests.push_back({false, 4 * i, reinterpret_cast<std::uint8_t*>(&in[i]), 4});
  }
};

std::string joined(const sc::ProtocolChecker& c) {
  std::string s;
  for (const std::string& v : c.violations()) s += v + "\n";
  return s;
}

// Counts the violations of rules other than `rule`.
std::size_t others(const sc::ProtocolChecker& c, ProtocolRule rule) {
  return c.violation_count() - c.count(rule);
}

// An extension that counts its live instances, to see the pool free it.
struct CountedExtension : tlm::tlm_extension<CountedExtension> {
  static int live;
  CountedExtension() { ++live; }
  CountedExtension(const CountedExtension&) : tlm::tlm_extension<CountedExtension>() { ++live; }
  ~CountedExtension() override { --live; }
  tlm::tlm_extension_base* clone() const override { return new CountedExtension(*this); }
  void copy_from(const tlm::tlm_extension_base&) override {}
};
int CountedExtension::live = 0;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Payload pool and extensions

TEST_CASE("payload pool: payloads are reused and come back reset, extensions freed", "[sc][protocol]") {
  sc::PayloadPool pool;
  tlm::tlm_generic_payload* a = pool.acquire();
  CHECK(a->has_mm());
  CHECK(a->get_ref_count() == 1);
  std::uint8_t buf[8] = {};
  a->set_command(tlm::TLM_WRITE_COMMAND);
  a->set_address(0x1234);
  a->set_data_ptr(buf);
  a->set_data_length(8);
  a->set_streaming_width(8);
  a->set_dmi_allowed(true);
  a->set_response_status(tlm::TLM_OK_RESPONSE);
  sc::get_or_add<sc::TraceExtension>(*a).job_id = 3;  // auto extension (payload has an mm)
  a->set_extension(new CountedExtension);             // ordinary (non-auto) extension
  CHECK(CountedExtension::live == 1);
  CHECK(pool.in_use() == 1);

  a->acquire();  // a second holder (a target): not freed on the first release
  a->release();
  CHECK(pool.in_use() == 1);
  a->release();
  CHECK(pool.in_use() == 0);
  CHECK(CountedExtension::live == 0);

  tlm::tlm_generic_payload* b = pool.acquire();
  CHECK(b == a);  // reused, not reallocated
  CHECK(pool.allocations() == 1);
  CHECK(b->get_ref_count() == 1);
  CHECK(b->get_extension<sc::TraceExtension>() == nullptr);
  CHECK(b->get_extension<CountedExtension>() == nullptr);
  CHECK(b->get_command() == tlm::TLM_IGNORE_COMMAND);
  CHECK(b->get_address() == 0);
  CHECK(b->get_data_ptr() == nullptr);
  CHECK(b->get_data_length() == 0);
  CHECK(b->get_streaming_width() == 0);
  CHECK_FALSE(b->is_dmi_allowed());
  CHECK(b->get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE);

  tlm::tlm_generic_payload* c = pool.acquire();
  tlm::tlm_generic_payload* d = pool.acquire();
  CHECK(pool.in_use() == 3);
  CHECK(pool.peak_in_use() == 3);
  CHECK(pool.allocations() == 3);
  b->release();
  c->release();
  d->release();
  CHECK(pool.in_use() == 0);
  CHECK(pool.available() == 3);
  CHECK(pool.acquisitions() == 4);
  for (int i = 0; i < 10; ++i) pool.acquire()->release();
  CHECK(pool.allocations() == 3);
  CHECK(pool.peak_in_use() == 3);

  // A payload the pool did not hand out, and a payload freed twice, are refused.
  tlm::tlm_generic_payload foreign;
  CHECK_THROWS(pool.free(&foreign));
  tlm::tlm_generic_payload* e = pool.acquire();
  e->release();
  CHECK_THROWS(pool.free(e));
  CHECK(pool.available() == 3);
}

TEST_CASE("extensions: clone and copy_from are deep, deep_copy_from carries them", "[sc][protocol]") {
  sc::TraceExtension t("top.dense.dma", 2, 41, "load_k");
  std::unique_ptr<sc::TraceExtension> tc(static_cast<sc::TraceExtension*>(t.clone()));
  CHECK(tc.get() != &t);
  CHECK(tc->initiator == "top.dense.dma");
  CHECK(tc->initiator_id == 2);
  CHECK(tc->job_id == 41);
  CHECK(tc->phase == "load_k");
  t.phase = "scores";
  CHECK(tc->phase == "load_k");  // independent
  tc->copy_from(t);
  CHECK(tc->phase == "scores");

  sc::EnergyHopExtension e;
  e.add("bus", 1.5);
  e.add("dram", 10.0);
  e.add("bus", 1.5);
  CHECK(e.total_pj() == Approx(13.0));
  CHECK(e.pj_of("bus") == Approx(3.0));
  CHECK(e.pj_of("sram") == 0.0);
  CHECK(e.by_component().size() == 2);
  CHECK(e.hops().size() == 3);
  std::unique_ptr<sc::EnergyHopExtension> ec(static_cast<sc::EnergyHopExtension*>(e.clone()));
  e.add("dram", 5.0);
  CHECK(ec->total_pj() == Approx(13.0));
  CHECK(ec->hops().size() == 3);
  ec->copy_from(e);
  CHECK(ec->total_pj() == Approx(18.0));
  CHECK(ec->by_component().at("dram") == Approx(15.0));

  // Through the payload: hops record only when the initiator attached the extension.
  sc::PayloadPool pool;
  tlm::tlm_generic_payload* p = pool.acquire();
  CHECK_FALSE(sc::record_hop_energy(*p, "bus", 1.0));
  CHECK(sc::describe_trace(*p).empty());
  sc::get_or_add<sc::TraceExtension>(*p) = sc::TraceExtension("cpu", 0, 9, "csr");
  sc::get_or_add<sc::EnergyHopExtension>(*p);
  CHECK(sc::record_hop_energy(*p, "bus", 1.0));
  CHECK(sc::record_hop_energy(*p, "sram", 0.25));
  CHECK(&sc::get_or_add<sc::EnergyHopExtension>(*p) == p->get_extension<sc::EnergyHopExtension>());
  CHECK(sc::describe_trace(*p) == "cpu#0 job 9 phase csr");

  tlm::tlm_generic_payload* q = pool.acquire();
  q->deep_copy_from(*p);
  auto* qe = sc::find_extension<sc::EnergyHopExtension>(*q);
  REQUIRE(qe != nullptr);
  CHECK(qe != p->get_extension<sc::EnergyHopExtension>());
  CHECK(qe->total_pj() == Approx(1.25));
  qe->add("dram", 4.0);           // a hop on the copy ...
  p->update_extensions_from(*q);  // ... is carried back to the original
  CHECK(p->get_extension<sc::EnergyHopExtension>()->total_pj() == Approx(5.25));
  CHECK(sc::find_extension<sc::TraceExtension>(*q)->job_id == 9);
  p->release();
  q->release();
  CHECK(pool.in_use() == 0);
}

TEST_CASE("extensions: energy extensions are counted, and hops record only into existing ones", "[sc][protocol]") {
  const std::size_t before = sc::EnergyHopExtension::live();
  sc::PayloadPool pool;
  tlm::tlm_generic_payload* p = pool.acquire();
  CHECK_FALSE(sc::record_hop_energy(*p, "bus", 1.0));  // none exists: nothing to record into
  {
    sc::EnergyHopExtension e;
    CHECK(sc::EnergyHopExtension::live() == before + 1);
    std::unique_ptr<sc::EnergyHopExtension> c(static_cast<sc::EnergyHopExtension*>(e.clone()));
    CHECK(sc::EnergyHopExtension::live() == before + 2);
    CHECK_FALSE(sc::record_hop_energy(*p, "bus", 1.0));  // some exist, but not on this payload
    CHECK_FALSE(sc::record_hop_energy(*p, std::string("bus"), 1.0));
  }
  CHECK(sc::EnergyHopExtension::live() == before);
  sc::get_or_add<sc::EnergyHopExtension>(*p);
  CHECK(sc::EnergyHopExtension::live() == before + 1);
  CHECK(sc::record_hop_energy(*p, "bus", 1.0));
  CHECK(sc::record_hop_energy(*p, std::string("dram"), 2.0));
  CHECK(p->get_extension<sc::EnergyHopExtension>()->total_pj() == Approx(3.0));
  p->release();  // the pool frees the extension
  CHECK(sc::EnergyHopExtension::live() == before);
}

TEST_CASE("extensions: component names are interned, hops summed by name", "[sc][protocol]") {
  const std::string* a = sc::intern_component("top.bus");
  CHECK(sc::intern_component(std::string("top.") + "bus") == a);  // equal names, one copy
  CHECK(sc::intern_component("top.memory") != a);
  CHECK(*a == "top.bus");
  sc::EnergyHopExtension e;
  e.add(a, 1.0);
  e.add("top.memory", 2.0);
  e.add(std::string("top.bus"), 0.5);
  REQUIRE(e.hops().size() == 3);
  CHECK(e.hops()[2].component == a);
  CHECK(e.pj_of("top.bus") == Approx(1.5));
  CHECK(e.by_component().size() == 2);
}

TEST_CASE("extensions: a freed energy extension is reused, cleared, by the next payload", "[sc][protocol]") {
  const std::size_t before = sc::EnergyHopExtension::live();
  sc::PayloadPool pool;
  tlm::tlm_generic_payload* p = pool.acquire();
  sc::EnergyHopExtension* first = &sc::get_or_add<sc::EnergyHopExtension>(*p);
  CHECK(sc::record_hop_energy(*p, "bus", 1.0));
  CHECK(sc::record_hop_energy(*p, "memory", 2.0));
  p->release();
  CHECK(sc::EnergyHopExtension::live() == before);
  tlm::tlm_generic_payload* q = pool.acquire();
  CHECK(q->get_extension<sc::EnergyHopExtension>() == nullptr);  // the pool took it off
  sc::EnergyHopExtension& again = sc::get_or_add<sc::EnergyHopExtension>(*q);
  CHECK(&again == first);  // the same object, not a new allocation ...
  CHECK(again.hops().empty());
  CHECK(again.hops().capacity() >= 2);  // ... with its hop list's storage (a new one has none)
  CHECK(again.total_pj() == 0.0);
  CHECK(sc::EnergyHopExtension::live() == before + 1);
  CHECK(sc::record_hop_energy(*q, "memory", 4.0));
  CHECK(again.total_pj() == Approx(4.0));
  q->release();
  CHECK(sc::EnergyHopExtension::live() == before);
}

// ---------------------------------------------------------------------------------------------
// Well-behaved initiators and targets: no violations

TEST_CASE("protocol checker: a well-behaved LT initiator and target give no violations", "[sc][protocol]") {
  LtInitiator init("init", 0x100, 16);
  sc::ProtocolChecker checker("init2mem_checker");
  LtMemory mem("mem");
  init.with_energy = true;
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  CHECK(checker.violation_count() == 0);
  INFO(joined(checker));
  CHECK(checker.violations().empty());
  CHECK(init.read == init.written);
  CHECK(checker.transactions() == 32);
  CHECK(checker.in_flight() == 0);
  CHECK(init.energy_pj == Approx(32 * 2.5));  // hops charge only through the extension
  // Debug transport passes through too.
  std::uint32_t word = 0;
  tlm::tlm_generic_payload dbg;
  dbg.set_command(tlm::TLM_READ_COMMAND);
  dbg.set_address(0x100);
  dbg.set_data_ptr(reinterpret_cast<unsigned char*>(&word));
  dbg.set_data_length(4);
  dbg.set_streaming_width(4);
  CHECK(init.init_socket->transport_dbg(dbg) == 4);
  CHECK(word == init.written[0]);
  CHECK(checker.debug_calls() == 1);
  CHECK(sc::ProtocolChecker::instances().size() == 1);
}

TEST_CASE("protocol checker: on both sides of the router, in front of SimpleMemory, no violations",
          "[sc][protocol]") {
  memory::MemorySpec spec;
  spec.size_bytes = 1 << 16;
  spec.latency_ns = 20.0;
  spec.bandwidth_gbps = 8.0;
  LtInitiator init("init", 0x1000'0000 + 0x40, 32);
  sc::ProtocolChecker init2bus("init2bus_checker");
  sc::Router bus("bus", sc::RouterConfig{sc_time(1, SC_NS), 0.0, 0.0});
  sc::ProtocolChecker bus2mem("bus2mem_checker");
  sc::SimpleMemory mem("memory", spec);
  init.init_socket.bind(init2bus.tgt_socket);
  init2bus.init_socket.bind(bus.tgt_socket);
  bus.init_socket.bind(bus2mem.tgt_socket);
  bus2mem.init_socket.bind(mem.tgt_socket);
  bus.map({"memory", 0x1000'0000, spec.size_bytes, 0});
  sc_core::sc_start();
  INFO(joined(init2bus) << joined(bus2mem));
  CHECK(init2bus.violation_count() == 0);
  CHECK(bus2mem.violation_count() == 0);
  CHECK(init.read == init.written);
  CHECK(init2bus.transactions() == 64);
  CHECK(bus2mem.transactions() == 64);
  CHECK(mem.bytes_written() == 128);
  CHECK(sc::ProtocolChecker::instances().size() == 2);
}

TEST_CASE("protocol checker: the reference AT initiator and target give no violations", "[sc][protocol]") {
  AtInitiator init("init");
  sc::ProtocolChecker checker("init2mem_checker");
  AtMemory mem("mem");
  WordJob job(16);
  job.load(init);
  init.end_resp_delay = sc_time(3, SC_NS);  // responses back up in the target: response exclusion
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.violation_count() == 0);
  CHECK(init.completed == 32);
  CHECK(init.errors == 0);
  CHECK(job.in == job.out);
  CHECK(checker.transactions() == 32);
  CHECK(checker.in_flight() == 0);
  CHECK(checker.peak_in_flight() == 4);  // several transactions tracked at once
  // Every payload went back to the pool, which never held more than the requests in flight plus
  // one: the target keeps its reference to a finished transaction until its END_RESP event (one
  // delta cycle later), while the initiator may already have issued the next request.
  CHECK(init.pool.in_use() == 0);
  CHECK(init.pool.peak_in_use() <= 5);
  CHECK(init.pool.allocations() == init.pool.peak_in_use());
  CHECK(init.pool.acquisitions() == 32);
  CHECK(init.finished_at > sc_time(32 * 2, SC_NS));
}

TEST_CASE("protocol checker: AT initiator on an LT-only target (socket's nb->b adapter), no violations",
          "[sc][protocol]") {
  AtInitiator init("init");
  sc::ProtocolChecker checker("init2mem_checker");
  LtMemory mem("mem");
  WordJob job(8);
  job.load(init);
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.violation_count() == 0);
  CHECK(init.completed == 16);
  CHECK(job.in == job.out);
  CHECK(init.pool.in_use() == 0);
}

// ---------------------------------------------------------------------------------------------
// Broken initiators and targets: each violation caught with its rule

TEST_CASE("protocol checker: a target leaving the status INCOMPLETE is caught", "[sc][protocol]") {
  LtInitiator init("init", 0, 4);
  sc::ProtocolChecker checker("checker");
  LtMemory mem("mem", LtMemory::Fault::kLeaveIncomplete);
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.count(ProtocolRule::kStatusIncompleteOnReturn) == 8);
  CHECK(others(checker, ProtocolRule::kStatusIncompleteOnReturn) == 0);
  REQUIRE(checker.violation_records().size() == 8);
  const sc::ProtocolViolation& v = checker.violation_records()[1];
  CHECK(v.rule == ProtocolRule::kStatusIncompleteOnReturn);
  CHECK(v.address == 4);
  CHECK(v.time == sc_time(10, SC_NS));  // the second request, issued after the first's 10 ns
  CHECK_THAT(v.message, Catch::Contains("status_incomplete_on_return") && Catch::Contains("checker") &&
                            Catch::Contains("address 0x4") && Catch::Contains("10 ns"));
  CHECK(checker.violations()[1] == v.message);
}

TEST_CASE("protocol checker: a target changing the address is caught", "[sc][protocol]") {
  LtInitiator init("init", 0x20, 2);
  sc::ProtocolChecker checker("checker");
  LtMemory mem("mem", LtMemory::Fault::kChangeAddress);
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.count(ProtocolRule::kAttributeModified) == 4);
  CHECK(others(checker, ProtocolRule::kAttributeModified) == 0);
  REQUIRE_FALSE(checker.violations().empty());
  CHECK_THAT(checker.violations()[0],
             Catch::Contains("attribute_modified") && Catch::Contains("address (0x20 -> 0x8020)"));
}

namespace {

// A target that sends a BEGIN_RESP for a transaction that never had a BEGIN_REQ.
struct RogueTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<RogueTarget> tgt_socket{"tgt_socket"};
  sc::PayloadPool pool;
  std::uint32_t word = 0;
  SC_HAS_PROCESS(RogueTarget);
  explicit RogueTarget(sc_core::sc_module_name n) : sc_module(n) {
    tgt_socket.register_nb_transport_fw(this, &RogueTarget::nb_transport_fw);
    SC_THREAD(run);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_time&) {
    return tlm::TLM_COMPLETED;
  }
  void run() {
    wait(5, SC_NS);
    tlm::tlm_generic_payload* t = pool.acquire();
    t->set_command(tlm::TLM_READ_COMMAND);
    t->set_address(0x40);
    t->set_data_ptr(reinterpret_cast<unsigned char*>(&word));
    t->set_data_length(4);
    t->set_streaming_width(4);
    t->set_response_status(tlm::TLM_OK_RESPONSE);
    tlm::tlm_phase p = tlm::BEGIN_RESP;
    sc_time d = SC_ZERO_TIME;
    tgt_socket->nb_transport_bw(*t, p, d);
    t->release();
  }
};

// An initiator that accepts whatever comes on the backward path.
struct SinkInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<SinkInitiator> init_socket{"init_socket"};
  int responses = 0;
  explicit SinkInitiator(sc_core::sc_module_name n) : sc_module(n) {
    init_socket.register_nb_transport_bw(this, &SinkInitiator::nb_transport_bw);
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_time&) {
    ++responses;
    return tlm::TLM_COMPLETED;
  }
};

}  // namespace

TEST_CASE("protocol checker: BEGIN_RESP before BEGIN_REQ is caught", "[sc][protocol]") {
  SinkInitiator init("init");
  sc::ProtocolChecker checker("checker");
  RogueTarget target("target");
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(target.tgt_socket);
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(init.responses == 1);  // forwarded anyway
  CHECK(checker.count(ProtocolRule::kPhaseSequence) == 1);
  CHECK(others(checker, ProtocolRule::kPhaseSequence) == 0);
  REQUIRE(checker.violation_count() == 1);
  CHECK_THAT(checker.violations()[0], Catch::Contains("phase_sequence") && Catch::Contains("BEGIN_RESP") &&
                                          Catch::Contains("before BEGIN_REQ") && Catch::Contains("5 ns") &&
                                          Catch::Contains("0x40"));
  CHECK(checker.in_flight() == 0);  // TLM_COMPLETED ended it
}

TEST_CASE("protocol checker: two BEGIN_REQ without END_REQ break the request exclusion rule",
          "[sc][protocol]") {
  AtInitiator init("init");
  sc::ProtocolChecker checker("checker");
  AtMemory mem("mem");
  mem.accept_delay = sc_time(5, SC_NS);
  std::uint32_t a = 1, b = 2;
  init.requests = {{true, 0x10, reinterpret_cast<std::uint8_t*>(&a), 4},
                   {true, 0x20, reinterpret_cast<std::uint8_t*>(&b), 4}};
  init.break_request_exclusion = true;
  init.issue_interval = SC_ZERO_TIME;
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.count(ProtocolRule::kRequestExclusion) == 1);
  CHECK(others(checker, ProtocolRule::kRequestExclusion) == 0);
  REQUIRE(checker.violation_count() == 1);
  const sc::ProtocolViolation& v = checker.violation_records()[0];
  CHECK(v.address == 0x20);
  CHECK(v.time == SC_ZERO_TIME);
  CHECK_THAT(v.message, Catch::Contains("request_exclusion") && Catch::Contains("0x10") &&
                            Catch::Contains("job 7"));  // the TraceExtension names the job
  CHECK(init.completed == 2);
  CHECK(checker.in_flight() == 0);
}

TEST_CASE("protocol checker: BEGIN_RESP without a response status is caught", "[sc][protocol]") {
  AtInitiator init("init");
  sc::ProtocolChecker checker("checker");
  AtMemory mem("mem", AtMemory::Fault::kNoStatus);
  WordJob job(2);
  job.load(init);
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.count(ProtocolRule::kResponseStatusNotSet) == 4);
  CHECK(others(checker, ProtocolRule::kResponseStatusNotSet) == 0);
}

TEST_CASE("protocol checker: a second BEGIN_RESP before END_RESP breaks the response exclusion rule",
          "[sc][protocol]") {
  AtInitiator init("init");
  sc::ProtocolChecker checker("checker");
  AtMemory mem("mem", AtMemory::Fault::kNoResponseExclusion);
  WordJob job(4);
  job.load(init);
  init.end_resp_delay = sc_time(10, SC_NS);  // slower than the 2 ns between responses
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.count(ProtocolRule::kResponseExclusion) > 0);
  CHECK(others(checker, ProtocolRule::kResponseExclusion) == 0);
  CHECK_THAT(checker.violations().at(0), Catch::Contains("response_exclusion"));
}

namespace {

// Sends nb_transport and b_transport calls chosen by the test from its thread.
struct ScriptInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<ScriptInitiator> init_socket{"init_socket"};
  std::function<void(ScriptInitiator&)> body;
  SC_HAS_PROCESS(ScriptInitiator);
  explicit ScriptInitiator(sc_core::sc_module_name n) : sc_module(n) {
    init_socket.register_nb_transport_bw(this, &ScriptInitiator::nb_transport_bw);
    SC_THREAD(run);
  }
  void run() { body(*this); }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase& phase, sc_time&) {
    if (phase == tlm::BEGIN_RESP) {
      phase = tlm::END_RESP;
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;
  }
  tlm::tlm_sync_enum send(tlm::tlm_generic_payload& t, tlm::tlm_phase phase) {
    sc_time d = SC_ZERO_TIME;
    return init_socket->nb_transport_fw(t, phase, d);
  }
};

void setup_read(tlm::tlm_generic_payload& t, std::uint32_t& word, std::uint64_t addr) {
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(addr);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&word));
  t.set_data_length(4);
  t.set_streaming_width(4);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

// A target that completes every BEGIN_REQ in the return (the TLM_COMPLETED shortcut).
struct InstantTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<InstantTarget> tgt_socket{"tgt_socket"};
  std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(kMemBytes);
  explicit InstantTarget(sc_core::sc_module_name n) : sc_module(n) {
    tgt_socket.register_nb_transport_fw(this, &InstantTarget::nb_transport_fw);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_time& delay) {
    if (phase != tlm::BEGIN_REQ) return tlm::TLM_COMPLETED;
    serve(mem, t);
    delay += sc_time(3, SC_NS);
    return tlm::TLM_COMPLETED;
  }
};

}  // namespace

TEST_CASE("protocol checker: the TLM_COMPLETED shortcut is legal, nb_transport without an mm is not",
          "[sc][protocol]") {
  ScriptInitiator init("init");
  sc::ProtocolChecker checker("checker");
  InstantTarget target("target");
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(target.tgt_socket);
  std::size_t after_good = 99;
  tlm::tlm_sync_enum s1 = tlm::TLM_ACCEPTED, s2 = tlm::TLM_ACCEPTED;
  init.body = [&](ScriptInitiator& self) {
    sc::PayloadPool pool;
    std::uint32_t w = 0;
    tlm::tlm_generic_payload* good = pool.acquire();
    setup_read(*good, w, 0x8);
    s1 = self.send(*good, tlm::BEGIN_REQ);
    good->release();
    after_good = checker.violation_count();
    tlm::tlm_generic_payload bad;  // no memory manager
    setup_read(bad, w, 0xC);
    s2 = self.send(bad, tlm::BEGIN_REQ);
  };
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(s1 == tlm::TLM_COMPLETED);
  CHECK(s2 == tlm::TLM_COMPLETED);
  CHECK(after_good == 0);
  CHECK(checker.count(ProtocolRule::kNoMemoryManager) == 1);
  CHECK(others(checker, ProtocolRule::kNoMemoryManager) == 0);
  CHECK(checker.in_flight() == 0);
}

TEST_CASE("protocol checker: b_transport on a transaction in flight through nb_transport is caught",
          "[sc][protocol]") {
  ScriptInitiator init("init");
  sc::ProtocolChecker checker("checker");
  AtMemory mem("mem");
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  init.body = [&](ScriptInitiator& self) {
    sc::PayloadPool pool;
    std::uint32_t w = 0;
    tlm::tlm_generic_payload* t = pool.acquire();
    setup_read(*t, w, 0x8);
    self.send(*t, tlm::BEGIN_REQ);  // accepted; END_REQ 1 ns later, response 20 ns after that
    sc_time d = SC_ZERO_TIME;
    self.init_socket->b_transport(*t, d);  // same object, still in flight
    wait(50, SC_NS);
    t->release();
  };
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.count(ProtocolRule::kMixedInterfaces) == 1);
  REQUIRE(checker.violation_count() == 1);
  CHECK_THAT(checker.violations()[0], Catch::Contains("mixed_interfaces") && Catch::Contains("b_transport"));
  CHECK(checker.in_flight() == 0);  // the nb_transport sequence still completed
}

TEST_CASE("protocol checker: phases on the wrong path and END_RESP without BEGIN_RESP are caught",
          "[sc][protocol]") {
  ScriptInitiator init("init");
  sc::ProtocolChecker checker("checker");
  InstantTarget target("target");
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(target.tgt_socket);
  init.body = [&](ScriptInitiator& self) {
    sc::PayloadPool pool;
    std::uint32_t w = 0;
    tlm::tlm_generic_payload* t = pool.acquire();
    setup_read(*t, w, 0x8);
    self.send(*t, tlm::END_REQ);   // a target's phase on the forward path
    self.send(*t, tlm::END_RESP);  // nothing to end
    t->release();
  };
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.count(ProtocolRule::kPhaseDirection) == 1);
  CHECK(checker.count(ProtocolRule::kPhaseSequence) == 1);
  CHECK(checker.violation_count() == 2);
}

TEST_CASE("protocol checker: a request starting with a response status set is caught", "[sc][protocol]") {
  ScriptInitiator init("init");
  sc::ProtocolChecker checker("checker");
  InstantTarget target("target");
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(target.tgt_socket);
  init.body = [&](ScriptInitiator& self) {
    sc::PayloadPool pool;
    std::uint32_t w = 0;
    tlm::tlm_generic_payload* t = pool.acquire();
    setup_read(*t, w, 0x8);
    t->set_response_status(tlm::TLM_OK_RESPONSE);  // the gem5-bridge bug
    t->set_streaming_width(0);
    self.send(*t, tlm::BEGIN_REQ);
    t->release();
  };
  sc_core::sc_start();
  INFO(joined(checker));
  CHECK(checker.count(ProtocolRule::kStatusNotIncomplete) == 1);
  CHECK(checker.count(ProtocolRule::kStreamingWidthZero) == 1);
  CHECK(checker.violation_count() == 2);
}

TEST_CASE("protocol checker: in error mode a violation stops the run with SC_REPORT_ERROR",
          "[sc][protocol]") {
  LtInitiator init("init", 0, 4);
  sc::ProtocolChecker checker("checker", sc::ProtocolChecker::OnViolation::kError);
  LtMemory mem("mem", LtMemory::Fault::kLeaveIncomplete);
  init.init_socket.bind(checker.tgt_socket);
  checker.init_socket.bind(mem.tgt_socket);
  CHECK_THROWS_WITH(sc_core::sc_start(), Catch::Contains("status_incomplete_on_return") &&
                                             Catch::Contains("savp/protocol_checker"));
  CHECK(checker.violation_count() == 1);  // stopped at the first
}
