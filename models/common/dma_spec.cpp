#include "models/common/dma_spec.hpp"

namespace savp::common {

DmaSpec DmaSpec::parse(JsonNode d, const DmaSpec& defaults) {
  DmaSpec s = defaults;
  const std::int64_t burst = d.get_int("max_burst_bytes", s.max_burst_bytes, 4, 1 << 20);
  if ((burst & (burst - 1)) != 0) d.child("max_burst_bytes").fail_expected("a power of two");
  s.max_burst_bytes = static_cast<std::uint32_t>(burst);
  s.outstanding = static_cast<std::uint32_t>(d.get_int("outstanding", s.outstanding, 1, 1 << 20));
  s.issue_interval_cycles =
      static_cast<std::uint32_t>(d.get_int("issue_interval_cycles", s.issue_interval_cycles, 0, 1 << 20));
  d.finish();
  return s;
}

DmaSpec DmaSpec::parse(JsonNode d) { return parse(d, DmaSpec{}); }

}  // namespace savp::common
