// TopkPlugin: see topk_plugin.hpp.
#include "testbenches/cosim/plugin/topk_plugin.hpp"

#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

#include "models/common/int_math.hpp"
#include "models/common/random.hpp"
#include "testbenches/cosim/plugin/topk_protocol.hpp"

namespace savp::cosim {

namespace reg = topk_reg;

namespace {

std::string& waves_dir() {
  static std::string d;
  return d;
}

// One plugin per path, loaded once per process.
std::shared_ptr<const RtlPlugin> load_plugin(const std::string& path, const std::string& protocol) {
  static std::map<std::string, std::shared_ptr<const RtlPlugin>> loaded;
  auto& p = loaded[path + "\n" + protocol];
  if (!p) p = std::make_shared<const RtlPlugin>(path, protocol);
  return p;
}

}  // namespace

void set_plugin_waves_dir(const std::string& dir) { waves_dir() = dir; }

// The pins of one block instance and a cycle budget: every wait counts against it.
struct TopkPlugin::Driver {
  RtlPluginBlock block;
  std::uint32_t reg_req, reg_we, reg_addr, reg_wdata, reg_ack, reg_rdata;
  std::uint32_t in_valid, in_ready, in_data, in_last, out_valid, out_ready, out_data, out_last;
  std::uint32_t lanes;
  std::uint64_t budget = 0, used = 0, start_used = 0;  // budget: the cycle count not to pass
  std::string waiting;                                 // what the block is waiting for (for the hung message)
  bool collect = false;                                // record output beats
  bool last_seen = false;
  std::vector<std::vector<std::uint32_t>>* beats = nullptr;
  // sampled at the last settle
  bool ack = false, in_rdy = false, out_vld = false;
  std::uint64_t rdata = 0;

  explicit Driver(std::shared_ptr<const RtlPlugin> p)
      : block(p),
        reg_req(block.port("reg_req")),
        reg_we(block.port("reg_we")),
        reg_addr(block.port("reg_addr")),
        reg_wdata(block.port("reg_wdata")),
        reg_ack(block.port("reg_ack")),
        reg_rdata(block.port("reg_rdata")),
        in_valid(block.port("in_valid")),
        in_ready(block.port("in_ready")),
        in_data(block.port("in_data")),
        in_last(block.port("in_last")),
        out_valid(block.port("out_valid")),
        out_ready(block.port("out_ready")),
        out_data(block.port("out_data")),
        out_last(block.port("out_last")),
        lanes(p->lanes()) {}

  void tick() {
    if (++used > budget) {
      throw std::runtime_error("hung: no " + waiting + " within " + std::to_string(budget - start_used) +
                               " cycles");
    }
    block.cycle([this] {
      ack = block.get(reg_ack) != 0;
      rdata = block.get(reg_rdata);
      in_rdy = block.get(in_ready) != 0;
      out_vld = block.get(out_valid) != 0;
      if (collect && out_vld) {
        const std::vector<std::uint32_t>& w = block.words(out_data);
        const auto count = static_cast<std::uint32_t>(extract_bits(w, 16 * lanes, 8));
        std::vector<std::uint32_t> kept;
        for (std::uint32_t i = 0; i < count && i < lanes; ++i) {
          kept.push_back(static_cast<std::uint32_t>(extract_bits(w, 16 * i, 16)));
        }
        if (count > lanes) kept.push_back(0xFFFFFFFFu);  // a count beyond the lanes: never the model's
        beats->push_back(std::move(kept));
        last_seen = last_seen || block.get(out_last) != 0;
      }
    });
  }

  std::uint64_t access(bool write, std::uint32_t addr, std::uint64_t value) {
    std::ostringstream what;
    what << "the acknowledge of a register " << (write ? "write" : "read") << " at 0x" << std::hex << addr;
    waiting = what.str();
    block.set(reg_req, 1);
    block.set(reg_we, write ? 1 : 0);
    block.set(reg_addr, addr);
    block.set(reg_wdata, value);
    tick();
    block.set(reg_req, 0);
    block.set(reg_we, 0);
    do tick();
    while (!ack);
    return rdata;
  }

  // reset, ID check, RNG state and pass overhead
  void start(const std::array<std::uint64_t, 4>& rng, std::uint32_t overhead, const std::string& who) {
    block.reset();
    block.set(out_ready, 1);
    const std::uint64_t id = access(false, reg::kId, 0);
    if ((id & 0xFFFFFFFFu) != reg::kIdMagic) {
      std::ostringstream m;
      m << who << ": the ID register reads 0x" << std::hex << id << ", topk-v1 needs 0x" << reg::kIdMagic
        << " (\"TOPK\") in bits 31:0";
      throw std::runtime_error(m.str());
    }
    for (std::uint32_t i = 0; i < 4; ++i) access(true, reg::kRng0 + 8 * i, rng[i]);
    access(true, reg::kOverhead, overhead);
  }

  std::string pins() {
    std::ostringstream s;
    s << "in_valid=" << block.get(in_valid) << " in_ready=" << in_rdy << " out_valid=" << out_vld
      << " out_ready=" << block.get(out_ready) << " reg_ack=" << ack << ", " << beats->size()
      << " output beats received, " << block.cycles() << " cycles since reset";
    return s.str();
  }
};

TopkPlugin::TopkPlugin(std::string instance, const spatten::TopkConfig& cfg, std::uint64_t seed)
    : instance_(std::move(instance)), cfg_(cfg), plugin_(load_plugin(cfg.plugin.path, "topk-v1")) {
  const common::Rng rng(seed);
  for (std::size_t i = 0; i < 4; ++i) rng_[i] = rng.state()[i];
}

TopkPlugin::~TopkPlugin() = default;

void TopkPlugin::run(Driver& d, std::size_t n, std::size_t k, spatten::TopkResult& out, Run& r) {
  const std::uint64_t lg = common::ceil_log2(n) + 1;
  d.start_used = d.used;
  d.budget = d.used + (cfg_.plugin.budget_cycles != 0 ? cfg_.plugin.budget_cycles : 1000 + n * lg * lg);
  r.beats.clear();
  d.beats = &r.beats;
  d.collect = false;
  d.last_seen = false;
  d.access(true, reg::kCtrl, 2);  // clear
  d.access(true, reg::kK, k);
  for (std::size_t i = 0; i < n; ++i) {
    d.waiting = "in_ready for candidate " + std::to_string(i) + " of " + std::to_string(n);
    d.block.set(d.in_valid, 1);
    d.block.set(d.in_data, codes_[i]);
    d.block.set(d.in_last, i + 1 == n ? 1 : 0);
    do d.tick();
    while (!d.in_rdy);
  }
  d.block.set(d.in_valid, 0);
  d.block.set(d.in_last, 0);
  const std::uint64_t took = d.access(false, reg::kN, 0);
  if (took != n) {
    throw std::runtime_error("the block took " + std::to_string(took) + " of " + std::to_string(n) +
                             " candidates (register N)");
  }
  d.collect = true;
  d.access(true, reg::kCtrl, 1);  // start
  d.waiting = "the last output beat (out_valid with out_last)";
  while (!d.last_seen) d.tick();
  d.collect = false;
  while ((d.access(false, reg::kStatus, 0) & 1) == 0) {
  }  // STATUS.done may follow the last beat (within the budget)
  out.cycles = d.access(false, reg::kCycles, 0);
  out.passes = static_cast<std::uint32_t>(d.access(false, reg::kPasses, 0));
  out.comparisons = d.access(false, reg::kComparisons, 0);
  out.threshold = topk_decode(d.access(false, reg::kThreshold, 0));
  out.kept.clear();
  for (const auto& b : r.beats) out.kept.insert(out.kept.end(), b.begin(), b.end());
}

void TopkPlugin::select(const double* values, std::size_t n, std::size_t k, spatten::TopkResult& out) {
  ++selections_;
  const std::string where = "RTL plugin " + plugin_->path() + " (" + instance_ + "), selection " +
                            std::to_string(selections_) + " (" + std::to_string(k) + " of " +
                            std::to_string(n) + ")";
  if (n > 65536) throw std::runtime_error(where + ": topk-v1 indices are 16 bits (at most 65536 candidates)");
  codes_.resize(n);
  for (std::size_t i = 0; i < n; ++i) codes_[i] = topk_encode(values[i]);
  n_ = n;
  k_ = k;
  if (!driver_) driver_ = std::make_unique<Driver>(plugin_);
  Driver& d = *driver_;
  try {
    d.start_used = d.used;
    d.budget = d.used + 1000;
    if (selections_ == 1) d.start(rng_, cfg_.pass_overhead_cycles, instance_);
    d.waiting = "the RNG registers";
    for (std::uint32_t i = 0; i < 4; ++i) rng_[i] = d.access(false, reg::kRng0 + 8 * i, 0);
    run(d, n, k, out, last_);
  } catch (const std::runtime_error& e) {
    std::string msg = where + ": " + e.what();
    if (std::string(e.what()).rfind("hung", 0) == 0) msg += " (cycle budget exhausted; " + d.pins() + ")";
    throw std::runtime_error(msg);
  }
}

std::string TopkPlugin::explain_mismatch(const spatten::TopkResult& model, const spatten::TopkResult& rtl) {
  const std::uint32_t lanes = plugin_->lanes();
  // The model's output beats under topk-v1: beat b holds the kept indices of [b P, (b + 1) P).
  std::vector<std::vector<std::uint32_t>> mb((n_ + lanes - 1) / lanes);
  for (std::uint32_t i : model.kept) mb[i / lanes].push_back(i);
  std::ostringstream s;
  s << "; RTL plugin " << plugin_->path() << " (" << instance_ << "), selection " << selections_ << ": ";
  bool found = false;
  for (std::size_t b = 0; b < std::max(mb.size(), last_.beats.size()) && !found; ++b) {
    if (b >= last_.beats.size() || b >= mb.size()) {
      s << "the RTL sent " << last_.beats.size() << " output beats, the model's filter " << mb.size();
      found = true;
      break;
    }
    const auto& r = last_.beats[b];
    const auto& m = mb[b];
    if (r.size() != m.size()) {
      s << "first differing output beat " << b << ", field count: RTL " << r.size() << ", model " << m.size();
      found = true;
    }
    for (std::size_t i = 0; i < r.size() && i < m.size() && !found; ++i) {
      if (r[i] != m[i]) {
        s << "first differing output beat " << b << ", field lane " << i << " (kept index): RTL " << r[i]
          << ", model " << m[i];
        found = true;
      }
    }
  }
  if (!found) {
    s << "register THRESHOLD: RTL " << rtl.threshold << " (code 0x" << std::hex << topk_encode(rtl.threshold)
      << "), model " << model.threshold << " (code 0x" << topk_encode(model.threshold) << std::dec << ")";
  }
  if (waves_dir().empty()) return s.str();
  // Replay the selection on a fresh instance with waves: the window is that selection.
  const std::string path = (std::filesystem::path(waves_dir()) / ("rtl_" + instance_ + ".fst")).string();
  try {
    std::error_code ec;
    std::filesystem::create_directories(waves_dir(), ec);
    Driver d(plugin_);
    d.budget = 1000;
    Run r;
    d.beats = &r.beats;
    d.block.waves_open(path);
    d.start(rng_, cfg_.pass_overhead_cycles, instance_);
    spatten::TopkResult again;
    run(d, n_, k_, again, r);
    d.block.waves_close();
    s << "; waves of the selection (replayed from reset) in " << path;
  } catch (const std::exception& e) {
    s << "; the replay for waves failed: " << e.what() << " (partial waves in " << path << ")";
  }
  return s.str();
}

void register_rtl_plugins() {
  common::register_rtl_plugin_check(rtl_plugin_refusal);
  spatten::register_topk_plugin_backend([](const spatten::TopkConfig& cfg, std::uint64_t seed) {
    static unsigned count = 0;
    const std::string inst = "topk_plugin" + std::to_string(count++);
    try {
      return std::unique_ptr<spatten::TopkBackend>(new TopkPlugin(inst, cfg, seed));
    } catch (const PluginError& e) {
      throw std::invalid_argument(e.what());
    }
  });
}

}  // namespace savp::cosim
