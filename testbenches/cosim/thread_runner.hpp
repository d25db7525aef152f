// ThreadRunner: runs a test's or benchmark's body in an SC_THREAD (where the RTL backends and the
// transactors must be called) and records what it threw in `failure` instead of letting it escape
// into the SystemC kernel; the caller checks `failure` once sc_start() returns.
#pragma once

#include <systemc>

#include <exception>
#include <functional>
#include <string>

namespace savp::cosim {

struct ThreadRunner : sc_core::sc_module {
  std::function<void()> body;
  std::string failure;  // empty: the body returned
  SC_HAS_PROCESS(ThreadRunner);
  explicit ThreadRunner(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
  void run() {
    try {
      body();
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "a non-standard exception (e.g. a failed Catch REQUIRE) in the SystemC thread";
    }
  }
};

}  // namespace savp::cosim
