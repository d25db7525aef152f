// Register-interface transactors (cycle-based, on a CosimClock): a 64-bit register bus with a
// one-cycle request (req, we, addr, wdata) answered by a one-cycle acknowledge (ack, rdata) after
// the edge that took the request (the RTL's register blocks: testbenches/cosim/rtl).
//   Tlm2Reg: a TLM target; an 8-byte READ or WRITE at address A becomes one register access at A.
//   Reg2Tlm: the register-block side in SystemC: each request becomes an 8-byte TLM READ or WRITE
//     on its initiator socket (the loopback test puts a TLM memory behind it).
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <string>

#include "testbenches/cosim/cosim_clock.hpp"

namespace savp::cosim {

struct RegPins {
  sc_core::sc_signal<bool> req, we, ack;
  sc_core::sc_signal<std::uint32_t> addr;
  sc_core::sc_signal<std::uint64_t> wdata, rdata;
  explicit RegPins(const std::string& p)
      : req((p + "_req").c_str()),
        we((p + "_we").c_str()),
        ack((p + "_ack").c_str()),
        addr((p + "_addr").c_str()),
        wdata((p + "_wdata").c_str()),
        rdata((p + "_rdata").c_str()) {}
};

// Binds a transactor's req/we/addr/wdata/ack/rdata ports (either direction) to `p`.
template <typename Ports>
void bind_reg_ports(Ports& m, RegPins& p) {
  m.req(p.req);
  m.we(p.we);
  m.addr(p.addr);
  m.wdata(p.wdata);
  m.ack(p.ack);
  m.rdata(p.rdata);
}

class Tlm2Reg : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Tlm2Reg> tgt_socket;
  sc_core::sc_out<bool> req, we;
  sc_core::sc_out<std::uint32_t> addr;
  sc_core::sc_out<std::uint64_t> wdata;
  sc_core::sc_in<bool> ack;
  sc_core::sc_in<std::uint64_t> rdata;

  Tlm2Reg(sc_core::sc_module_name name, CosimClock& clock);
  void bind(RegPins& p) { bind_reg_ports(*this, p); }
  // Convenience for a caller thread: one access through the socket's own b_transport.
  std::uint64_t read(std::uint32_t a);
  void write(std::uint32_t a, std::uint64_t v);

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  std::uint64_t access(bool write, std::uint32_t a, std::uint64_t v);  // read(), write()
  CosimClock& clock_;
};

class Reg2Tlm : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Reg2Tlm> init_socket;
  sc_core::sc_in<bool> req, we;
  sc_core::sc_in<std::uint32_t> addr;
  sc_core::sc_in<std::uint64_t> wdata;
  sc_core::sc_out<bool> ack;
  sc_core::sc_out<std::uint64_t> rdata;

  SC_HAS_PROCESS(Reg2Tlm);
  Reg2Tlm(sc_core::sc_module_name name, CosimClock& clock);
  void bind(RegPins& p) { bind_reg_ports(*this, p); }

 private:
  void run();
  CosimClock& clock_;
};

}  // namespace savp::cosim
