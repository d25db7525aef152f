// RtlPlugin: one RTL plugin written by `savp rtl build` (savp_rtl_plugin.h), loaded with dlopen and
// checked (every symbol of the ABI, the ABI version, the protocol's name and version, the ports
// against the protocol: rtl_protocols.hpp); RtlPluginBlock: one instance of its block, driven at
// the pins, cycle by cycle, from plain C++ (no SystemC: the host is the clock).
// A cycle of RtlPluginBlock::cycle(): the inputs set since the previous cycle settle (clk low,
// eval), the outputs are sampled (what a beat or an acknowledge at the coming edge sees), then the
// rising edge (clk high, eval). Waves, when open, get both half cycles (1 ns period).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "testbenches/cosim/plugin/rtl_protocols.hpp"

namespace savp::cosim {

// A plugin that cannot be used (not a plugin, a missing symbol, another protocol or version).
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RtlPlugin {
 public:
  struct Api;  // the resolved symbols

  // Loads `path` and checks it serves `protocol` (throws PluginError with the reason).
  RtlPlugin(const std::string& path, const std::string& protocol);
  ~RtlPlugin();
  RtlPlugin(const RtlPlugin&) = delete;
  RtlPlugin& operator=(const RtlPlugin&) = delete;

  const std::string& path() const { return path_; }
  const ProtocolSpec& protocol() const { return *spec_; }
  std::uint32_t lanes() const { return lanes_; }  // see ProtocolSpec::lane_meaning
  std::string top() const;
  std::string params() const;
  const Api& api() const { return *api_; }

 private:
  std::string path_;
  void* handle_ = nullptr;
  std::unique_ptr<Api> api_;
  const ProtocolSpec* spec_ = nullptr;
  std::uint32_t lanes_ = 0;
};

// Why `path` cannot serve `protocol` (empty when it can): the check the scenario loader registers.
std::string rtl_plugin_refusal(const std::string& path, const std::string& protocol);

// Bits [lsb, lsb + bits) of a value in 32-bit words (bits <= 64).
std::uint64_t extract_bits(const std::vector<std::uint32_t>& words, std::uint32_t lsb, std::uint32_t bits);

class RtlPluginBlock {
 public:
  explicit RtlPluginBlock(std::shared_ptr<const RtlPlugin> plugin);
  ~RtlPluginBlock();
  RtlPluginBlock(const RtlPluginBlock&) = delete;
  RtlPluginBlock& operator=(const RtlPluginBlock&) = delete;

  // The plugin's reset (rst for two edges, then one low).
  void reset();
  // The port's index by name (every protocol port exists: checked at load).
  std::uint32_t port(const std::string& name) const;
  std::uint32_t width(std::uint32_t port) const { return widths_.at(port); }
  void set(std::uint32_t port, std::uint64_t value);  // ports up to 64 bits
  std::uint64_t get(std::uint32_t port) const;        // ports up to 64 bits
  // Any port's value as 32-bit words (valid until the next call).
  const std::vector<std::uint32_t>& words(std::uint32_t port) const;
  // One clock cycle (see above); `sample` runs between the settle and the edge.
  template <typename F>
  void cycle(F&& sample) {
    half(false);
    sample();
    half(true);
  }
  void cycle() {
    cycle([] {});
  }
  std::uint64_t cycles() const { return cycles_; }

  // Waves to an FST file from now on (throws PluginError when the file cannot be opened).
  void waves_open(const std::string& path);
  void waves_close();

 private:
  void half(bool clk_high);

  std::shared_ptr<const RtlPlugin> plugin_;
  void* block_ = nullptr;
  std::uint32_t clk_ = 0;
  std::vector<std::uint32_t> widths_;
  mutable std::vector<std::uint32_t> words_;
  std::uint64_t cycles_ = 0;
  std::uint64_t time_ps_ = 0;
  bool waves_ = false;
};

}  // namespace savp::cosim
