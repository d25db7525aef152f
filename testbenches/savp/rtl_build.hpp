// savp rtl build: an RTL plugin (testbenches/cosim/plugin/savp_rtl_plugin.h) from a team's
// SystemVerilog. Verilator (Debian's, found on PATH) verilates the sources to C++ (--cc
// --trace-fst); the top's ports, read from the generated header, are checked against the protocol
// (rtl_protocols.hpp: a mismatch is refused naming the port); a generated shim puts the C ABI
// around the model; the compiler that built savp (SAVP_PLUGIN_CXX, recorded at configure time)
// compiles shim, model and the Verilator runtime (each file through ccache when it is on PATH)
// and links BLOCK.so. Every program is started with an argv (child_process.hpp), never a shell;
// every argument is checked first (sources and include directories exist, module, parameter and
// define names are identifiers, values are integers). Work files go to BLOCK.so.build/.
// Exit codes: 0 built; 2 bad arguments, sources that do not verilate, a port mismatch, a failed
// compile (the tool's output is shown).
#pragma once

#include <string>
#include <vector>

namespace savp::tb {

// args: what follows "savp rtl" ("build", SOURCES..., options).
int cmd_rtl(const std::vector<std::string>& args);

}  // namespace savp::tb
