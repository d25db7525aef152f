// The engine registry (tlm/platform/engine_registry.hpp, testbenches/savp/engine_flow.hpp): one
// descriptor and one savp flow per engine type, found by type; a type no engine has is refused.
#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>

#include "testbenches/savp/engine_flow.hpp"
#include "tlm/platform/engine_registry.hpp"

using namespace savp;

TEST_CASE("engine registry: every engine type has one complete descriptor and one savp flow",
          "[sc][registry]") {
  const auto& engines = sc::engines();
  REQUIRE(engines.size() == 6);
  REQUIRE(tb::engine_flows().size() == engines.size());
  std::set<std::string> types;
  for (const sc::EngineDescriptor* e : engines) {
    INFO(e->type);
    CHECK(types.insert(e->type).second);
    CHECK(sc::find_engine(e->type) == e);
    CHECK(e->parse != nullptr);
    CHECK(e->name != nullptr);
    CHECK(e->clock_period_ns != nullptr);
    CHECK(e->make != nullptr);
    CHECK((e->pim_array == nullptr) == (e->bind_pim == nullptr));
    sc::AcceleratorSpec spec;
    spec.type = e->type;
    CHECK(&spec.engine() == e);
    const tb::EngineFlow& f = tb::engine_flow(spec);
    CHECK(f.type == e->type);
    // A flow either plans its own jobs or checks the shared plan; a traffic generator plans its own.
    CHECK((f.own_plan != nullptr) != (f.check != nullptr));
    if (e->traffic) CHECK(f.own_plan != nullptr);
  }
  CHECK(sc::engine_types() ==
        std::vector<std::string>{"dense", "salo", "spatten", "sprint", "chela", "traffic"});
}

TEST_CASE("engine registry: a type no engine has has no descriptor and no flow", "[sc][registry]") {
  CHECK(sc::find_engine("sal0") == nullptr);
  CHECK(sc::find_engine("") == nullptr);
  sc::AcceleratorSpec spec;
  spec.type = "SALO";  // types are case-sensitive
  CHECK_THROWS_AS(spec.engine(), std::logic_error);
  CHECK_THROWS_AS(tb::engine_flow(spec), std::logic_error);
}
