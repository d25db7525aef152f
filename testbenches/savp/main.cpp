// sc_main of the savp program: everything is in the CLI.
#include <systemc>

#include <cstdlib>

#include "testbenches/cosim/plugin/topk_plugin.hpp"
#include "testbenches/savp/cli.hpp"
#ifdef SAVP_HAVE_COSIM
#include "testbenches/cosim/salo_rtl.hpp"
#include "testbenches/cosim/topk_rtl.hpp"
#endif

namespace {
// Runs before libsystemc's main() prints its banner: keep stdout/stderr for SAVP's own messages.
const bool kNoBanner = (setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0), true);
}  // namespace

int sc_main(int argc, char** argv) {
  (void)kNoBanner;
  savp::cosim::register_rtl_plugins();  // "backend": {"rtl": "BLOCK.so"}
#ifdef SAVP_HAVE_COSIM
  savp::cosim::register_topk_rtl();  // "backend": "rtl" on the top-k engines
  savp::cosim::register_salo_rtl();  // "backend": "rtl" on the SALO accelerators
  savp::tb::set_rtl_waves_hook([](const std::string& outdir) { savp::cosim::set_rtl_waves_dir(outdir); });
#endif
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  return savp::tb::cli_main(argc, argv);
}
