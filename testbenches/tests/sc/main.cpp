// Catch2 runner inside sc_main: libsystemc provides main(). CTest runs each TEST_CASE in its own
// process (catch_discover_tests), so every test gets a fresh SystemC kernel: one elaboration each.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int argc, char** argv) { return Catch::Session().run(argc, argv); }
