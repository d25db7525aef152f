#include "testbenches/cosim/cosim_clock.hpp"

#include <verilated.h>
#include <verilated_vcd_c.h>

#include <stdexcept>

namespace savp::cosim {

void check_time_resolution() {
  const sc_core::sc_time res = sc_core::sc_get_time_resolution();
  if (res != sc_core::sc_time(1, sc_core::SC_PS)) {
    throw std::runtime_error("cosim: SystemC time resolution is " + res.to_string() +
                             ", the RTL's timeprecision is 1 ps: they must agree");
  }
}

CosimClock::CosimClock(sc_core::sc_module_name name, double period_ns, bool delta)
    : sc_module(name), period_ns_(period_ns), delta_(delta) {
  check_time_resolution();
  if (!(period_ns > 0.0)) throw std::invalid_argument("cosim: clock period must be positive");
  SC_THREAD(run);
}

CosimClock::~CosimClock() {
  if (vcd_) vcd_->close();
}

void CosimClock::start_of_simulation() {
  if (attach_) attach_();
}

void CosimClock::open_vcd() {
  Verilated::traceEverOn(true);
  vcd_ = std::make_unique<VerilatedVcdC>();
}

void CosimClock::open_vcd_file(const std::string& path) {
  vcd_->open(path.c_str());
  if (!vcd_->isOpen()) throw std::runtime_error("cosim: cannot write " + path);
}

void CosimClock::hold() {
  if (holders_++ == 0) wake_.notify();
}

void CosimClock::release() {
  if (holders_ == 0) throw std::logic_error("cosim: clock released more often than held");
  --holders_;
}

void CosimClock::settle() {
  if (delta_) {
    // Edge written in delta d; the RTL evaluates in d + 1; its outputs are visible in d + 2.
    sc_core::wait(sc_core::SC_ZERO_TIME);
    sc_core::wait(sc_core::SC_ZERO_TIME);
  } else {
    sc_core::wait(sc_core::sc_time(period_ns_ / 2, sc_core::SC_NS));
  }
}

void CosimClock::run() {
  for (;;) {
    while (holders_ == 0) sc_core::wait(wake_);
    clk.write(true);
    settle();
    ++cycles_;
    if (vcd_) vcd_->dump(static_cast<std::uint64_t>(cycles_ * period_ns_ * 1000.0));
    if (Verilated::threadContextp()->gotFinish()) {
      finished_ = true;
      sc_core::sc_stop();
      sample_.notify();
      pre_edge_.notify();
      return;
    }
    sample_.notify();  // immediate: transactors sample and drive in this evaluation phase
    clk.write(false);
    settle();
    if (vcd_) vcd_->dump(static_cast<std::uint64_t>((cycles_ + 0.5) * period_ns_ * 1000.0));
    pre_edge_.notify();
  }
}

namespace {
std::string& waves_dir() {
  static std::string d;
  return d;
}
}  // namespace

void set_rtl_waves_dir(const std::string& dir) { waves_dir() = dir; }
const std::string& rtl_waves_dir() { return waves_dir(); }
std::string rtl_waves_path(const std::string& instance) {
  return waves_dir().empty() ? std::string() : waves_dir() + "/rtl_" + instance + ".vcd";
}

void wait_sample(const CosimClock& clock) {
  if (clock.finished()) throw std::runtime_error("cosim: the RTL called $finish");
  sc_core::wait(clock.sample());
  if (clock.finished()) throw std::runtime_error("cosim: the RTL called $finish");
}

void wait_pre_edge(const CosimClock& clock) {
  if (clock.finished()) throw std::runtime_error("cosim: the RTL called $finish");
  sc_core::wait(clock.pre_edge());
  if (clock.finished()) throw std::runtime_error("cosim: the RTL called $finish");
}

}  // namespace savp::cosim
