// RtlPlugin and RtlPluginBlock: see rtl_plugin.hpp.
#include "testbenches/cosim/plugin/rtl_plugin.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>

#include "testbenches/cosim/plugin/savp_rtl_plugin.h"

namespace savp::cosim {

struct RtlPlugin::Api {
  decltype(&savp_rtl_protocol) protocol = nullptr;
  decltype(&savp_rtl_protocol_version) protocol_version = nullptr;
  decltype(&savp_rtl_abi_version) abi_version = nullptr;
  decltype(&savp_rtl_top) top = nullptr;
  decltype(&savp_rtl_params) params = nullptr;
  decltype(&savp_rtl_create) create = nullptr;
  decltype(&savp_rtl_destroy) destroy = nullptr;
  decltype(&savp_rtl_reset) reset = nullptr;
  decltype(&savp_rtl_eval) eval = nullptr;
  decltype(&savp_rtl_port_count) port_count = nullptr;
  decltype(&savp_rtl_port_name) port_name = nullptr;
  decltype(&savp_rtl_port_width) port_width = nullptr;
  decltype(&savp_rtl_port_is_input) port_is_input = nullptr;
  decltype(&savp_rtl_set) set = nullptr;
  decltype(&savp_rtl_get) get = nullptr;
  decltype(&savp_rtl_waves_open) waves_open = nullptr;
  decltype(&savp_rtl_waves_dump) waves_dump = nullptr;
  decltype(&savp_rtl_waves_close) waves_close = nullptr;
};

namespace {

template <typename F>
void resolve(void* handle, const std::string& path, const char* name, F& f) {
  dlerror();
  void* s = dlsym(handle, name);
  if (s == nullptr) {
    throw PluginError("\"" + path + "\" is not a complete SAVP RTL plugin: symbol " + name +
                      " is missing (rebuild it with savp rtl build)");
  }
  f = reinterpret_cast<F>(s);
}

}  // namespace

RtlPlugin::RtlPlugin(const std::string& path, const std::string& protocol) : path_(path), api_(new Api) {
  spec_ = find_protocol(protocol);
  if (spec_ == nullptr) throw PluginError("unknown RTL protocol \"" + protocol + "\"");
  // RTLD_LOCAL: the plugin's Verilator runtime stays its own (savp's built-in RTL has another).
  handle_ = dlopen(std::filesystem::absolute(path).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* e = dlerror();
    throw PluginError("\"" + path + "\" is not an RTL plugin: it does not load as a shared library (" +
                      std::string(e != nullptr ? e : "dlopen failed") + ")");
  }
  Api& a = *api_;
  dlerror();
  if (dlsym(handle_, "savp_rtl_abi_version") == nullptr) {
    dlclose(handle_);
    throw PluginError("\"" + path +
                      "\" is not an RTL plugin (no savp_rtl_abi_version: build one with savp rtl build)");
  }
  try {
    resolve(handle_, path, "savp_rtl_abi_version", a.abi_version);
    if (a.abi_version() != SAVP_RTL_PLUGIN_ABI_VERSION) {
      throw PluginError("\"" + path + "\" was built for plugin ABI version " +
                        std::to_string(a.abi_version()) + ", this savp loads version " +
                        std::to_string(SAVP_RTL_PLUGIN_ABI_VERSION) +
                        " (rebuild it with this savp's savp rtl build)");
    }
    resolve(handle_, path, "savp_rtl_protocol", a.protocol);
    resolve(handle_, path, "savp_rtl_protocol_version", a.protocol_version);
    resolve(handle_, path, "savp_rtl_top", a.top);
    resolve(handle_, path, "savp_rtl_params", a.params);
    resolve(handle_, path, "savp_rtl_create", a.create);
    resolve(handle_, path, "savp_rtl_destroy", a.destroy);
    resolve(handle_, path, "savp_rtl_reset", a.reset);
    resolve(handle_, path, "savp_rtl_eval", a.eval);
    resolve(handle_, path, "savp_rtl_port_count", a.port_count);
    resolve(handle_, path, "savp_rtl_port_name", a.port_name);
    resolve(handle_, path, "savp_rtl_port_width", a.port_width);
    resolve(handle_, path, "savp_rtl_port_is_input", a.port_is_input);
    resolve(handle_, path, "savp_rtl_set", a.set);
    resolve(handle_, path, "savp_rtl_get", a.get);
    resolve(handle_, path, "savp_rtl_waves_open", a.waves_open);
    resolve(handle_, path, "savp_rtl_waves_dump", a.waves_dump);
    resolve(handle_, path, "savp_rtl_waves_close", a.waves_close);
    const std::string served = a.protocol();
    const std::uint32_t version = a.protocol_version();
    if (served != spec_->name || version != spec_->version) {
      throw PluginError("\"" + path + "\" serves protocol " + served + " (version " +
                        std::to_string(version) + "), this backend needs " + spec_->name + " (version " +
                        std::to_string(spec_->version) + ")");
    }
    std::vector<BlockPort> ports;
    for (std::uint32_t i = 0; i < a.port_count(); ++i) {
      ports.push_back({a.port_name(i), a.port_is_input(i) != 0, a.port_width(i)});
    }
    const std::string why = check_ports(*spec_, ports, lanes_);
    if (!why.empty()) throw PluginError("\"" + path + "\": " + why);
  } catch (...) {
    dlclose(handle_);
    throw;
  }
}

RtlPlugin::~RtlPlugin() { dlclose(handle_); }

std::string RtlPlugin::top() const { return api_->top(); }
std::string RtlPlugin::params() const { return api_->params(); }

std::string rtl_plugin_refusal(const std::string& path, const std::string& protocol) {
  try {
    RtlPlugin p(path, protocol);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "";
}

RtlPluginBlock::RtlPluginBlock(std::shared_ptr<const RtlPlugin> plugin) : plugin_(std::move(plugin)) {
  const RtlPlugin::Api& a = plugin_->api();
  block_ = a.create();
  if (block_ == nullptr) throw PluginError("\"" + plugin_->path() + "\": savp_rtl_create failed");
  for (std::uint32_t i = 0; i < a.port_count(); ++i) widths_.push_back(a.port_width(i));
  clk_ = port("clk");
}

RtlPluginBlock::~RtlPluginBlock() {
  if (waves_) plugin_->api().waves_close(block_);
  plugin_->api().destroy(block_);
}

void RtlPluginBlock::reset() { plugin_->api().reset(block_); }

std::uint32_t RtlPluginBlock::port(const std::string& name) const {
  const RtlPlugin::Api& a = plugin_->api();
  for (std::uint32_t i = 0; i < a.port_count(); ++i) {
    if (name == a.port_name(i)) return i;
  }
  throw PluginError("\"" + plugin_->path() + "\" has no port " + name);
}

void RtlPluginBlock::set(std::uint32_t p, std::uint64_t value) {
  const std::uint32_t w[2] = {static_cast<std::uint32_t>(value), static_cast<std::uint32_t>(value >> 32)};
  plugin_->api().set(block_, p, w);
}

std::uint64_t extract_bits(const std::vector<std::uint32_t>& words, std::uint32_t lsb, std::uint32_t bits) {
  std::uint64_t v = 0;
  for (std::uint32_t b = 0; b < bits; ++b) {
    const std::uint32_t bit = lsb + b;
    if (bit / 32 >= words.size()) break;
    v |= std::uint64_t{(words[bit / 32] >> (bit % 32)) & 1u} << b;
  }
  return v;
}

const std::vector<std::uint32_t>& RtlPluginBlock::words(std::uint32_t p) const {
  words_.assign((widths_.at(p) + 31) / 32 + 1, 0);
  plugin_->api().get(block_, p, words_.data());
  words_.resize((widths_[p] + 31) / 32);
  return words_;
}

std::uint64_t RtlPluginBlock::get(std::uint32_t p) const { return extract_bits(words(p), 0, 64); }

void RtlPluginBlock::half(bool clk_high) {
  const RtlPlugin::Api& a = plugin_->api();
  const std::uint32_t w[2] = {clk_high ? 1u : 0u, 0};
  a.set(block_, clk_, w);
  a.eval(block_);
  if (waves_) a.waves_dump(block_, time_ps_);
  time_ps_ += 500;
  if (clk_high) ++cycles_;
}

void RtlPluginBlock::waves_open(const std::string& path) {
  if (plugin_->api().waves_open(block_, path.c_str()) != 0)
    throw PluginError("cannot write waves to " + path);
  waves_ = true;
}

void RtlPluginBlock::waves_close() {
  if (waves_) plugin_->api().waves_close(block_);
  waves_ = false;
}

}  // namespace savp::cosim
