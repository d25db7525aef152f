// RTL block protocols: see rtl_protocols.hpp. The port widths follow the project's own blocks:
// topk-v1 from testbenches/cosim/rtl/topk_engine.sv (out_data = 16 P + 8), salo-array-v1 from
// testbenches/cosim/rtl/salo_array.sv (in_data = out_data = 64 + 32 D).
#include "testbenches/cosim/plugin/rtl_protocols.hpp"

#include <algorithm>

namespace savp::cosim {

namespace {

std::vector<PortSpec> common_ports(std::uint32_t in_base, std::uint32_t in_lane, std::uint32_t out_base,
                                   std::uint32_t out_lane) {
  return {
      {"clk", true, 1, 0},
      {"rst", true, 1, 0},
      {"reg_req", true, 1, 0},
      {"reg_we", true, 1, 0},
      {"reg_addr", true, 32, 0},
      {"reg_wdata", true, 64, 0},
      {"reg_ack", false, 1, 0},
      {"reg_rdata", false, 64, 0},
      {"in_valid", true, 1, 0},
      {"in_ready", false, 1, 0},
      {"in_data", true, in_base, in_lane},
      {"in_last", true, 1, 0},
      {"out_valid", false, 1, 0},
      {"out_ready", true, 1, 0},
      {"out_data", false, out_base, out_lane},
      {"out_last", false, 1, 0},
  };
}

const std::vector<ProtocolSpec>& protocols() {
  static const std::vector<ProtocolSpec> p = {
      {"topk-v1", 1, "P, the kept-index lanes of an output beat", common_ports(64, 0, 8, 16)},
      {"salo-array-v1", 1, "D, the head dimension (lanes of an input and an output beat)",
       common_ports(64, 32, 64, 32)},
  };
  return p;
}

std::string width_rule(const PortSpec& s) {
  if (s.lane_bits == 0) return std::to_string(s.base_bits) + " bits";
  return std::to_string(s.lane_bits) + " * lanes + " + std::to_string(s.base_bits) + " bits";
}

}  // namespace

const ProtocolSpec* find_protocol(const std::string& name) {
  for (const ProtocolSpec& p : protocols()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string protocol_names() {
  std::string s;
  for (const ProtocolSpec& p : protocols()) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

std::string check_ports(const ProtocolSpec& spec, const std::vector<BlockPort>& ports, std::uint32_t& lanes) {
  lanes = 0;
  for (const PortSpec& s : spec.ports) {
    const auto it =
        std::find_if(ports.begin(), ports.end(), [&](const BlockPort& b) { return b.name == s.name; });
    if (it == ports.end()) return "port " + s.name + " is missing (" + spec.name + " needs it)";
    if (it->input != s.input) {
      return "port " + s.name + " is an " + (it->input ? "input" : "output") + ", " + spec.name +
             " needs an " + (s.input ? "input" : "output");
    }
    const std::string found =
        " (" + spec.name + " needs " + width_rule(s) + ", found " + std::to_string(it->width) + ")";
    if (s.lane_bits == 0) {
      if (it->width != s.base_bits) return "port " + s.name + " has the wrong width" + found;
      continue;
    }
    if (it->width < s.base_bits + s.lane_bits || (it->width - s.base_bits) % s.lane_bits != 0) {
      return "port " + s.name + " has the wrong width" + found;
    }
    const std::uint32_t l = (it->width - s.base_bits) / s.lane_bits;
    if (lanes != 0 && l != lanes) {
      return "port " + s.name + " has the wrong width" + found + ": its lanes (" + std::to_string(l) +
             ") differ from another port's (" + std::to_string(lanes) + ")";
    }
    lanes = l;
  }
  for (const BlockPort& b : ports) {
    const bool known = std::any_of(spec.ports.begin(), spec.ports.end(),
                                   [&](const PortSpec& s) { return s.name == b.name; });
    if (!known)
      return "port " + b.name + " is not part of " + spec.name + " (wrap the block in an adapter module)";
  }
  return "";
}

}  // namespace savp::cosim
