// CosimClock: the clock of one verilated RTL block and the sampling point its pin-level transactors
// synchronise on. Abstraction: cycle-based RTL co-simulation (Verilator --sc models are sc_modules;
// this module drives their clock pin).
//
// Each cycle: clk rises, the RTL evaluates; once its outputs have settled the clock fires sample()
// (the transactors act on what they saw before the edge and drive their outputs for the next
// edge); clk falls, everything settles and the clock fires pre_edge() (every transactor reads the
// values the next rising edge will sample: the RTL's registered outputs and the other transactors'
// outputs alike, so transactor-to-transactor loopbacks and transactor-to-RTL links follow the same
// rule). Two modes:
//   - Timed: the clock period is real SystemC time (unit testbenches: the RTL's time advances, so
//     SystemC's time resolution must match the RTL's timeprecision, which check_time_resolution()
//     and Verilator itself enforce).
//   - Delta: the edges are SystemC delta cycles at the current time. The platform backends use it:
//     the engine's compute step still takes the step's compute_cycles of platform time (the RTL's
//     cycle count is checked equal to them), so the rest of the platform sees the same timing as
//     with the C++ core, and the RTL can run inside the core's reads_done() call.
// The clock runs only while some transactor holds it (hold()/release()), so an idle platform is
// not stepped. After every edge a Verilog $finish (Verilated gotFinish) stops the simulation with
// sc_stop(); waves.vcd (optional) is dumped on both edges with the RTL's own cycle time.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

class VerilatedVcdC;

namespace savp::cosim {

// Throws std::runtime_error when SystemC's time resolution is not 1 ps, the timeprecision every
// RTL file of testbenches/cosim/rtl declares (`timeprecision 1ps`).
void check_time_resolution();

class CosimClock : public sc_core::sc_module {
 public:
  sc_core::sc_signal<bool> clk{"clk"};

  SC_HAS_PROCESS(CosimClock);
  CosimClock(sc_core::sc_module_name name, double period_ns, bool delta);
  ~CosimClock() override;

  // waves.vcd of `model` (a verilated module with trace()), opened when the simulation starts
  // (Verilator traces only an elaborated model).
  template <typename Model>
  void trace(Model& model, const std::string& path) {
    attach_ = [this, &model, path] {
      open_vcd();
      model.trace(vcd_.get(), 99);
      open_vcd_file(path);
    };
  }

  void hold();     // start (or keep) the clock running
  void release();  // stop it once no holder is left
  const sc_core::sc_event& sample() const { return sample_; }
  const sc_core::sc_event& pre_edge() const { return pre_edge_; }
  std::uint64_t cycles() const { return cycles_; }  // rising edges so far
  bool finished() const { return finished_; }       // the RTL called $finish
  double period_ns() const { return period_ns_; }

 private:
  void start_of_simulation() override;
  void run();
  void settle();
  void open_vcd();
  void open_vcd_file(const std::string& path);

  double period_ns_;
  bool delta_;
  int holders_ = 0;
  std::uint64_t cycles_ = 0;
  bool finished_ = false;
  sc_core::sc_event sample_, pre_edge_, wake_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  std::function<void()> attach_;
};

// Where the platform's RTL backends write their waves (outputs.rtl_waves): empty = no waves; else
// each verilated instance writes DIR/rtl_<instance>.vcd.
void set_rtl_waves_dir(const std::string& dir);
const std::string& rtl_waves_dir();
std::string rtl_waves_path(const std::string& instance);  // "" when no waves are requested

// Wait for the clock's next sampling point (after a rising edge) or pre-edge point; both throw
// std::runtime_error once the RTL has finished ($finish).
void wait_sample(const CosimClock& clock);
void wait_pre_edge(const CosimClock& clock);

}  // namespace savp::cosim
