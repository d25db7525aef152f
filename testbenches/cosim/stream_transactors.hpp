// Valid/ready stream transactors (cycle-based, on a CosimClock's sampling points):
//   Tlm2Stream<T>: a TLM target; a WRITE of N * beat_bytes bytes becomes N beats on a valid/ready
//     master port (last on the final beat); b_transport returns when the last beat was accepted.
//   Stream2Tlm<T>: a valid/ready slave port; every accepted beat is forwarded as a TLM WRITE of
//     beat_bytes bytes to its initiator socket at base + beats * beat_bytes; `last` is counted.
//     ready follows a back-pressure pattern (default always ready; a test may stall it).
// Handshake: a beat moves at a rising edge where valid and ready are both high. Transactors drive
// their outputs at the sampling point after an edge and read the other side at the pre-edge point
// (CosimClock), so the other side may be RTL (registered or combinational outputs) or another
// transactor (the loopback test).
// The pins are bound to the RTL's ports by the user (sc_signal<T> per pin).
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "testbenches/cosim/beat_codec.hpp"
#include "testbenches/cosim/cosim_clock.hpp"

namespace savp::cosim {

template <typename T>
struct StreamPins {
  sc_core::sc_signal<bool> valid, ready, last;
  sc_core::sc_signal<T> data;
  explicit StreamPins(const std::string& prefix)
      : valid((prefix + "_valid").c_str()),
        ready((prefix + "_ready").c_str()),
        last((prefix + "_last").c_str()),
        data((prefix + "_data").c_str()) {}
};

// Binds a transactor's valid/last/data/ready ports (either direction) to `p`.
template <typename Ports, typename Pins>
void bind_stream_ports(Ports& m, Pins& p) {
  m.valid(p.valid);
  m.last(p.last);
  m.data(p.data);
  m.ready(p.ready);
}

template <typename T>
class Tlm2Stream : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Tlm2Stream> tgt_socket;
  sc_core::sc_out<bool> valid, last;
  sc_core::sc_out<T> data;
  sc_core::sc_in<bool> ready;

  Tlm2Stream(sc_core::sc_module_name name, CosimClock& clock) : sc_module(name), tgt_socket("tgt_socket"), clock_(clock) {
    tgt_socket.register_b_transport(this, &Tlm2Stream::b_transport);
  }
  template <typename Pins>
  void bind(Pins& p) {
    bind_stream_ports(*this, p);
  }
  std::uint64_t beats() const { return beats_; }

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    const std::size_t bb = beat_bytes<T>();
    if (!t.is_write() || t.get_data_length() % bb != 0 || t.get_byte_enable_ptr() != nullptr) {
      t.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    const std::size_t n = t.get_data_length() / bb;
    clock_.hold();
    wait_sample(clock_);  // drive from a sampling point
    for (std::size_t i = 0; i < n; ++i) {
      data.write(BeatCodec<T>::decode(t.get_data_ptr() + i * bb));
      valid.write(true);
      last.write(i + 1 == n);
      // The beat moves at the next edge where ready is high.
      for (;;) {
        wait_pre_edge(clock_);
        const bool r = ready.read();
        wait_sample(clock_);
        if (r) break;
      }
      ++beats_;
    }
    valid.write(false);
    last.write(false);
    clock_.release();
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  CosimClock& clock_;
  std::uint64_t beats_ = 0;
};

template <typename T>
class Stream2Tlm : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Stream2Tlm> init_socket;
  sc_core::sc_in<bool> valid, last;
  sc_core::sc_in<T> data;
  sc_core::sc_out<bool> ready;
  // Back-pressure: ready for the interval after sampling point `cycle` (default: always).
  std::function<bool(std::uint64_t cycle)> ready_pattern;

  SC_HAS_PROCESS(Stream2Tlm);
  Stream2Tlm(sc_core::sc_module_name name, CosimClock& clock, std::uint64_t base)
      : sc_module(name), init_socket("init_socket"), clock_(clock), base_(base) {
    SC_THREAD(run);
  }
  template <typename Pins>
  void bind(Pins& p) {
    bind_stream_ports(*this, p);
  }
  std::uint64_t beats() const { return beats_; }
  std::uint64_t packets() const { return packets_; }  // beats with last
  void restart(std::uint64_t base) {  // next beat goes to base
    base_ = base;
    beats_ = 0;
    packets_ = 0;
  }
  const std::string& error() const { return error_; }

 private:
  void run() {
    std::vector<std::uint8_t> buf(beat_bytes<T>());
    bool r = false;
    std::uint64_t cycle = 0;
    ready.write(false);
    for (;;) {
      bool v = false, l = false;
      T d{};
      try {
        wait_pre_edge(clock_);
        v = valid.read();
        l = last.read();
        d = data.read();
        wait_sample(clock_);
      } catch (const std::exception&) {
        return;  // $finish: the simulation stops
      }
      if (r && v) {
        BeatCodec<T>::encode(d, buf.data());
        tlm::tlm_generic_payload t;
        t.set_command(tlm::TLM_WRITE_COMMAND);
        t.set_address(base_ + beats_ * buf.size());
        t.set_data_ptr(buf.data());
        t.set_data_length(static_cast<unsigned>(buf.size()));
        t.set_streaming_width(static_cast<unsigned>(buf.size()));
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        init_socket->b_transport(t, delay);
        if (t.is_response_error() && error_.empty()) error_ = std::string(name()) + ": forwarding a beat failed";
        ++beats_;
        if (l) ++packets_;
      }
      r = ready_pattern ? ready_pattern(cycle) : true;
      ready.write(r);
      ++cycle;
    }
  }

  CosimClock& clock_;
  std::uint64_t base_;
  std::uint64_t beats_ = 0, packets_ = 0;
  std::string error_;
};

}  // namespace savp::cosim
