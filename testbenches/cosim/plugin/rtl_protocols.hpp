// RTL block protocols: the contract an RTL team designs its block to so that savp can drive it as a
// plugin (`savp rtl build`, "backend": {"rtl": ...}). Pure C++ (no SystemC, no Verilator): the
// build command checks a verilated top against it, the loader checks a plugin's identity.
// Every protocol shares the port convention of SAVP's own blocks (testbenches/cosim/rtl): clk, rst
// (active high, synchronous), a 64-bit register bus (req, we, addr, wdata -> ack, rdata one cycle
// after the edge that took the request) and one valid/ready stream in and one out (a beat moves on
// a rising edge where valid and ready are both high; last marks a packet's final beat). Per
// protocol: the data widths of the two streams, as lanes * lane_bits + base_bits with lanes >= 1.
// The register maps, beat formats and what the model compares are in docs/cosim.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace savp::cosim {

struct PortSpec {
  std::string name;
  bool input = true;
  // Width = lane_bits * lanes + base_bits, lanes >= 1 the same for every port of the block that
  // has lane_bits != 0 (fixed width when lane_bits == 0).
  std::uint32_t base_bits = 1;
  std::uint32_t lane_bits = 0;
};

struct ProtocolSpec {
  std::string name;  // "topk-v1"
  std::uint32_t version = 1;
  std::string lane_meaning;  // what the lane count is ("P, the kept-index lanes of an output beat")
  std::vector<PortSpec> ports;
};

// The protocols this build knows, by name ("topk-v1", "salo-array-v1"); nullptr when none matches.
const ProtocolSpec* find_protocol(const std::string& name);
// Their names, comma-separated (for messages).
std::string protocol_names();

// Checks a block's ports (name, direction, width) against `spec`: empty when they match, else why,
// naming the first port that does not (missing, wrong direction, wrong width, or not part of the
// protocol). `lanes` receives the lane count the widths imply.
struct BlockPort {
  std::string name;
  bool input = true;
  std::uint32_t width = 0;
};
std::string check_ports(const ProtocolSpec& spec, const std::vector<BlockPort>& ports, std::uint32_t& lanes);

}  // namespace savp::cosim
