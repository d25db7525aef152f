#include "testbenches/cosim/salo_rtl.hpp"

#include <Vsalo_array.h>

#include <cstring>
#include <stdexcept>

namespace savp::cosim {

namespace {
namespace reg {
constexpr std::uint32_t kId = 0x00, kCtrl = 0x08, kStatus = 0x10, kCycles = 0x18, kShift = 0x20, kD = 0x28,
                        kExpSat = 0x30, kQkSat = 0x38, kArith = 0x40, kMask = 0x1000;
}
constexpr std::uint64_t kStart = 1, kFlush = 2, kDrain = 4, kClear = 8;
constexpr unsigned kNR = kSaloR + kSaloGR, kNS = kSaloC + kSaloGC;
static_assert(kNS <= 64, "a row's slot mask is one 64-bit register (C + GC <= 64)");
constexpr std::size_t kBeatBytes = beat_bytes<SaloBeat>();
// Operand memory slots (salo_array.sv): key diagonals, global-column keys, global-row key slots.
constexpr std::uint32_t kGlobalColBase = kSaloR + kSaloC - 1, kGlobalRowBase = kGlobalColBase + kSaloGC;
}  // namespace

std::uint64_t salo_rtl_arith(const salo::FixedParams& f) {
  auto bit = [](bool b, int at) { return static_cast<std::uint64_t>(b) << at; };
  return bit(f.qk_overflow == salo::Overflow::Wrap, 0) | bit(f.norm_rounding == salo::Rounding::Floor, 1) |
         bit(f.norm_overflow == salo::Overflow::Wrap, 2) | bit(f.drop_exp_lsb, 3) |
         bit(f.pv_rounding == salo::Rounding::Floor, 4) | bit(f.pv_overflow == salo::Overflow::Wrap, 5) |
         (static_cast<std::uint64_t>(f.reciprocal_bits) << 8);
}

std::string salo_rtl_check(const salo::ArrayConfig& cfg) {
  auto dims = [](unsigned r, unsigned c, unsigned gr, unsigned gc, unsigned d) {
    return std::to_string(r) + "x" + std::to_string(c) + " + " + std::to_string(gr) + " global rows, " +
           std::to_string(gc) + " global cols, head_dim " + std::to_string(d);
  };
  if (cfg.datapath != salo::Datapath::Fixed) return "the SALO RTL implements the fixed datapath only";
  if (cfg.rows != kSaloR || cfg.cols != kSaloC || cfg.global_rows != kSaloGR || cfg.global_cols != kSaloGC ||
      cfg.head_dim != kSaloD) {
    return "the SALO RTL was built as " + dims(kSaloR, kSaloC, kSaloGR, kSaloGC, kSaloD) +
           ", the scenario asks for " +
           dims(cfg.rows, cfg.cols, cfg.global_rows, cfg.global_cols, cfg.head_dim) +
           " (reconfigure with -DSAVP_RTL_SALO_ROWS/COLS/GROWS/GCOLS/D)";
  }
  if (cfg.fixed.pwl_slope_frac_bits != 4)
    return "the SALO RTL's PWL slope LUT holds 5.4 slopes (pwl_slope_frac_bits 4)";
  return "";
}

SaloRtl::SaloRtl(sc_core::sc_module_name name, const salo::ArrayConfig& cfg, double period_ns, bool delta,
                 const std::string& vcd_path)
    : RtlBlock(name, period_ns, delta),
      cfg_(cfg),
      rtl_(std::make_unique<Vsalo_array>("rtl")),
      opnd_tx_("opnd_tx", clock_),
      result_rx_("result_rx", clock_, 0),
      result_mem_("result_mem", kNR * kBeatBytes) {
  const std::string why = salo_rtl_check(cfg);
  if (!why.empty()) throw std::invalid_argument(why);
  bind_block(*rtl_, in_, opnd_tx_, out_, result_rx_, vcd_path);
  result_rx_.init_socket.bind(result_mem_.tgt_socket);
  opnd_socket.bind(opnd_tx_.tgt_socket);
}

SaloRtl::~SaloRtl() = default;

void SaloRtl::reset_once() {
  if (!reset_pulse()) return;
  const std::uint64_t id = reg_read(reg::kId);
  const std::uint64_t want = 0x53414C4Full | (std::uint64_t{kSaloR} << 32) | (std::uint64_t{kSaloC} << 40) |
                             (std::uint64_t{kSaloGR} << 48) | (std::uint64_t{kSaloGC} << 56);
  if (id != want || reg_read(reg::kD) != kSaloD ||
      reg_read(reg::kArith) != salo_rtl_arith(salo::FixedParams{})) {
    throw std::runtime_error(std::string(name()) + ": unexpected SALO RTL ID/D/ARITH registers");
  }
}

// One operand beat: header (address), then one 32-bit lane per code.
void SaloRtl::add_beat(std::uint32_t addr, const std::int16_t* codes) {
  const std::size_t at = beats_.size();
  beats_.resize(at + kBeatBytes, 0);
  std::uint8_t* b = beats_.data() + at;
  const std::uint64_t hdr = addr;
  std::memcpy(b, &hdr, 8);
  for (unsigned x = 0; x < kSaloD; ++x) {
    const std::int32_t v = codes[x];
    std::memcpy(b + 8 + 4 * x, &v, 4);
  }
}

salo::BackendTile SaloRtl::run(const salo::SaloTile& tile, salo::TileRunner& codes,
                               const std::vector<salo::RowPartial>& prev, bool flush) {
  auto fail = [this](const std::string& why) { throw std::runtime_error(std::string(name()) + ": " + why); };
  const std::size_t nq = tile.queries.size(), ng = tile.global_queries.size();
  if (nq > kSaloR || ng > kSaloGR || tile.global_keys.size() > kSaloGC || tile.cols_used > kSaloC) {
    fail("tile larger than the array");
  }
  if (prev.size() != nq + ng) fail("prev partials do not match the tile's rows");
  reset_once();
  const std::uint64_t seq_len = codes.seq_len();
  // Slot masks and the operand slots they use.
  std::vector<std::uint64_t> mask(kNR, 0);
  std::vector<std::int64_t> slot_key(kGlobalRowBase + kSaloGR * kSaloC, -1);
  auto use = [&](std::uint32_t n, std::int64_t key) {
    if (slot_key[n] >= 0 && slot_key[n] != key) fail("tile breaks the one-key-per-diagonal contract");
    slot_key[n] = key;
  };
  for (std::size_t r = 0; r < nq; ++r) {
    for (std::size_t c = 0; c < tile.cols_used; ++c) {
      if (!tile.mask_local.empty() && !tile.mask_local[r][c]) continue;
      const std::int64_t key = tile.key_at(r, c, seq_len);
      if (key < 0) continue;
      mask[r] |= std::uint64_t{1} << c;
      use(static_cast<std::uint32_t>(r - c + kSaloC - 1), key);
    }
    for (std::size_t g = 0; g < tile.global_keys.size(); ++g) {
      if (!tile.mask_global.empty() && !tile.mask_global[r][g]) continue;
      mask[r] |= std::uint64_t{1} << (kSaloC + g);
      use(static_cast<std::uint32_t>(kGlobalColBase + g), tile.global_keys[g]);
    }
  }
  for (std::size_t g = 0; g < ng; ++g) {
    const auto& keys = tile.global_row_keys.empty() ? tile.keys_streamed : tile.global_row_keys[g];
    if (keys.size() > kSaloC) fail("a global row attends more keys than the array has columns");
    for (std::size_t j = 0; j < keys.size(); ++j) {
      mask[kSaloR + g] |= std::uint64_t{1} << j;
      use(static_cast<std::uint32_t>(kGlobalRowBase + g * kSaloC + j), keys[j]);
    }
  }
  // Registers: clear, masks, shift.
  reg_write(reg::kCtrl, kClear);
  for (unsigned i = 0; i < kNR; ++i) {
    if (mask[i]) reg_write(reg::kMask + 8 * i, mask[i]);
  }
  reg_write(reg::kShift, static_cast<std::uint64_t>(codes.softmax_shift()));
  reg_write(reg::kArith, salo_rtl_arith(cfg_.fixed));
  // Operand beats: Q of every active row, K and V of every used slot, PREV partials.
  beats_.clear();
  for (unsigned i = 0; i < kNR; ++i) {
    if (!mask[i]) continue;
    add_beat(0x0000 + i, codes.q_codes(i < kSaloR ? tile.queries[i] : tile.global_queries[i - kSaloR]));
  }
  for (std::uint32_t n = 0; n < slot_key.size(); ++n) {
    if (slot_key[n] < 0) continue;
    add_beat(0x1000 + n, codes.k_codes(static_cast<std::uint32_t>(slot_key[n])));
    add_beat(0x2000 + n, codes.v_codes(static_cast<std::uint32_t>(slot_key[n])));
  }
  for (std::size_t r = 0; r < nq + ng; ++r) {
    const salo::RowPartial& p = prev[r];
    if (p.empty) continue;
    if (p.out_raw.size() != kSaloD) fail("a prev partial has no raw codes");
    const std::uint32_t row = static_cast<std::uint32_t>(r < nq ? r : kSaloR + (r - nq));
    const std::size_t at = beats_.size();
    beats_.resize(at + kBeatBytes, 0);
    std::uint8_t* b = beats_.data() + at;
    const std::uint64_t hdr = (0x3000u + row) | (static_cast<std::uint64_t>(p.sum_raw & 0x3FFFF) << 16) |
                              (static_cast<std::uint64_t>(p.sum_exp & 0x1F) << 34);
    std::memcpy(b, &hdr, 8);
    for (unsigned x = 0; x < kSaloD; ++x) {
      const std::int32_t v = static_cast<std::int32_t>(p.out_raw[x]);
      std::memcpy(b + 8 + 4 * x, &v, 4);
    }
  }
  if (!beats_.empty()) transport(opnd_socket, true, 0, beats_.data(), static_cast<unsigned>(beats_.size()));
  // Compute and unload.
  result_rx_.restart(0);
  clock_.hold();
  reg_write(reg::kCtrl, kStart | (flush ? kFlush : 0));
  while (result_rx_.packets() == 0) wait_sample(clock_);
  clock_.release();
  if (!result_rx_.error().empty()) throw std::runtime_error(result_rx_.error());
  if (result_rx_.beats() != kNR) fail("expected " + std::to_string(kNR) + " result beats");
  if ((reg_read(reg::kStatus) & 1) == 0) fail("RTL not done after its last result beat");
  salo::BackendTile out;
  out.cycles = reg_read(reg::kCycles);
  out.exp_saturated = reg_read(reg::kExpSat);
  out.qk_saturated = reg_read(reg::kQkSat);
  for (std::size_t r = 0; r < nq + ng; ++r) {
    const unsigned row = static_cast<unsigned>(r < nq ? r : kSaloR + (r - nq));
    const std::uint8_t* b = result_mem_.bytes.data() + row * kBeatBytes;
    std::uint64_t hdr = 0;
    std::memcpy(&hdr, b, 8);
    if ((hdr & 0xFFFF) != row) fail("result beats out of order");
    salo::RowPartial p;
    p.query = r < nq ? tile.queries[r] : tile.global_queries[r - nq];
    p.global_row = r >= nq;
    p.empty = ((hdr >> 16) & 1) == 0;
    p.sum_raw = static_cast<std::int64_t>((hdr >> 17) & 0x3FFFF);
    p.sum_exp = static_cast<int>((hdr >> 35) & 0x1F);
    if (p.sum_exp >= 16) p.sum_exp -= 32;  // 5-bit two's complement
    p.sum_mant = static_cast<double>(p.sum_raw) / 256.0;
    p.out_raw.resize(kSaloD);
    p.out.resize(kSaloD);
    for (unsigned x = 0; x < kSaloD; ++x) {
      std::int32_t v = 0;
      std::memcpy(&v, b + 8 + 4 * x, 4);
      p.out_raw[x] = v;
      p.out[x] = static_cast<double>(v) / 256.0;
    }
    out.rows.push_back(std::move(p));
  }
  ++tiles_;
  return out;
}

std::uint64_t SaloRtl::drain() {
  reset_once();
  clock_.hold();
  reg_write(reg::kCtrl, kDrain);
  while ((reg_read(reg::kStatus) & 2) != 0) wait_sample(clock_);
  clock_.release();
  return reg_read(reg::kCycles);
}

void register_salo_rtl() {
  salo::register_tile_rtl_backend(
      [](const salo::ArrayConfig& cfg) {
        // Delta clock: the platform's time for a tile still comes from the core's compute cycles.
        const std::string inst = sc_core::sc_gen_unique_name("salo_rtl");
        return std::unique_ptr<salo::TileBackend>(
            new SaloRtl(inst.c_str(), cfg, 1.0, true, rtl_waves_path(inst)));
      },
      salo_rtl_check);
}

}  // namespace savp::cosim
