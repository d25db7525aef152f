// The "backend" key: see rtl_backend_spec.hpp.
#include "models/common/rtl_backend_spec.hpp"

#include <utility>

#include "models/common/json_reader.hpp"

namespace savp::common {

namespace {
RtlPluginCheck& plugin_check() {
  static RtlPluginCheck c;
  return c;
}
}  // namespace

void register_rtl_plugin_check(RtlPluginCheck check) { plugin_check() = std::move(check); }

BackendChoice parse_backend(JsonNode& node, const std::string& key, const std::string& protocol,
                            RtlPluginSpec& plugin) {
  if (!node.has(key)) return BackendChoice::Model;
  JsonNode b = node.child(key);
  if (b.value().is_string()) {
    const std::string s = node.get_choice(key, {"model", "rtl"});
    return s == "rtl" ? BackendChoice::Rtl : BackendChoice::Model;
  }
  if (!b.value().is_object()) {
    b.fail_expected(
        "\"model\", \"rtl\" or an RTL plugin ({\"rtl\": \"BLOCK.so\"} or {\"rtl\": {\"path\": ...}})");
  }
  JsonNode r = b.child("rtl");
  b.finish();
  if (r.value().is_string()) {
    plugin.path = r.as_file_path("RTL plugin");
  } else {
    plugin.path = r.get_file_path("path", "RTL plugin");
    plugin.rtl_cycles = r.get_choice("cycles", {"model", "rtl"}, "model") == "rtl";
    plugin.budget_cycles =
        static_cast<std::uint64_t>(r.get_int("budget_cycles", 0, 0, std::int64_t{1} << 40));
    r.finish();
  }
  const std::string why = plugin_check() ? plugin_check()(plugin.path, protocol)
                                         : std::string("this program cannot load RTL plugins");
  if (!why.empty()) r.fail(why);
  return BackendChoice::Plugin;
}

}  // namespace savp::common
