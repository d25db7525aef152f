#include "models/salo/tile_backend.hpp"

#include <stdexcept>

namespace savp::salo {

namespace {
struct Registry {
  TileBackendFactory factory;
  TileRtlCheck check;
};
Registry& registry() {
  static Registry r;
  return r;
}
}  // namespace

void register_tile_rtl_backend(TileBackendFactory factory, TileRtlCheck check) {
  registry() = Registry{std::move(factory), std::move(check)};
}

std::string tile_rtl_refusal(const ArrayConfig& cfg) {
  if (!registry().factory)
    return "this build has no RTL co-simulation (Verilator was not found when it was configured)";
  return registry().check ? registry().check(cfg) : std::string();
}

std::unique_ptr<TileBackend> make_tile_rtl_backend(const ArrayConfig& cfg) {
  const std::string why = tile_rtl_refusal(cfg);
  if (!why.empty()) throw std::invalid_argument("salo: backend rtl: " + why);
  return registry().factory(cfg);
}

}  // namespace savp::salo
