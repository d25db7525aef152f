// libsavp_ref.so: version and error reporting (savp_ref.h).
#include <string>

#include "testbenches/dpi/savp_ref.h"
#include "testbenches/dpi/savp_ref_common.hpp"

namespace savp::ref {
namespace {
thread_local std::string g_error;
}
void set_error(const std::string& what) { g_error = what; }
}  // namespace savp::ref

extern "C" {

int savp_ref_version(void) { return SAVP_REF_VERSION; }

const char* savp_ref_version_string(void) {
  static const std::string s = "savp_ref " + std::to_string(SAVP_REF_VERSION / 10000) + "." +
                               std::to_string(SAVP_REF_VERSION / 100 % 100) + "." +
                               std::to_string(SAVP_REF_VERSION % 100) + " (savp " SAVP_VERSION ")";
  return s.c_str();
}

const char* savp_ref_last_error(void) { return savp::ref::g_error.c_str(); }
}
