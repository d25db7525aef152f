// TrafficCore: a memory-traffic generator as an engine core, so the memory system can be studied
// alone through the same host/CSR/DMA flow as the engines. It issues `requests` requests of
// request_bytes each over a region: sequential, strided (stride bytes apart, wrapping in the
// region) or random (aligned, seeded), reads or writes by a seeded read fraction, in steps of
// `batch` requests pipelined back to back (the DMA's outstanding limit keeps them in flight).
// Real bytes: writes carry a pattern derived from the address; every read's bytes are folded into
// an order-independent checksum the host compares with the pattern it loaded. A timing-only job
// (JobDescriptor::timing_only) issues the same requests without data and reports no checksum.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/dma_spec.hpp"
#include "models/common/json_reader.hpp"

#include "models/common/engine_step.hpp"

namespace savp::memory {

// The byte the host preloads (and the generator writes) at an address.
inline std::uint8_t traffic_pattern_byte(std::uint64_t addr) {
  std::uint64_t x = addr * 0x9E3779B97F4A7C15ull;
  return static_cast<std::uint8_t>(x >> 56);
}
// Order-independent checksum term of one request's bytes.
std::uint64_t traffic_checksum(std::uint64_t addr, const std::uint8_t* bytes, std::uint64_t n);

struct TrafficRequest {
  std::uint64_t addr;
  bool write;
};
// The request sequence of a traffic job (shared by the core and the host's expectation).
std::vector<TrafficRequest> traffic_requests(const common::JobDescriptor& d);

// TrafficConfig: the generator as a platform accelerator ("type": "traffic").
struct TrafficConfig {
  std::string name = "traffic0";
  double clock_mhz = 1000.0;
  // The generator's DMA: requests in flight, cycles between issues, largest request (the memory
  // may lower it); given as top-level keys of the accelerator object.
  common::DmaSpec dma{4096, 64, 1};
  std::uint32_t batch = 256;  // requests per step
  double clock_period_ns() const { return 1000.0 / clock_mhz; }
  static TrafficConfig parse(common::JsonNode node);
};

class TrafficCore : public common::EngineCore {
 public:
  explicit TrafficCore(std::uint32_t batch = 256) : batch_(batch) {}
  void start(const common::JobDescriptor& job) override;
  bool next(common::EngineStep& step) override;
  void reads_done(common::EngineStep& step) override;
  common::EngineJobStats job_stats() const override;
  std::vector<std::pair<std::string, common::ActionLedger>> actions() const override { return {}; }
  std::vector<std::pair<std::string, common::HardwareCost>> hardware() const override { return {}; }

 private:
  std::uint32_t batch_;
  common::JobDescriptor job_;
  std::vector<TrafficRequest> reqs_;
  std::size_t next_ = 0, step_begin_ = 0;
  std::vector<std::uint8_t> read_buf_, write_buf_;
  std::uint64_t checksum_ = 0, reads_ = 0, writes_ = 0;
  std::uint8_t result_[8] = {};
  bool result_written_ = false;
};

}  // namespace savp::memory
