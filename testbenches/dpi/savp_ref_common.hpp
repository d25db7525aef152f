// Shared by the libsavp_ref.so sources: the thread's last error and the wrapper that turns a C++
// exception into the C API's -1 with that message (savp_ref.h).
#pragma once

#include <exception>
#include <string>

namespace savp::ref {

void set_error(const std::string& what);

// Runs f(); 0 when it returns, -1 with the message recorded when it throws.
template <typename F>
int guarded(const char* fn, F&& f) {
  try {
    f();
    set_error("");
    return 0;
  } catch (const std::exception& e) {
    set_error(std::string(fn) + ": " + e.what());
  } catch (...) {
    set_error(std::string(fn) + ": unknown error");
  }
  return -1;
}

}  // namespace savp::ref
