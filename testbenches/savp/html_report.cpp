#include "testbenches/savp/html_report.hpp"

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <filesystem>

#include "testbenches/savp/child_process.hpp"

namespace savp::tb {

namespace fs = std::filesystem;

namespace {

// Debian's python3 (it has python3-matplotlib); a pyenv shim on PATH may not.
constexpr const char* kPython = "/usr/bin/python3";
// The script's exit code when matplotlib cannot be imported (savp_report.py).
constexpr int kNoMatplotlib = 3;

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

}  // namespace

bool reports_enabled_by_env() {
  const char* env = std::getenv("SAVP_REPORT");
  return env == nullptr || std::string(env) != "0";
}

std::string write_report_html(const std::string& outdir, const std::string& kind) {
  std::error_code ec;
  fs::remove(fs::path(outdir) / "report.html", ec);  // not this result's: a stale page would pass for it
  const std::string script = SAVP_REPORT_SCRIPT;
  if (access(kPython, X_OK) != 0) return std::string(kPython) + " not found";
  if (access(script.c_str(), R_OK) != 0) return script + " not found";
  int code = 0;
  std::string text;
  try {
    text = run_captured({kPython, script, kind, outdir}, code);
  } catch (const std::exception& e) {
    return e.what();
  }
  if (code == kNoMatplotlib) return "python3-matplotlib is not installed";
  if (code != 0) return "savp_report.py failed (exit " + std::to_string(code) + "): " + last_line(text);
  return "";
}

}  // namespace savp::tb
