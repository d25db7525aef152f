// RTL plugins, the pure C++ parts: the protocol port check (savp rtl build and the loader) and the
// "backend" key's plugin forms (models/common/rtl_backend_spec).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "models/common/input_error.hpp"
#include "models/common/json_reader.hpp"
#include "models/common/rtl_backend_spec.hpp"
#include "testbenches/cosim/plugin/rtl_plugin.hpp"
#include "testbenches/cosim/plugin/rtl_protocols.hpp"

using namespace savp;

namespace {
std::vector<cosim::BlockPort> topk_ports(std::uint32_t out_width) {
  return {{"clk", true, 1},        {"rst", true, 1},         {"reg_req", true, 1},
          {"reg_we", true, 1},     {"reg_addr", true, 32},   {"reg_wdata", true, 64},
          {"reg_ack", false, 1},   {"reg_rdata", false, 64}, {"in_valid", true, 1},
          {"in_ready", false, 1},  {"in_data", true, 64},    {"in_last", true, 1},
          {"out_valid", false, 1}, {"out_ready", true, 1},   {"out_data", false, out_width},
          {"out_last", false, 1}};
}
}  // namespace

TEST_CASE("topk-v1 port check: lanes from out_data, a wrong width or a missing port named") {
  const cosim::ProtocolSpec* p = cosim::find_protocol("topk-v1");
  REQUIRE(p != nullptr);
  std::uint32_t lanes = 0;
  CHECK(cosim::check_ports(*p, topk_ports(16 * 8 + 8), lanes).empty());
  CHECK(lanes == 8);
  std::string why = cosim::check_ports(*p, topk_ports(16 * 8 + 4), lanes);
  CHECK(why.find("port out_data has the wrong width") != std::string::npos);
  auto ports = topk_ports(24);
  ports[7].width = 32;  // reg_rdata
  CHECK(cosim::check_ports(*p, ports, lanes).find("port reg_rdata") != std::string::npos);
  ports = topk_ports(24);
  ports.erase(ports.begin() + 9);  // in_ready
  CHECK(cosim::check_ports(*p, ports, lanes).find("port in_ready is missing") != std::string::npos);
  ports = topk_ports(24);
  ports[9].input = true;
  CHECK(cosim::check_ports(*p, ports, lanes).find("port in_ready is an input") != std::string::npos);
  ports = topk_ports(24);
  ports.push_back({"irq", false, 1});
  CHECK(cosim::check_ports(*p, ports, lanes).find("port irq is not part of topk-v1") != std::string::npos);
  CHECK(cosim::find_protocol("topk-v2") == nullptr);
}

TEST_CASE("salo-array-v1 port check: in_data and out_data lanes must agree") {
  const cosim::ProtocolSpec* p = cosim::find_protocol("salo-array-v1");
  REQUIRE(p != nullptr);
  auto ports = topk_ports(64 + 32 * 16);
  ports[10].width = 64 + 32 * 16;
  std::uint32_t lanes = 0;
  CHECK(cosim::check_ports(*p, ports, lanes).empty());
  CHECK(lanes == 16);
  ports[10].width = 64 + 32 * 8;
  CHECK(cosim::check_ports(*p, ports, lanes).find("differ from another port's") != std::string::npos);
}

TEST_CASE("extract_bits reads across 32-bit words") {
  const std::vector<std::uint32_t> w = {0x89ABCDEFu, 0x01234567u, 0x5u};
  CHECK(cosim::extract_bits(w, 0, 64) == 0x0123456789ABCDEFull);
  CHECK(cosim::extract_bits(w, 28, 8) == 0x78u);
  CHECK(cosim::extract_bits(w, 64, 8) == 0x5u);
  CHECK(cosim::extract_bits(w, 90, 8) == 0u);  // beyond the words
}

TEST_CASE("backend key: string choices, the plugin forms, the check's refusal at the rtl node") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "savp_unit_rtl_backend";
  fs::create_directories(dir);
  std::ofstream(dir / "block.so") << "x";
  const std::string file = (dir / "s.json").string();
  std::string checked;
  common::register_rtl_plugin_check([&](const std::string& path, const std::string& protocol) {
    checked = path + " " + protocol;
    return path.find("bad") != std::string::npos ? std::string("refused") : std::string();
  });
  auto parse = [&](const char* text, common::RtlPluginSpec& spec) {
    common::Json j = common::Json::parse(text);
    common::JsonNode n(j, file);
    const common::BackendChoice c = common::parse_backend(n, "backend", "topk-v1", spec);
    n.finish();
    return c;
  };
  common::RtlPluginSpec s;
  CHECK(parse(R"({})", s) == common::BackendChoice::Model);
  CHECK(parse(R"({"backend": "rtl"})", s) == common::BackendChoice::Rtl);
  CHECK(parse(R"({"backend": {"rtl": "block.so"}})", s) == common::BackendChoice::Plugin);
  CHECK(s.path == (dir / "block.so").string());
  CHECK_FALSE(s.rtl_cycles);
  CHECK(checked == s.path + " topk-v1");
  s = {};
  CHECK(parse(R"({"backend": {"rtl": {"path": "block.so", "cycles": "rtl", "budget_cycles": 77}}})", s) ==
        common::BackendChoice::Plugin);
  CHECK(s.rtl_cycles);
  CHECK(s.budget_cycles == 77);
  CHECK_THROWS_WITH(parse(R"({"backend": {"rtl": {"path": "block.so", "cycles": "both"}}})", s),
                    Catch::Contains("/backend/rtl/cycles"));
  CHECK_THROWS_WITH(parse(R"({"backend": {"rtl": "block.so", "x": 1}})", s), Catch::Contains("x"));
  CHECK_THROWS_WITH(parse(R"({"backend": {"rtl": "missing.so"}})", s), Catch::Contains("/backend/rtl"));
  CHECK_THROWS_WITH(parse(R"({"backend": 3})", s), Catch::Contains("RTL plugin"));
  std::ofstream(dir / "bad.so") << "x";
  CHECK_THROWS_WITH(parse(R"({"backend": {"rtl": "bad.so"}})", s),
                    Catch::Contains("/backend/rtl") && Catch::Contains("refused"));
  common::register_rtl_plugin_check(nullptr);
  CHECK_THROWS_WITH(parse(R"({"backend": {"rtl": "block.so"}})", s),
                    Catch::Contains("cannot load RTL plugins"));
}

TEST_CASE("the loader refuses a file that is not a shared library") {
  namespace fs = std::filesystem;
  const fs::path f = fs::temp_directory_path() / "savp_unit_not_a_plugin.so";
  std::ofstream(f) << "not an ELF file";
  const std::string why = cosim::rtl_plugin_refusal(f.string(), "topk-v1");
  CHECK(why.find("is not an RTL plugin") != std::string::npos);
  CHECK(cosim::rtl_plugin_refusal(f.string(), "nope-v1").find("unknown RTL protocol") != std::string::npos);
}
