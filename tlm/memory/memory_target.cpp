#include "tlm/memory/memory_target.hpp"

namespace savp::sc {

void MemoryTarget::report_per_initiator(StatsTree& tree, const std::string& component,
                                        PerInitiatorFields fields) const {
  if (!per_initiator_.enabled()) return;
  double bus_total_ns = 0.0;
  for (std::uint32_t id = 0; id < per_initiator_.size(); ++id)
    bus_total_ns += per_initiator_.get(id).data_bus_busy_ns;
  for (std::uint32_t id = 0; id < per_initiator_.size(); ++id) {
    const memory::InitiatorCounters c = per_initiator_.get(id);
    const std::string who = per_initiator_.name(id);
    auto add = [&](const char* stat, double value, const char* unit) {
      tree.add_group(component, "by_initiator", who, stat, value, unit);
    };
    const double n = static_cast<double>(c.requests);
    add("requests", n, "request");
    add("bytes_read", static_cast<double>(c.bytes_read), "byte");
    add("bytes_written", static_cast<double>(c.bytes_written), "byte");
    add("latency_avg_ns", c.latency_ns.mean(), "ns");
    add("latency_p99_ns", c.latency_ns.quantile(0.99), "ns");
    add("queueing_delay_avg_ns", c.requests ? c.queueing_delay_ns / n : 0.0, "ns");
    if (fields.row_outcomes) {
      add("row_hits", static_cast<double>(c.row_hits), "request");
      add("row_misses", static_cast<double>(c.row_misses), "request");
      add("row_conflicts", static_cast<double>(c.row_conflicts), "request");
    }
    if (fields.data_bus)
      add("data_bus_busy_share", bus_total_ns > 0 ? c.data_bus_busy_ns / bus_total_ns : 0.0, "fraction");
  }
}

}  // namespace savp::sc
