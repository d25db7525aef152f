#include "models/memory/traffic_core.hpp"

#include "models/common/random.hpp"

namespace savp::memory {

std::uint64_t traffic_checksum(std::uint64_t addr, const std::uint8_t* bytes, std::uint64_t n) {
  std::uint64_t h = 0xcbf29ce484222325ull ^ addr;
  for (std::uint64_t i = 0; i < n; ++i) h = (h ^ bytes[i]) * 0x100000001b3ull;
  return h;
}

std::vector<TrafficRequest> traffic_requests(const common::JobDescriptor& d) {
  std::vector<TrafficRequest> out;
  out.reserve(d.rows);
  common::Rng rng(d.traffic_seed);
  const std::uint64_t size = d.cols, region = d.value_dim, slots = region / size;
  std::uint64_t offset = 0;
  for (std::uint64_t i = 0; i < d.rows; ++i) {
    std::uint64_t a = 0;
    switch (d.traffic_pattern) {
      case 0: a = (i % slots) * size; break;
      case 1: a = offset; offset = (offset + d.depth) % region; break;
      default: a = rng.below(slots) * size; break;
    }
    const bool write = d.read_permille < 1000 && rng.below(1000) >= d.read_permille;
    out.push_back({d.addr_a + a, write});
  }
  return out;
}

TrafficConfig TrafficConfig::parse(common::JsonNode node) {
  TrafficConfig c;
  node.get_choice("type", {"traffic"});
  c.name = node.get_string("name", c.name);
  c.clock_mhz = node.get_number_in("clock_mhz", c.clock_mhz, 1, 100000);
  c.dma.outstanding = static_cast<std::uint32_t>(node.get_int("outstanding", c.dma.outstanding, 1, 1 << 16));
  c.dma.issue_interval_cycles = static_cast<std::uint32_t>(node.get_int("issue_interval_cycles", 1, 0, 1 << 20));
  c.batch = static_cast<std::uint32_t>(node.get_int("batch", c.batch, 1, 1 << 20));
  const std::int64_t burst = node.get_int("max_burst_bytes", c.dma.max_burst_bytes, 4, 1 << 20);
  if ((burst & (burst - 1)) != 0) node.child("max_burst_bytes").fail_expected("a power of two");
  c.dma.max_burst_bytes = static_cast<std::uint32_t>(burst);
  node.finish();
  return c;
}

void TrafficCore::start(const common::JobDescriptor& job) {
  job_ = job;
  reqs_ = traffic_requests(job);
  next_ = step_begin_ = 0;
  checksum_ = reads_ = writes_ = 0;
  result_written_ = false;
  const std::uint64_t data = job.timing_only ? 0 : 1;  // a timing-only job moves no bytes
  read_buf_.assign(data * batch_ * job.cols, 0);
  write_buf_.assign(data * batch_ * job.cols, 0);
}

bool TrafficCore::next(common::EngineStep& step) {
  step = common::EngineStep{};
  if (next_ >= reqs_.size()) {
    if (result_written_) return false;
    // The read checksum goes to the result address for the host to check.
    for (int i = 0; i < 8; ++i) result_[i] = static_cast<std::uint8_t>(checksum_ >> (8 * i));
    step.phase = "result";
    step.writes.push_back({job_.addr_out, 8, nullptr, job_.timing_only ? nullptr : result_});
    result_written_ = true;
    return true;
  }
  step.phase = "traffic";
  step.prefetch = true;
  step_begin_ = next_;
  const std::uint64_t n = job_.cols;
  for (std::uint32_t k = 0; k < batch_ && next_ < reqs_.size(); ++k, ++next_) {
    const TrafficRequest& r = reqs_[next_];
    if (job_.timing_only) {
      (r.write ? step.writes : step.reads).push_back({r.addr, n, nullptr, nullptr});
      ++(r.write ? writes_ : reads_);
    } else if (r.write) {
      std::uint8_t* p = write_buf_.data() + k * n;
      for (std::uint64_t b = 0; b < n; ++b) p[b] = traffic_pattern_byte(r.addr + b);
      step.writes.push_back({r.addr, n, nullptr, p});
      ++writes_;
    } else {
      step.reads.push_back({r.addr, n, read_buf_.data() + k * n, nullptr});
      ++reads_;
    }
  }
  return true;
}

void TrafficCore::reads_done(common::EngineStep& step) {
  if (job_.timing_only) return;
  for (const auto& r : step.reads) checksum_ += traffic_checksum(r.addr, r.dst, r.bytes);
}

common::EngineJobStats TrafficCore::job_stats() const {
  common::EngineJobStats s;
  s.values.emplace_back("requests", static_cast<double>(reqs_.size()));
  s.values.emplace_back("reads", static_cast<double>(reads_));
  s.values.emplace_back("writes", static_cast<double>(writes_));
  // The checksum as two exact 32-bit halves (JSON numbers are doubles); none without data.
  if (job_.timing_only) return s;
  s.values.emplace_back("read_checksum_hi", static_cast<double>(checksum_ >> 32));
  s.values.emplace_back("read_checksum_lo", static_cast<double>(checksum_ & 0xffffffffu));
  return s;
}

}  // namespace savp::memory
