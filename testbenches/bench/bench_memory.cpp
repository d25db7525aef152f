// savp_bench_memory: simulation speed of the memory system alone. One initiator port streams N
// sequential (or random) 64-byte reads through the router into a memory preset, in LT or AT, and
// the wall time of sc_start() alone is measured (no host, no data generation or checking), and the
// process CPU time over the same span (the wall rate on a shared machine depends on its load).
// Mode `direct` (DRAM presets): the same DRAM channels, address map and backing store called in a
// plain loop with the LT port's arrival rule (request k issues when request k - outstanding is
// done), no SystemC and no TLM: the floor of any per-request LT on this DRAM model.
// usage: savp_bench_memory PRESET LT|AT|direct [requests] [sequential|random] [outstanding]
#include <systemc>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/common/random.hpp"
#include "models/memory/backing_store.hpp"
#include "models/memory/dram_address_map.hpp"
#include "models/memory/dram_channel.hpp"
#include "models/memory/memory_spec.hpp"
#include "tlm/core/initiator_port.hpp"
#include "tlm/interconnect/router.hpp"
#include "tlm/memory/dram_target.hpp"
#include "tlm/memory/simple_memory.hpp"

using namespace savp;

namespace {

struct Driver : sc_core::sc_module {
  sc::InitiatorPort port;
  std::uint64_t requests;
  bool random;
  std::uint64_t region;
  sc_core::sc_time done;
  SC_HAS_PROCESS(Driver);
  Driver(sc_core::sc_module_name n, const sc::PortConfig& cfg, std::uint64_t req, bool rnd, std::uint64_t reg)
      : sc_module(n), port("port", cfg), requests(req), random(rnd), region(reg) {
    SC_THREAD(run);
  }
  void run() {
    const std::uint64_t batch = 65536;
    std::vector<common::MemTransfer> list;
    std::vector<std::uint8_t> buf(batch * 64);
    common::Rng rng(1);
    sc_core::sc_time t = sc_core::SC_ZERO_TIME;
    for (std::uint64_t i = 0; i < requests;) {
      list.clear();
      for (std::uint64_t k = 0; k < batch && i < requests; ++k, ++i) {
        const std::uint64_t slot = random ? rng.below(region / 64) : i % (region / 64);
        list.push_back({slot * 64, 64, buf.data() + k * 64, nullptr});
      }
      t = port.transfer_all(false, list, t);
    }
    sc::sync_to(t, true);
    done = t;
    sc_core::sc_stop();
  }
};

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The requests of the bench without SystemC or TLM: decode, serve on the channel, copy the bytes.
void run_direct(const memory::DramSpec& spec, std::uint64_t size, std::uint64_t requests, bool random,
                std::uint64_t region, std::uint32_t outstanding, std::uint64_t& end_cycle) {
  const memory::DramAddressMap map(spec);
  const memory::BackingStore store(size);
  std::vector<memory::DramChannel> channels;
  for (std::uint32_t c = 0; c < spec.geometry.channels; ++c) channels.emplace_back(spec, c);
  const std::uint64_t bytes = std::min<std::uint64_t>(64, spec.geometry.burst_bytes());
  std::vector<std::uint64_t> inflight(outstanding, 0);  // completion cycle of request k - outstanding
  std::vector<std::uint8_t> buf(64);
  common::Rng rng(1);
  std::uint64_t issue = 0, k = 0;
  end_cycle = 0;
  for (std::uint64_t i = 0; i < requests; ++i) {
    const std::uint64_t slot = random ? rng.below(region / 64) : i % (region / 64);
    for (std::uint64_t off = 0; off < 64; off += bytes, ++k) {
      std::uint64_t& done = inflight[k % outstanding];
      if (k >= outstanding) issue = std::max(issue, done);
      const std::uint64_t addr = slot * 64 + off;
      store.read(addr, buf.data(), bytes);
      memory::DramRequest r;
      r.id = k;
      r.arrival = issue;
      r.addr = map.decode(addr);
      done = channels[r.addr.channel].serve(r).done;
      end_cycle = std::max(end_cycle, done);
    }
  }
}

}  // namespace

int sc_main(int argc, char** argv) {
  const std::string mode = argc > 2 ? argv[2] : "";
  if (argc < 3 || (mode != "LT" && mode != "AT" && mode != "direct")) {
    std::fprintf(stderr, "usage: %s PRESET LT|AT|direct [requests] [sequential|random] [outstanding]\n", argv[0]);
    return 2;
  }
  const std::string preset = argv[1];
  const bool at = mode == "AT";
  const std::uint64_t requests = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1000000;
  const bool random = argc > 4 && std::string(argv[4]) == "random";
  const std::uint32_t outstanding = argc > 5 ? static_cast<std::uint32_t>(std::atoi(argv[5])) : 1024;
  common::Json j = common::Json::object();
  j["preset"] = preset;
  const std::string dir = std::string(SAVP_DATA_DIR) + "/memory/presets";
  const memory::MemorySpec spec = memory::MemorySpec::parse(common::JsonNode(j, "bench"), dir);
  const std::uint64_t region = std::min<std::uint64_t>(spec.size_bytes, 256ull << 20);
  if (mode == "direct") {
    if (spec.kind != "dram") {
      std::fprintf(stderr, "savp_bench_memory: mode direct needs a DRAM preset, %s is %s\n", preset.c_str(),
                   spec.kind.c_str());
      return 2;
    }
    std::uint64_t end_cycle = 0;
    const double cpu0 = cpu_now();
    const auto t0 = std::chrono::steady_clock::now();
    run_direct(spec.dram, spec.size_bytes, requests, random, region, std::max<std::uint32_t>(1, outstanding), end_cycle);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_now() - cpu0;
    const double sim_ns = static_cast<double>(end_cycle) * spec.dram.timing.tck_ns;
    std::printf(
        "%s direct %s: %llu requests in %.3f s wall = %.2f M transactions/s (CPU %.3f s = %.2f M/s); simulated "
        "%.1f us, %.1f GB/s\n",
        preset.c_str(), random ? "random" : "sequential", static_cast<unsigned long long>(requests), wall,
        requests / wall / 1e6, cpu, requests / cpu / 1e6, sim_ns / 1e3, requests * 64.0 / sim_ns);
    return 0;
  }

  sc::Router bus("bus", sc::RouterConfig{sc_core::sc_time(1, sc_core::SC_NS), 0.0, 0.0});
  std::unique_ptr<sc::MemoryTarget> mem;
  if (spec.kind == "dram") {
    mem = std::make_unique<sc::DramTarget>("memory", spec.dram, spec.size_bytes);
  } else {
    mem = std::make_unique<sc::SimpleMemory>("memory", spec);
  }
  bus.init_socket.bind(mem->target_socket());
  bus.map({"memory", 0, spec.size_bytes, 0});
  sc::PortConfig cfg{64, outstanding, sc_core::SC_ZERO_TIME, at ? sc::TimingMode::AT : sc::TimingMode::LT};
  Driver drv("driver", cfg, requests, random, region);
  drv.port.init_socket.bind(bus.tgt_socket);
  if (mem->max_request_bytes() != 0) drv.port.limit_burst(mem->max_request_bytes());  // e.g. LPDDR4: 32 B

  const double cpu0 = cpu_now();
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_now() - cpu0;
  const double sim_ns = drv.done.to_seconds() * 1e9;
  std::printf(
      "%s %s %s: %llu requests in %.3f s wall = %.2f M transactions/s (CPU %.3f s = %.2f M/s); simulated %.1f us, "
      "%.1f GB/s\n",
      preset.c_str(), at ? "AT" : "LT", random ? "random" : "sequential", static_cast<unsigned long long>(requests),
      wall, requests / wall / 1e6, cpu, requests / cpu / 1e6, sim_ns / 1e3, requests * 64.0 / sim_ns);
  return 0;
}
