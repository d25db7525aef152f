// SpAtten progressive quantisation: the DRAM storage format of K and V and the bit-width converter
// that decodes it. Source: ../reference/spatten.md "Progressive quantization" and "Bitwidth
// converter" (Wang, Zhang, Han, HPCA 2021).
//
// Format. A tensor (rows x dim, e.g. the K or V of one head) is quantised linearly and symmetrically
// per tensor to total = msb_bits + lsb_bits signed bits (common::symmetric_params / quantise:
// scale = max|x| / (2^(total-1)-1), round half away from zero). Each integer q is split into
//   MSB = q >> lsb_bits              (arithmetic shift: floor division, signed, msb_bits wide)
//   LSB = q & (2^lsb_bits - 1)       (unsigned, lsb_bits wide), so q = (MSB << lsb_bits) + LSB.
// MSBs and LSBs live in two SEPARATE contiguous byte regions, each densely bit-packed little-endian
// (field i occupies bits [i*bits, (i+1)*bits) of the row, bit 0 = LSB of byte 0; e.g. four 6-bit
// MSBs in 3 bytes), row-major, every row starting on a byte boundary with zero padding bits, so one
// key/value vector is one contiguous span of packed_row_bytes(bits, dim) bytes in each region.
//
// Progressive decision: fetch the MSBs, compute the probabilities; if the row's maximum probability
// is below a threshold (flat distribution, error-sensitive) fetch the LSBs and recompute once.
// Pure C++; bit-exact and host-endianness independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace savp::spatten {

// ---- Generic little-endian bit fields (1..16 bits) ----
// number_format.hpp packs whole bytes only; these pack fields densely. Field widths outside 1..16
// throw std::invalid_argument.

// Writes the low `bits` bits of `value` at bit offset `bit` of buf (bit 0 = LSB of buf[0]); the
// other bits of the touched bytes are preserved. value must fit in `bits` unsigned bits
// (std::out_of_range otherwise).
void put_bits(std::uint8_t* buf, std::size_t bit, int bits, std::uint32_t value);
// Reads the unsigned `bits`-bit field at bit offset `bit`.
std::uint32_t get_bits(const std::uint8_t* buf, std::size_t bit, int bits);
// Reads the field and sign-extends it from `bits` bits (two's complement).
std::int32_t get_bits_signed(const std::uint8_t* buf, std::size_t bit, int bits);

// Dense packing of n fields into out[0 .. ceil(n*bits/8)); the whole span is written, padding bits
// of the last byte are zero. Unsigned values must be < 2^bits, signed values in
// [-2^(bits-1), 2^(bits-1)-1] (std::out_of_range otherwise); signed fields are two's complement.
void pack_unsigned(const std::uint32_t* values, std::size_t n, int bits, std::uint8_t* out);
void pack_signed(const std::int32_t* values, std::size_t n, int bits, std::uint8_t* out);
void unpack_unsigned(const std::uint8_t* in, std::size_t n, int bits, std::uint32_t* out);
void unpack_signed(const std::uint8_t* in, std::size_t n, int bits, std::int32_t* out);

// ---- Storage format ----
struct BitSplit {
  int msb_bits = 8;
  int lsb_bits = 4;
  int total() const { return msb_bits + lsb_bits; }
};

// The splits the bit-width converter handles (DRAM data of 4/8/12 bits into the fixed 12-bit
// on-chip format; 6 is the paper's other MSB width): msb_bits in {4, 6, 8, 12}, lsb_bits in {0, 4},
// total <= 12. Returns "" when supported, otherwise why not.
std::string check_split(const BitSplit& s);

// Bytes of one packed row: ceil(dim * bits / 8). bits == 0 gives 0 (no LSB region); bits outside
// 0..16 throw std::invalid_argument.
std::size_t packed_row_bytes(int bits, std::size_t dim);

struct QuantisedTensor {
  BitSplit split;
  double scale = 1.0;  // real ~= q * scale, q = (MSB << lsb_bits) + LSB
  std::size_t rows = 0, dim = 0;
  std::vector<std::uint8_t> msb;  // rows * msb_row_bytes()
  std::vector<std::uint8_t> lsb;  // rows * lsb_row_bytes(); empty when lsb_bits == 0

  std::size_t msb_row_bytes() const { return packed_row_bytes(split.msb_bits, dim); }
  std::size_t lsb_row_bytes() const { return packed_row_bytes(split.lsb_bits, dim); }
  const std::uint8_t* msb_row(std::size_t r) const { return msb.data() + r * msb_row_bytes(); }
  // nullptr when lsb_bits == 0.
  const std::uint8_t* lsb_row(std::size_t r) const {
    return lsb.empty() ? nullptr : lsb.data() + r * lsb_row_bytes();
  }
};

// Quantises data[0 .. rows*dim) (row-major) per tensor to s.total() bits and splits it into the two
// packed regions. Throws std::invalid_argument for an unsupported split (check_split),
// std::domain_error for non-finite data. An all-zero (or empty) tensor gets scale 1 and zero codes.
QuantisedTensor quantise_split(const double* data, std::size_t rows, std::size_t dim, const BitSplit& s);
QuantisedTensor quantise_split(const std::vector<double>& data, std::size_t rows, std::size_t dim,
                               const BitSplit& s);
// The same with a given scale (rows appended to a tensor quantised before): values beyond the
// scale's range saturate to +-(2^(total-1)-1).
QuantisedTensor quantise_split_scaled(const double* data, std::size_t rows, std::size_t dim,
                                      const BitSplit& s, double scale);

// ---- Bit-width converter (decoders of selected rows) ----
// Both throw std::invalid_argument for an unsupported split.
//
// MSB only: the LSBs are unknown, q lies in [MSB << lsb, (MSB << lsb) + 2^lsb - 1]. The converter
// appends the bit pattern 100..0 (value 2^(lsb-1)) instead of zeros: out = ((MSB << lsb) + 2^(lsb-1))
// * scale, and MSB * scale when lsb_bits == 0. This is the midpoint rounded up by half an LSB (the
// exact midpoint 2^(lsb-1) - 1/2 is not an integer of the on-chip format); it is unbiased up to that
// half step, whereas appending zeros would bias every value down by ~2^(lsb-1). The error is at most
// scale * 2^(lsb-1) per element (reached when the true LSBs are 0).
void decode_msb_row(const std::uint8_t* msb_row, std::size_t dim, const BitSplit& s, double scale,
                    double* out);
// MSB + LSB: the exact q * scale (== common::dequantise(common::quantise(x))). lsb_row may be
// nullptr when lsb_bits == 0.
void decode_full_row(const std::uint8_t* msb_row, const std::uint8_t* lsb_row, std::size_t dim,
                     const BitSplit& s, double scale, double* out);
// The on-chip integer codes (total bits, the 12-bit datapath's input) of the two decoders.
void decode_msb_row_codes(const std::uint8_t* msb_row, std::size_t dim, const BitSplit& s, std::int32_t* out);
void decode_full_row_codes(const std::uint8_t* msb_row, const std::uint8_t* lsb_row, std::size_t dim,
                           const BitSplit& s, std::int32_t* out);

// ---- Progressive decision ----
// True when the row needs its LSBs: max(probs[0..n)) < threshold (flat distribution). n == 0 gives
// false (nothing to recompute). A NaN probability throws std::domain_error.
bool needs_lsb(const double* probs, std::size_t n, double threshold);

}  // namespace savp::spatten
