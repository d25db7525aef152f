#include "models/spatten/spatten_config.hpp"

#include <cmath>

namespace savp::spatten {

namespace {
constexpr const char* kTopkProtocol = "topk-v1";  // what a top-k RTL plugin must serve
}  // namespace

std::uint64_t SpattenConfig::buffer_lines(std::uint64_t dim) const {
  const std::uint64_t half_bits = std::uint64_t{sram_kib} * 1024 * 8 / 2;
  return dim == 0 ? 0 : half_bits / (dim * datapath_bits);
}

namespace {

// A cascade schedule: the target average ratio, the leading fraction of layers left unpruned, or
// an explicit per-layer list of keep fractions.
void parse_schedule(common::JsonNode& p, const std::string& prefix, ScheduleSpec& s) {
  s.target_ratio = p.get_number(prefix + "_ratio", s.target_ratio);
  if (p.has(prefix + "_ratio") && !(s.target_ratio >= 0.0 && s.target_ratio < 1.0)) {
    p.child(prefix + "_ratio").fail_expected("a pruning ratio in [0, 1)");
  }
  s.unpruned_fraction = p.get_number_in(prefix + "_unpruned_fraction", s.unpruned_fraction, 0.0, 1.0);
  if (p.has(prefix + "_keep")) {
    common::JsonNode k = p.child(prefix + "_keep");
    const std::size_t n = k.array_size();
    s.keep.clear();
    for (std::size_t i = 0; i < n; ++i) {
      common::JsonNode e = k.element(i);
      if (!e.value().is_number() || !(e.value().get<double>() > 0.0 && e.value().get<double>() <= 1.0)) {
        e.fail_expected("a keep fraction in (0, 1]");
      }
      s.keep.push_back(e.value().get<double>());
    }
  }
}

void apply_preset(const std::string& preset, SpattenConfig& c) {
  if (preset == "eighth") {  // SpAtten_1/8: 128 multipliers (64 + 64), 64 GB/s
    c.qk_multipliers = 64;
    c.pv_multipliers = 64;
    c.dma.outstanding = 128;
  }
}

}  // namespace

SpattenConfig SpattenConfig::parse(common::JsonNode node) {
  SpattenConfig c;
  node.get_choice("type", {"spatten"});
  c.name = node.get_string("name", c.name);
  c.preset = node.get_choice("preset", {"full", "eighth"}, "full");
  apply_preset(c.preset, c);
  c.clock_mhz = node.get_number_in("clock_mhz", c.clock_mhz, 1, 100000);
  c.qk_multipliers = static_cast<std::uint32_t>(node.get_int("qk_multipliers", c.qk_multipliers, 1, 1 << 20));
  c.pv_multipliers = static_cast<std::uint32_t>(node.get_int("pv_multipliers", c.pv_multipliers, 1, 1 << 20));
  if (node.has("softmax")) {
    common::JsonNode s = node.object_at("softmax");
    SoftmaxSpec& m = c.softmax;
    m.parallelism = static_cast<std::uint32_t>(s.get_int("parallelism", m.parallelism, 1, 4096));
    m.dequant = static_cast<std::uint32_t>(s.get_int("dequant_cycles", m.dequant, 0, 1 << 16));
    m.exp = static_cast<std::uint32_t>(s.get_int("exp_cycles", m.exp, 0, 1 << 16));
    m.accumulate = static_cast<std::uint32_t>(s.get_int("accumulate_cycles", m.accumulate, 0, 1 << 16));
    m.divide = static_cast<std::uint32_t>(s.get_int("divide_cycles", m.divide, 0, 1 << 16));
    m.requant = static_cast<std::uint32_t>(s.get_int("requant_cycles", m.requant, 0, 1 << 16));
    s.finish();
  }
  c.topk.parallelism =
      static_cast<std::uint32_t>(node.get_int("topk_parallelism", c.topk.parallelism, 1, 4096));
  if (node.has("topk")) {
    common::JsonNode t = node.object_at("topk");
    const std::string kind = t.get_choice("kind", {"quickselect", "sorting_network"}, "quickselect");
    c.topk.kind = kind == "quickselect" ? TopkKind::QuickSelect : TopkKind::SortingNetwork;
    c.topk.pass_overhead_cycles = static_cast<std::uint32_t>(
        t.get_int("pass_overhead_cycles", c.topk.pass_overhead_cycles, 0, 1 << 16));
    const common::BackendChoice backend = common::parse_backend(t, "backend", kTopkProtocol, c.topk.plugin);
    c.topk.backend = backend == common::BackendChoice::Rtl      ? TopkBackendKind::Rtl
                     : backend == common::BackendChoice::Plugin ? TopkBackendKind::Plugin
                                                                : TopkBackendKind::Model;
    t.finish();
    if (c.topk.backend == TopkBackendKind::Rtl) {
      const std::string why = topk_rtl_refusal(c.topk);
      if (!why.empty()) t.fail("backend \"rtl\": " + why);
    }
  }
  c.sram_kib = static_cast<std::uint32_t>(node.get_int("sram_kib", c.sram_kib, 1, 1 << 20));
  if (node.has("dma")) c.dma = common::DmaSpec::parse(node.object_at("dma"), c.dma);
  if (node.has("pruning")) {
    common::JsonNode p = node.object_at("pruning");
    parse_schedule(p, "token", c.pruning.tokens);
    parse_schedule(p, "head", c.pruning.heads);
    c.pruning.value_ratio = p.get_number("value_ratio", c.pruning.value_ratio);
    if (!(c.pruning.value_ratio >= 0.0 && c.pruning.value_ratio < 1.0)) {
      p.child("value_ratio").fail_expected("a pruning ratio in [0, 1)");
    }
    p.finish();
  }
  if (node.has("quantisation")) {
    common::JsonNode q = node.object_at("quantisation");
    QuantSpec& s = c.quant;
    s.enabled = q.get_bool("enabled", s.enabled);
    s.key.msb_bits = static_cast<int>(q.get_int("key_msb_bits", s.key.msb_bits, 1, 64));
    s.key.lsb_bits = static_cast<int>(q.get_int("key_lsb_bits", s.key.lsb_bits, 0, 64));
    const std::string why = check_split(s.key);
    if (!why.empty()) {
      const bool lsb = why.find("LSB") != std::string::npos || why.find("total") != std::string::npos;
      q.child(lsb && q.has("key_lsb_bits") ? "key_lsb_bits" : "key_msb_bits").fail(why);
    }
    s.value_bits = static_cast<int>(q.get_int("value_bits", s.value_bits, 1, 64));
    const std::string why_v = check_split(BitSplit{s.value_bits, 0});
    if (!why_v.empty()) q.child("value_bits").fail(why_v);
    s.threshold = q.get_number("threshold", s.threshold);
    if (!(s.threshold > 0.0 && s.threshold < 1.0))
      q.child("threshold").fail_expected("a threshold in (0, 1)");
    q.finish();
  }
  c.tolerance_rel_l2 = node.get_number_in("tolerance_rel_l2", c.tolerance_rel_l2, 0.0, 10.0);
  node.finish();
  return c;
}

}  // namespace savp::spatten
