// TopkRtl: the SpAtten top-k engine as verilated RTL (rtl/topk_engine.sv) behind pin-level
// transactors, usable wherever models/spatten's TopkEngine takes a TopkBackend ("backend": "rtl").
// A selection: the candidates' order-preserving codes go through Tlm2Stream onto the RTL's input
// stream, a register write starts the engine, the kept-index beats come back through Stream2Tlm into
// a buffer, and CYCLES / PASSES / COMPARISONS / THRESHOLD are read through Tlm2Reg.
// Candidate encoding and registers: topk-v1 (plugin/topk_protocol.hpp).
// Pivots: the RTL holds its own xoshiro256** (common::Rng), loaded once with the state of
// common::Rng(seed), the seed the C++ engine uses, so both draw the same pivot index stream.
// select() must be called from an SC_THREAD; in delta mode it takes no SystemC time.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <memory>
#include <string>

#include "models/spatten/topk_code.hpp"
#include "models/spatten/topk_engine.hpp"
#include "testbenches/cosim/byte_target.hpp"
#include "testbenches/cosim/cosim_clock.hpp"
#include "testbenches/cosim/plugin/topk_protocol.hpp"
#include "testbenches/cosim/rtl_block.hpp"
#include "testbenches/cosim/stream_transactors.hpp"

class Vtopk_engine;

namespace savp::cosim {

inline constexpr unsigned kTopkP = SAVP_RTL_TOPK_P;         // comparators of the verilated RTL
inline constexpr unsigned kTopkNmax = SAVP_RTL_TOPK_NMAX;   // candidate capacity
inline constexpr int kTopkBeatBits = kTopkP * 16 + 8;
using TopkBeat = sc_dt::sc_bv<kTopkBeatBits>;

// Why the verilated top-k RTL cannot run `cfg` (empty when it can).
std::string topk_rtl_check(const spatten::TopkConfig& cfg);

class TopkRtl : public RtlBlock, public spatten::TopkBackend {
 public:
  tlm_utils::simple_initiator_socket<TopkRtl> cand_socket{"cand_socket"};  // -> Tlm2Stream (candidates)

  // vcd_path: waves.vcd of the RTL (empty: none). delta: clock in delta cycles (see CosimClock).
  TopkRtl(sc_core::sc_module_name name, const spatten::TopkConfig& cfg, std::uint64_t seed, double period_ns,
          bool delta, const std::string& vcd_path = "");
  ~TopkRtl() override;

  void select(const double* values, std::size_t n, std::size_t k, spatten::TopkResult& out) override;

 private:
  void reset_once();

  spatten::TopkConfig cfg_;
  std::uint64_t seed_;
  std::unique_ptr<Vtopk_engine> rtl_;
  StreamPins<std::uint64_t> in_{"in"};
  StreamPins<TopkBeat> out_{"out"};
  Tlm2Stream<std::uint64_t> cand_tx_;
  Stream2Tlm<TopkBeat> kept_rx_;
  ByteTarget kept_mem_;
  std::vector<std::uint64_t> codes_;
};

// Registers the RTL top-k backend with models/spatten (factory and configuration check): engines
// with "backend": "rtl" then run their selections on TopkRtl, clocked in delta cycles.
void register_topk_rtl();

}  // namespace savp::cosim
