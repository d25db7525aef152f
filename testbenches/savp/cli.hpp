// The savp command line (DESIGN.md "CLI"): run, validate, sweep, list, --version, --help.
// Exit codes: 0 success; 1 a simulation ran but failed a check; 2 bad input (nothing written).
#pragma once

namespace savp::tb {

int cli_main(int argc, char** argv);

}  // namespace savp::tb
