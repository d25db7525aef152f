// HostDriver::run_traffic_job: the host side of one traffic-generator job. Preloads the region
// with the address pattern, describes the requests (pattern, stride, read fraction, seed), runs the
// job, then checks the generator's checksum of what it read against the pattern's and that the
// region is intact. With numerics "off": no preload and no check (a timing-only job).
#include <algorithm>
#include <cmath>

#include "models/common/job_descriptor.hpp"
#include "models/memory/traffic_core.hpp"
#include "testbenches/savp/host_driver.hpp"
#include "tlm/accelerators/accelerator_base.hpp"

namespace savp::tb {

void HostDriver::run_traffic_job(const JobSlot& slot) {
  const common::WorkloadSpec& w = scenario_.workload;
  const MemoryLayout& m = plan_.layout;
  // Preload the region with the address pattern (the generator writes the same pattern).
  std::vector<std::uint8_t> chunk;
  for (std::uint64_t off = 0; w.numerics && off < w.region_bytes; off += chunk.size()) {
    chunk.resize(std::min<std::uint64_t>(1 << 20, w.region_bytes - off));
    for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = memory::traffic_pattern_byte(m.a + off + i);
    port_.debug(true, m.a + off, chunk.data(), chunk.size());
  }
  common::JobDescriptor d;
  d.kind = common::JobKind::Traffic;
  d.rows = w.requests;
  d.cols = w.request_bytes;
  d.depth = w.stride_bytes;
  d.value_dim = w.region_bytes;
  d.addr_a = m.a;
  d.addr_out = m.descriptor + 1024;  // where the generator leaves its read checksum
  d.traffic_pattern = w.traffic_pattern == "sequential" ? 0 : w.traffic_pattern == "strided" ? 1 : 2;
  d.read_permille = static_cast<std::uint32_t>(std::lround(w.read_fraction * 1000));
  d.traffic_seed = slot.seed;
  d.timing_only = !w.numerics;
  JobResult r;
  r.slot = slot;
  r.status = kick_and_wait(d);
  if (d.timing_only) {  // nothing was loaded: nothing to check
    r.timing_only = true;
    r.passed = r.status == sc::csr::kStatusDone;
    results_.push_back(r);
    return;
  }
  // Scoreboard: the checksum of what was read equals the pattern's, and the region is intact.
  std::uint64_t expected = 0;
  std::vector<std::uint8_t> bytes(w.request_bytes);
  for (const auto& q : memory::traffic_requests(d)) {
    if (q.write) continue;
    for (std::uint64_t b = 0; b < w.request_bytes; ++b) bytes[b] = memory::traffic_pattern_byte(q.addr + b);
    expected += memory::traffic_checksum(q.addr, bytes.data(), bytes.size());
  }
  std::uint8_t got_bytes[8];
  port_.debug(false, d.addr_out, got_bytes, 8);
  std::uint64_t got = 0;
  for (int i = 0; i < 8; ++i) got |= static_cast<std::uint64_t>(got_bytes[i]) << (8 * i);
  bool intact = true;
  for (std::uint64_t off = 0; off < w.region_bytes && intact; off += chunk.size()) {
    chunk.resize(std::min<std::uint64_t>(1 << 20, w.region_bytes - off));
    port_.debug(false, m.a + off, chunk.data(), chunk.size());
    for (std::size_t i = 0; i < chunk.size(); ++i) intact &= chunk[i] == memory::traffic_pattern_byte(m.a + off + i);
  }
  r.data_checked = true;
  r.data_ok = got == expected && intact;
  r.passed = r.status == sc::csr::kStatusDone && r.data_ok;
  results_.push_back(r);
}

}  // namespace savp::tb
