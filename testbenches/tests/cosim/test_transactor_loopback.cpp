// Transactor loopback: TLM -> pins -> TLM with no RTL in between. A valid/ready stream
// (Tlm2Stream wired pin to pin to Stream2Tlm, with and without back-pressure, 64-bit and wide
// beats) and the register interface (Tlm2Reg wired to Reg2Tlm in front of a memory) must move
// every byte unchanged, in order, one beat per cycle when nothing stalls; both clock modes.
#include <catch2/catch.hpp>
#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>

#include <functional>
#include <memory>
#include <vector>

#include "models/common/random.hpp"
#include "testbenches/cosim/byte_target.hpp"
#include "testbenches/cosim/reg_transactors.hpp"
#include "testbenches/cosim/stream_transactors.hpp"

using namespace savp::cosim;

namespace {

// Runs `body` in a thread that owns a TLM initiator socket.
struct Driver : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Driver> init_socket{"init_socket"};
  std::function<void(Driver&)> body;
  bool done = false;
  SC_HAS_PROCESS(Driver);
  explicit Driver(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
  void run() {
    body(*this);
    done = true;
  }
  void write(std::uint64_t addr, std::vector<std::uint8_t>& data) {
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(addr);
    t.set_data_ptr(data.data());
    t.set_data_length(static_cast<unsigned>(data.size()));
    t.set_streaming_width(static_cast<unsigned>(data.size()));
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    init_socket->b_transport(t, d);
    REQUIRE(t.is_response_ok());
  }
};

template <typename T>
void stream_loopback(bool delta, bool stall) {
  CosimClock clock("clock", 2.0, delta);
  StreamPins<T> pins("s");
  Tlm2Stream<T> master("master", clock);
  Stream2Tlm<T> slave("slave", clock, 0);
  ByteTarget mem("mem", 1 << 16);
  Driver drv("drv");
  master.bind(pins);
  slave.bind(pins);
  slave.init_socket.bind(mem.tgt_socket);
  drv.init_socket.bind(master.tgt_socket);
  savp::common::Rng rng(7);
  if (stall) slave.ready_pattern = [&rng](std::uint64_t) { return rng.below(3) != 0; };
  const std::size_t beats = 300, bb = beat_bytes<T>();
  std::vector<std::uint8_t> data(beats * bb);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng.next());
  std::uint64_t cycles = 0;
  sc_core::sc_time elapsed;
  drv.body = [&](Driver& d) {
    const std::uint64_t c0 = clock.cycles();
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    d.write(0, data);
    cycles = clock.cycles() - c0;
    elapsed = sc_core::sc_time_stamp() - t0;
  };
  sc_core::sc_start(100, sc_core::SC_US);
  REQUIRE(drv.done);
  REQUIRE(slave.error().empty());
  CHECK(master.beats() == beats);
  CHECK(slave.beats() == beats);
  CHECK(slave.packets() == 1);
  CHECK(std::equal(data.begin(), data.end(), mem.bytes.begin()));
  // One beat per cycle, plus the first edge (the master starts driving at a sampling point) and the
  // slave's first ready (driven from its first sampling point on).
  if (!stall) CHECK(cycles == beats + 2);
  if (stall) CHECK(cycles > beats + 20);
  if (delta) CHECK(elapsed == sc_core::SC_ZERO_TIME);
  // Timed: edges at 0, 2, 4 ... ns; the call returns at the sampling point half a period after its
  // last edge.
  if (!delta) CHECK(elapsed == sc_core::sc_time(2.0 * cycles - 1.0, sc_core::SC_NS));
}

}  // namespace

TEST_CASE("stream loopback: 64-bit beats; timed clock; no back-pressure") { stream_loopback<std::uint64_t>(false, false); }
TEST_CASE("stream loopback: 64-bit beats; timed clock; random back-pressure") { stream_loopback<std::uint64_t>(false, true); }
TEST_CASE("stream loopback: 264-bit beats; delta clock; random back-pressure") {
  stream_loopback<sc_dt::sc_bv<264>>(true, true);
}
TEST_CASE("stream loopback: 32-bit beats; delta clock; no back-pressure") { stream_loopback<std::uint32_t>(true, false); }

TEST_CASE("register loopback: writes then reads through Tlm2Reg -> pins -> Reg2Tlm -> memory") {
  CosimClock clock("clock", 1.0, false);
  RegPins pins("r");
  Tlm2Reg master("master", clock);
  Reg2Tlm slave("slave", clock);
  ByteTarget mem("mem", 4096);
  Driver drv("drv");
  master.bind(pins);
  slave.bind(pins);
  slave.init_socket.bind(mem.tgt_socket);
  drv.init_socket.bind(master.tgt_socket);
  std::vector<std::uint64_t> got;
  drv.body = [&](Driver&) {
    for (std::uint32_t i = 0; i < 32; ++i) master.write(i * 8, 0x1234'5678'9ABC'0000ull + i * 977);
    for (std::uint32_t i = 0; i < 32; ++i) got.push_back(master.read(i * 8));
  };
  sc_core::sc_start(10, sc_core::SC_US);
  REQUIRE(drv.done);
  REQUIRE(got.size() == 32);
  for (std::uint32_t i = 0; i < 32; ++i) {
    CHECK(got[i] == 0x1234'5678'9ABC'0000ull + i * 977);
    std::uint64_t m = 0;
    std::memcpy(&m, mem.bytes.data() + i * 8, 8);
    CHECK(m == got[i]);
  }
}

TEST_CASE("cosim clock: refuses a SystemC time resolution other than the RTL's 1 ps") {
  CHECK_NOTHROW(check_time_resolution());  // the default resolution is 1 ps
}
