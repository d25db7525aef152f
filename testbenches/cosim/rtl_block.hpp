// RtlBlock: what the RTL backends (SaloRtl, TopkRtl) share around one verilated block with the
// standard ports (clk, rst, the register bus of reg_transactors.hpp, one valid/ready stream in and
// one out): the block's CosimClock, its reset pin, the register pins behind a Tlm2Reg reached
// through reg_socket, 8-byte register reads and writes, the first-use reset pulse, and the binding
// of the block's pins to its signals and stream transactors.
// reg_read(), reg_write(), transport() and reset_pulse() must be called from an SC_THREAD.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <string>

#include "testbenches/cosim/cosim_clock.hpp"
#include "testbenches/cosim/reg_transactors.hpp"
#include "testbenches/cosim/stream_transactors.hpp"

namespace savp::cosim {

class RtlBlock : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<RtlBlock> reg_socket{"reg_socket"};  // -> Tlm2Reg (registers)

  std::uint64_t reg_read(std::uint32_t addr);
  void reg_write(std::uint32_t addr, std::uint64_t value);
  const CosimClock& clock() const { return clock_; }

 protected:
  // delta: clock in delta cycles (see CosimClock).
  RtlBlock(sc_core::sc_module_name name, double period_ns, bool delta);

  // One blocking TLM access of `bytes` at `addr` through `s`; throws on an error response.
  void transport(tlm::tlm_initiator_socket<>& s, bool write, std::uint64_t addr, void* data, unsigned bytes);
  // The first call holds rst high for two cycles, then low for one, and returns true; later calls
  // return false at once.
  bool reset_pulse();

  // Binds the block's clk, rst, reg_*, in_* and out_* ports to the clock, rst_, reg_ and the
  // stream pins, the stream transactors to those pins, and dumps the block to vcd_path (empty:
  // no waves).
  template <typename Model, typename In, typename Out>
  void bind_block(Model& rtl, StreamPins<In>& in, Tlm2Stream<In>& in_tx, StreamPins<Out>& out,
                  Stream2Tlm<Out>& out_rx, const std::string& vcd_path) {
    rtl.clk(clock_.clk);
    rtl.rst(rst_);
    rtl.reg_req(reg_.req);
    rtl.reg_we(reg_.we);
    rtl.reg_addr(reg_.addr);
    rtl.reg_wdata(reg_.wdata);
    rtl.reg_ack(reg_.ack);
    rtl.reg_rdata(reg_.rdata);
    rtl.in_valid(in.valid);
    rtl.in_ready(in.ready);
    rtl.in_data(in.data);
    rtl.in_last(in.last);
    rtl.out_valid(out.valid);
    rtl.out_ready(out.ready);
    rtl.out_data(out.data);
    rtl.out_last(out.last);
    in_tx.bind(in);
    out_rx.bind(out);
    if (!vcd_path.empty()) clock_.trace(rtl, vcd_path);
  }

  CosimClock clock_;
  sc_core::sc_signal<bool> rst_{"rst"};
  RegPins reg_{"reg"};
  Tlm2Reg reg_tx_;

 private:
  bool reset_ = false;
};

}  // namespace savp::cosim
