// SaloRtl: the SALO PE array as verilated RTL (rtl/salo_array.sv) behind pin-level transactors, a
// salo::TileBackend ("backend": "rtl" on a SALO accelerator). One tile: CTRL.clear and the rows'
// slot masks and the arithmetic options (ARITH, from the configuration's FixedParams) through Tlm2Reg, the
// operand vectors (Q per row, K/V per key diagonal, global column and global row slots) and the partials to
// merge (PREV) as one TLM write through Tlm2Stream, START, then the NR result beats come back through
// Stream2Tlm into a buffer and CYCLES, EXP_SAT and QK_SAT are read through Tlm2Reg. The array dimensions are
// fixed when the RTL is verilated (SAVP_RTL_SALO_* in testbenches/cosim/CMakeLists.txt); salo_rtl_check()
// refuses any other. run() and drain() must be called from an SC_THREAD; in delta mode they take no SystemC
// time.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/salo/tile_backend.hpp"
#include "testbenches/cosim/byte_target.hpp"
#include "testbenches/cosim/cosim_clock.hpp"
#include "testbenches/cosim/rtl_block.hpp"
#include "testbenches/cosim/stream_transactors.hpp"

class Vsalo_array;

namespace savp::cosim {

inline constexpr unsigned kSaloR = SAVP_RTL_SALO_R, kSaloC = SAVP_RTL_SALO_C;      // local array
inline constexpr unsigned kSaloGR = SAVP_RTL_SALO_GR, kSaloGC = SAVP_RTL_SALO_GC;  // global rows/cols
inline constexpr unsigned kSaloD = SAVP_RTL_SALO_D;                                // head dim
inline constexpr int kSaloBeatBits = 64 + 32 * kSaloD;
using SaloBeat = sc_dt::sc_bv<kSaloBeatBits>;

// The array the RTL was verilated as (fixed datapath; the other fields at their defaults).
inline salo::ArrayConfig salo_rtl_config() {
  salo::ArrayConfig c;
  c.rows = kSaloR;
  c.cols = kSaloC;
  c.global_rows = kSaloGR;
  c.global_cols = kSaloGC;
  c.head_dim = kSaloD;
  return c;
}

// The ARITH register value (rtl/salo_array.sv) that selects `f`'s rounding, overflow and widths.
std::uint64_t salo_rtl_arith(const salo::FixedParams& f);

// Why the verilated array cannot run `cfg` (empty when it can).
std::string salo_rtl_check(const salo::ArrayConfig& cfg);

class SaloRtl : public RtlBlock, public salo::TileBackend {
 public:
  tlm_utils::simple_initiator_socket<SaloRtl> opnd_socket{"opnd_socket"};  // -> Tlm2Stream (operands)

  // vcd_path: waves.vcd of the RTL (empty: none). delta: clock in delta cycles (see CosimClock).
  SaloRtl(sc_core::sc_module_name name, const salo::ArrayConfig& cfg, double period_ns, bool delta,
          const std::string& vcd_path = "");
  ~SaloRtl() override;

  salo::BackendTile run(const salo::SaloTile& tile, salo::TileRunner& codes,
                        const std::vector<salo::RowPartial>& prev, bool flush) override;
  std::uint64_t drain() override;
  std::uint64_t tiles() const { return tiles_; }

 private:
  void reset_once();
  void add_beat(std::uint32_t addr, const std::int16_t* codes);

  salo::ArrayConfig cfg_;
  std::unique_ptr<Vsalo_array> rtl_;
  StreamPins<SaloBeat> in_{"in"}, out_{"out"};
  Tlm2Stream<SaloBeat> opnd_tx_;
  Stream2Tlm<SaloBeat> result_rx_;
  ByteTarget result_mem_;
  std::uint64_t tiles_ = 0;
  std::vector<std::uint8_t> beats_;  // the operand write being built
};

// Registers the RTL tile backend with models/salo: SALO accelerators with "backend": "rtl" then run
// their tiles on SaloRtl, clocked in delta cycles (waves: rtl_waves_dir(), cosim_clock.hpp).
void register_salo_rtl();

}  // namespace savp::cosim
