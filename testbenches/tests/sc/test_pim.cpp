// SystemC component test: SPRINT's ReRAM PIM target. Keys loaded through its ordinary socket's debug
// interface, then CopyQ / Threshold / ReadP / transposed read over the dedicated PIM socket: the keep
// bits equal (query . key MSBs >= threshold) with the noise off, the transposed read returns the
// stored codes, commands take their spec's cycles, and a payload without the mandatory command
// extension is refused. (Binding a base-protocol target to the PIM socket does not compile.)
#include <tlm_utils/simple_initiator_socket.h>
#include <catch2/catch.hpp>
#include <systemc>

#include <vector>

#include "models/common/random.hpp"
#include "tlm/memory/pim_protocol.hpp"
#include "tlm/memory/reram_pim_target.hpp"

using namespace savp;

namespace {

constexpr std::uint64_t kWindow = 0x20'0000'0000ull;

struct PimDriver : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<PimDriver, 32, sc::pim_protocol_types> pim;
  tlm_utils::simple_initiator_socket<PimDriver> mem;
  std::function<void(PimDriver&)> body;
  std::string failure;
  SC_HAS_PROCESS(PimDriver);
  explicit PimDriver(sc_core::sc_module_name n) : sc_module(n), pim("pim"), mem("mem") { SC_THREAD(run); }
  void run() {
    try {
      body(*this);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  // One command; returns the response status and adds its delay to `t`.
  tlm::tlm_response_status send(common::PimCommand* c, sc_core::sc_time& t) {
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(c ? c->array : kWindow);
    p.set_data_length(0);
    sc::PimCommandExtension ext(c);
    if (c) p.set_extension(&ext);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    pim->b_transport(p, d);
    if (c) p.clear_extension(&ext);
    t += d;
    return p.get_response_status();
  }
};

}  // namespace

TEST_CASE("PIM target: in-memory pruning over the dedicated socket", "[sc][pim]") {
  memory::ReramSpec spec;  // noise off by default
  sc::ReramPimTarget target("pim", spec, kWindow, 1 << 20, 7);
  PimDriver drv("drv");
  drv.pim.bind(target.pim_socket);
  drv.mem.bind(target.tgt_socket);
  const std::uint32_t keys = 40, dim = 64;
  std::vector<std::int8_t> codes(keys * dim);
  common::Rng rng(3);
  for (auto& c : codes) c = static_cast<std::int8_t>(static_cast<int>(rng.next() % 15) - 7);
  std::vector<std::int32_t> q(dim);
  for (auto& x : q) x = static_cast<int>(rng.next() % 15) - 7;
  drv.body = [&](PimDriver& d) {
    tlm::tlm_generic_payload load;
    load.set_command(tlm::TLM_WRITE_COMMAND);
    load.set_address(0);  // the ordinary socket sees window offsets
    load.set_data_ptr(reinterpret_cast<unsigned char*>(codes.data()));
    load.set_data_length(static_cast<unsigned>(codes.size()));
    REQUIRE(d.mem->transport_dbg(load) == codes.size());
    sc_core::sc_time t = sc_core::SC_ZERO_TIME;
    CHECK(d.send(nullptr, t) == tlm::TLM_COMMAND_ERROR_RESPONSE);  // the extension is mandatory
    common::PimCommand c;
    c.array = kWindow;
    c.keys = keys;
    c.dim = dim;
    c.kind = common::PimCommand::Kind::Threshold;
    CHECK(d.send(&c, t) == tlm::TLM_COMMAND_ERROR_RESPONSE);  // no query buffered yet
    c.kind = common::PimCommand::Kind::CopyQ;
    c.query = q;
    t = sc_core::SC_ZERO_TIME;
    REQUIRE(d.send(&c, t) == tlm::TLM_OK_RESPONSE);
    CHECK(t == sc_core::sc_time(spec.copyq_cycles * spec.cycle_ns(), sc_core::SC_NS));
    std::vector<long> dots(keys);
    for (std::uint32_t j = 0; j < keys; ++j) {
      for (std::uint32_t x = 0; x < dim; ++x) dots[j] += q[x] * codes[j * dim + x];
    }
    c.kind = common::PimCommand::Kind::Threshold;
    c.threshold = 10;
    t = sc_core::SC_ZERO_TIME;
    REQUIRE(d.send(&c, t) == tlm::TLM_OK_RESPONSE);
    CHECK(t == sc_core::sc_time(spec.threshold_cycles * spec.cycle_ns(), sc_core::SC_NS));
    std::vector<std::uint8_t> bits((keys + 7) / 8);
    c.kind = common::PimCommand::Kind::ReadP;
    c.out = bits.data();
    REQUIRE(d.send(&c, t) == tlm::TLM_OK_RESPONSE);
    std::vector<std::uint32_t> kept;
    for (std::uint32_t j = 0; j < keys; ++j) {
      const bool k = (bits[j / 8] >> (j % 8)) & 1;
      CHECK(k == (dots[j] >= 10));
      if (k) kept.push_back(j);
    }
    REQUIRE(!kept.empty());
    std::vector<std::uint8_t> got(kept.size() * dim);
    c.kind = common::PimCommand::Kind::TransposedRead;
    c.columns = kept;
    c.out = got.data();
    REQUIRE(d.send(&c, t) == tlm::TLM_OK_RESPONSE);
    for (std::size_t i = 0; i < kept.size(); ++i) {
      for (std::uint32_t x = 0; x < dim; ++x)
        CHECK(static_cast<std::int8_t>(got[i * dim + x]) == codes[kept[i] * dim + x]);
    }
    c.array = kWindow - 64;  // outside the window
    CHECK(d.send(&c, t) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  };
  sc_core::sc_start();
  CHECK(drv.failure.empty());
  CHECK(target.counters().comparator_ops == keys);
  CHECK(target.counters().transposed_keys > 0);
}
