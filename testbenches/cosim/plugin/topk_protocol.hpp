// topk-v1, the contract of a SpAtten top-k block (docs/cosim.md): candidate codes, the register map.
// Candidate encoding: a double's IEEE-754 bits b, -0.0 taken as +0.0, become b | 2^63 when the sign
// is clear and ~b when it is set; unsigned order of the codes is then the order of the doubles and
// code equality is double equality (NaN is refused before). THRESHOLD holds a code.
// Registers (64-bit, byte addresses; the layout of testbenches/cosim/rtl/topk_engine.sv):
//   0x00 ID (RO: bits 31:0 "TOPK" = 0x544F504B, bits 63:32 the block's choice), 0x08 N (RO,
//   candidates loaded), 0x10 K, 0x18 CTRL (WO: bit 0 start, bit 1 clear), 0x20 STATUS (RO: bit 0
//   done), 0x28 CYCLES (START to the last output beat), 0x30 PASSES, 0x38 THRESHOLD (code),
//   0x48..0x60 RNG S0..S3 (xoshiro256** state of common::Rng(seed), written once after reset),
//   0x68 OVERHEAD (pass overhead cycles, written once after reset), 0x70 COMPARISONS.
//   A block may ignore RNG and OVERHEAD and read PASSES / COMPARISONS as 0.
// Output beat: lane i (a kept index) in bits [16 i +: 16] for i < P (P = the lanes of out_data:
// 16 P + 8 bits), the beat's kept count in bits [16 P +: 8]; beat b covers candidates
// [b P, (b + 1) P) and holds their kept indices ascending in its low lanes; last on the final beat.
#pragma once

#include <cstdint>

#include "models/spatten/topk_code.hpp"

namespace savp::cosim {

namespace topk_reg {
constexpr std::uint32_t kId = 0x00, kN = 0x08, kK = 0x10, kCtrl = 0x18, kStatus = 0x20, kCycles = 0x28,
                        kPasses = 0x30, kThreshold = 0x38, kRng0 = 0x48, kOverhead = 0x68,
                        kComparisons = 0x70;
constexpr std::uint32_t kIdMagic = 0x544F504Bu;  // "TOPK"
}  // namespace topk_reg

// The candidate code is the engine's own (models/spatten/topk_code.hpp).
using spatten::topk_decode;
using spatten::topk_encode;

}  // namespace savp::cosim
