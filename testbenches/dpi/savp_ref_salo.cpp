// libsavp_ref.so: the SALO tile reference (savp_ref.h savp_ref_salo_tile_p). The slot form of the
// RTL (testbenches/cosim/rtl/salo_array.sv: masks per row, operands per slot) becomes a SaloTile
// over a synthetic sequence in which token n holds operand slot n (local row i queries token
// c - 1 + i, so PE(i, j) meets key i - j + c - 1, its diagonal slot), computed by the same
// TileRunner and merge_slices as the co-simulation scoreboard (models/salo/salo_core.cpp
// run_backend). Q codes enter as code / 16 / log2(e) with softmax_scale = 2^-shift: the runner's
// folding (q * scale * 2^shift * log2(e), rounded to 5.4) gives the code back exactly.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/salo/fixed_point.hpp"
#include "models/salo/pe_array.hpp"
#include "testbenches/dpi/savp_ref.h"
#include "testbenches/dpi/savp_ref_common.hpp"

namespace {

using namespace savp::salo;

void check_code(std::int64_t v, std::int64_t lo, std::int64_t hi, const char* what) {
  if (v < lo || v > hi) {
    throw std::invalid_argument(std::string(what) + " " + std::to_string(v) + " outside [" +
                                std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
}

}  // namespace

extern "C" int savp_ref_salo_tile_p(int r, int c, int gr, int gc, int d, int shift, int flush,
                                    const uint64_t* mask, const int16_t* q, const int16_t* k,
                                    const int16_t* v, const int32_t* prev_valid, const int32_t* prev_sum,
                                    const int32_t* prev_exp, const int32_t* prev_out, int32_t* out_valid,
                                    int32_t* out_sum, int32_t* out_exp, int32_t* out, int64_t* cycles,
                                    int64_t* exp_sat, int64_t* qk_sat) {
  return savp::ref::guarded("savp_ref_salo_tile", [&] {
    if (r < 1 || c < 1 || gr < 0 || gc < 0 || d < 1 || c + gc > 64) {
      throw std::invalid_argument("array " + std::to_string(r) + "x" + std::to_string(c) + " + " +
                                  std::to_string(gr) + " global rows, " + std::to_string(gc) +
                                  " global cols, d " + std::to_string(d) +
                                  " (need r, c, d >= 1, c + gc <= 64)");
    }
    check_code(shift, 0, 30, "shift");
    ArrayConfig cfg;
    cfg.rows = static_cast<std::uint32_t>(r);
    cfg.cols = static_cast<std::uint32_t>(c);
    cfg.global_rows = static_cast<std::uint32_t>(gr);
    cfg.global_cols = static_cast<std::uint32_t>(gc);
    cfg.head_dim = static_cast<std::uint32_t>(d);
    cfg.datapath = Datapath::Fixed;
    const std::string bad = check_config(cfg);
    if (!bad.empty()) throw std::invalid_argument(bad);
    const std::size_t nr = static_cast<std::size_t>(r + gr),
                      nk = static_cast<std::size_t>(r + c - 1 + gc + gr * c);
    const std::size_t dd = static_cast<std::size_t>(d);
    // Tokens: K/V token n = operand slot n; Q token c - 1 + i for row i (global rows after the locals).
    const std::size_t seq = std::max(nk, static_cast<std::size_t>(c - 1) + nr);
    savp::common::MatrixD qm(seq, dd), km(seq, dd), vm(seq, dd);
    const double log2e = 1.4426950408889634;
    for (std::size_t i = 0; i < nr; ++i) {
      for (std::size_t x = 0; x < dd; ++x) {
        check_code(q[i * dd + x], -256, 255, "Q code");
        qm(static_cast<std::size_t>(c - 1) + i, x) = q[i * dd + x] / 16.0 / log2e;
      }
    }
    for (std::size_t n = 0; n < nk; ++n) {
      for (std::size_t x = 0; x < dd; ++x) {
        check_code(k[n * dd + x], -256, 255, "K code");
        check_code(v[n * dd + x], -256, 255, "V code");
        km(n, x) = k[n * dd + x] / 16.0;
        vm(n, x) = v[n * dd + x] / 16.0;
      }
    }
    SaloTile tile;
    tile.cols_used = static_cast<std::uint32_t>(c);
    tile.mask_local.assign(static_cast<std::size_t>(r),
                           std::vector<std::uint8_t>(static_cast<std::size_t>(c), 0));
    tile.mask_global.assign(static_cast<std::size_t>(r),
                            std::vector<std::uint8_t>(static_cast<std::size_t>(gc), 0));
    std::vector<std::uint8_t> streamed(nk, 0);
    for (int i = 0; i < r; ++i) {
      tile.queries.push_back(static_cast<std::uint32_t>(c - 1 + i));
      for (int j = 0; j < c; ++j) {
        if ((mask[i] >> j) & 1) {
          tile.mask_local[i][j] = 1;
          streamed[static_cast<std::size_t>(i - j + c - 1)] = 1;
        }
      }
      for (int g = 0; g < gc; ++g) {
        if ((mask[i] >> (c + g)) & 1) {
          tile.mask_global[i][g] = 1;
          streamed[static_cast<std::size_t>(r + c - 1 + g)] = 1;
        }
      }
      if (c + gc < 64 && (mask[i] >> (c + gc)) != 0) {
        throw std::invalid_argument("mask of row " + std::to_string(i) + " has bits beyond its c + gc slots");
      }
    }
    for (int g = 0; g < gc; ++g) tile.global_keys.push_back(static_cast<std::uint32_t>(r + c - 1 + g));
    for (int g = 0; g < gr; ++g) {
      const std::uint64_t m = mask[r + g];
      if (c < 64 && (m >> c) != 0) {
        throw std::invalid_argument("mask of global row " + std::to_string(g) +
                                    " has bits beyond its c key slots");
      }
      tile.global_queries.push_back(static_cast<std::uint32_t>(c - 1 + r + g));
      std::vector<std::uint32_t> keys;
      for (int j = 0; j < c; ++j) {
        if ((m >> j) & 1) {
          const std::size_t n = static_cast<std::size_t>(r + c - 1 + gc + g * c + j);
          keys.push_back(static_cast<std::uint32_t>(n));
          streamed[n] = 1;
        }
      }
      tile.global_row_keys.push_back(std::move(keys));
    }
    for (std::size_t n = 0; n < nk; ++n) {
      if (streamed[n]) tile.keys_streamed.push_back(static_cast<std::uint32_t>(n));
    }
    TileRunner runner(qm, km, vm, cfg, std::ldexp(1.0, -shift));
    if (runner.softmax_shift() != shift) throw std::logic_error("softmax shift not representable");
    const TileResult res = runner.run(tile);
    if (res.rows.size() != nr)
      throw std::logic_error("tile result has " + std::to_string(res.rows.size()) + " rows");
    for (std::size_t i = 0; i < nr; ++i) {
      RowPartial prev;
      prev.query = res.rows[i].query;
      prev.global_row = res.rows[i].global_row;
      if (prev_valid[i]) {
        check_code(prev_sum[i], 0, (1 << 18) - 1, "PREV sum mantissa");
        check_code(prev_exp[i], kExpMin, kExpMax, "PREV sum exponent");
        prev.empty = false;
        prev.sum_raw = prev_sum[i];
        prev.sum_mant = prev_sum[i] / 256.0;
        prev.sum_exp = prev_exp[i];
        prev.out_raw.resize(dd);
        prev.out.resize(dd);
        for (std::size_t x = 0; x < dd; ++x) {
          check_code(prev_out[i * dd + x], -(1 << 17), (1 << 17) - 1, "PREV output code");
          prev.out_raw[x] = prev_out[i * dd + x];
          prev.out[x] = prev_out[i * dd + x] / 256.0;
        }
      }
      const RowPartial got = merge_slices(prev, res.rows[i], cfg);
      out_valid[i] = got.empty ? 0 : 1;
      out_sum[i] = got.empty ? 0 : static_cast<int32_t>(got.sum_raw);
      out_exp[i] = got.empty ? 0 : got.sum_exp;
      for (std::size_t x = 0; x < dd; ++x)
        out[i * dd + x] = got.empty ? 0 : static_cast<int32_t>(got.out_raw[x]);
    }
    *cycles = static_cast<int64_t>(res.cycles.body() + (flush ? res.cycles.flush : 0));
    *exp_sat = static_cast<int64_t>(res.counters.exp_saturated);
    *qk_sat = static_cast<int64_t>(res.counters.qk_saturated);
  });
}

extern "C" int64_t savp_ref_salo_drain_cycles(int r, int c, int gr, int gc) {
  ArrayConfig cfg;
  cfg.rows = static_cast<std::uint32_t>(r);
  cfg.cols = static_cast<std::uint32_t>(c);
  cfg.global_rows = static_cast<std::uint32_t>(gr);
  cfg.global_cols = static_cast<std::uint32_t>(gc);
  return static_cast<int64_t>(drain_cycles(cfg));
}
