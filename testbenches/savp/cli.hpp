// The savp command line (DESIGN.md "CLI"): run, validate, sweep, list, --version, --help.
// Exit codes: 0 success; 1 a simulation ran but failed a check; 2 bad input (nothing written).
#pragma once

#include <functional>
#include <string>

namespace savp::tb {

int cli_main(int argc, char** argv);
// Called by `savp run` before the simulation when the scenario sets outputs.rtl_waves, with the
// output directory (the co-simulation build points its RTL backends' waves there).
void set_rtl_waves_hook(std::function<void(const std::string& outdir)> hook);

}  // namespace savp::tb
