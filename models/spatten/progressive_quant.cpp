// SpAtten progressive quantisation: MSB/LSB split storage format, dense bit packing, the bit-width
// converter's decoders and the LSB refetch decision (see progressive_quant.hpp).
#include "models/spatten/progressive_quant.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/common/number_format.hpp"

namespace savp::spatten {

namespace {

void check_field_bits(int bits) {
  if (bits < 1 || bits > 16)
    throw std::invalid_argument("bit field width must be 1..16, got " + std::to_string(bits));
}

void require_split(const BitSplit& s) {
  const std::string why = check_split(s);
  if (!why.empty()) throw std::invalid_argument(why);
}

// The n fields of `bits` (checked by the caller) packed from bit 0 of `in`, as unsigned values. Where
// a whole number of fields fills a whole number of bytes within 64 bits (widths 1-8, 10, 12, 14, 16)
// those bytes are read into one word and the fields shifted out of it; the rest field by field.
void unpack_fields(const std::uint8_t* in, std::size_t n, int bits, std::uint32_t* out) {
  const int group_bits = std::lcm(bits, 8);
  std::size_t i = 0;
  if (group_bits <= 64) {
    const std::size_t per = static_cast<std::size_t>(group_bits / bits);
    const int bytes = group_bits / 8;
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    const std::uint8_t* p = in;
    for (; i + per <= n; i += per, p += bytes) {
      std::uint64_t v = 0;
      for (int b = 0; b < bytes; ++b) v |= static_cast<std::uint64_t>(p[b]) << (8 * b);
      for (std::size_t k = 0; k < per; ++k, v >>= bits) out[i + k] = static_cast<std::uint32_t>(v & mask);
    }
  }
  for (; i < n; ++i) out[i] = get_bits(in, i * static_cast<std::size_t>(bits), bits);
}

std::int32_t sign_extend(std::uint32_t u, int bits) {
  const std::uint32_t sign = std::uint32_t{1} << (bits - 1);
  return static_cast<std::int32_t>(u ^ sign) - static_cast<std::int32_t>(sign);
}

}  // namespace

// ---- bit fields ----

void put_bits(std::uint8_t* buf, std::size_t bit, int bits, std::uint32_t value) {
  check_field_bits(bits);
  const std::uint32_t mask = (std::uint32_t{1} << bits) - 1;
  if (value > mask)
    throw std::out_of_range("put_bits: value " + std::to_string(value) + " does not fit in " +
                            std::to_string(bits) + " bits");
  // A field of <= 16 bits at any bit offset spans at most 3 bytes.
  std::size_t byte = bit / 8;
  const int shift = static_cast<int>(bit % 8);
  std::uint32_t v = value << shift, m = mask << shift;
  for (; m != 0; ++byte, v >>= 8, m >>= 8) {
    const std::uint8_t bm = static_cast<std::uint8_t>(m & 0xFFu);
    buf[byte] = static_cast<std::uint8_t>((buf[byte] & ~bm) | (v & bm));
  }
}

std::uint32_t get_bits(const std::uint8_t* buf, std::size_t bit, int bits) {
  check_field_bits(bits);
  const std::size_t first = bit / 8;
  const int shift = static_cast<int>(bit % 8);
  const std::size_t nbytes = (static_cast<std::size_t>(shift) + static_cast<std::size_t>(bits) + 7) / 8;
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < nbytes; ++i) v |= static_cast<std::uint32_t>(buf[first + i]) << (8 * i);
  return (v >> shift) & ((std::uint32_t{1} << bits) - 1);
}

std::int32_t get_bits_signed(const std::uint8_t* buf, std::size_t bit, int bits) {
  return sign_extend(get_bits(buf, bit, bits), bits);
}

void pack_unsigned(const std::uint32_t* values, std::size_t n, int bits, std::uint8_t* out) {
  check_field_bits(bits);
  std::fill(out, out + packed_row_bytes(bits, n), std::uint8_t{0});
  for (std::size_t i = 0; i < n; ++i) put_bits(out, i * static_cast<std::size_t>(bits), bits, values[i]);
}

void pack_signed(const std::int32_t* values, std::size_t n, int bits, std::uint8_t* out) {
  check_field_bits(bits);
  const std::int32_t lo = -(std::int32_t{1} << (bits - 1)), hi = (std::int32_t{1} << (bits - 1)) - 1;
  const std::uint32_t mask = (std::uint32_t{1} << bits) - 1;
  std::fill(out, out + packed_row_bytes(bits, n), std::uint8_t{0});
  for (std::size_t i = 0; i < n; ++i) {
    if (values[i] < lo || values[i] > hi)
      throw std::out_of_range("pack_signed: value " + std::to_string(values[i]) + " does not fit in " +
                              std::to_string(bits) + " signed bits");
    put_bits(out, i * static_cast<std::size_t>(bits), bits, static_cast<std::uint32_t>(values[i]) & mask);
  }
}

void unpack_unsigned(const std::uint8_t* in, std::size_t n, int bits, std::uint32_t* out) {
  check_field_bits(bits);
  unpack_fields(in, n, bits, out);
}

void unpack_signed(const std::uint8_t* in, std::size_t n, int bits, std::int32_t* out) {
  check_field_bits(bits);
  static_assert(sizeof(std::int32_t) == sizeof(std::uint32_t));
  auto* u = reinterpret_cast<std::uint32_t*>(out);  // same size; each field converted in place
  unpack_fields(in, n, bits, u);
  for (std::size_t i = 0; i < n; ++i) out[i] = sign_extend(u[i], bits);
}

// ---- storage format ----

std::string check_split(const BitSplit& s) {
  const int m = s.msb_bits, l = s.lsb_bits;
  if (m != 4 && m != 6 && m != 8 && m != 12)
    return "MSB width must be 4, 6, 8 or 12 bits, got " + std::to_string(m);
  if (l != 0 && l != 4) return "LSB width must be 0 or 4 bits, got " + std::to_string(l);
  if (m + l > 12) return "MSB + LSB = " + std::to_string(m + l) + " bits exceeds the 12-bit on-chip format";
  return "";
}

std::size_t packed_row_bytes(int bits, std::size_t dim) {
  if (bits < 0 || bits > 16)
    throw std::invalid_argument("packed_row_bytes: width must be 0..16 bits, got " + std::to_string(bits));
  return (dim * static_cast<std::size_t>(bits) + 7) / 8;
}

QuantisedTensor quantise_split(const double* data, std::size_t rows, std::size_t dim, const BitSplit& s) {
  require_split(s);
  return quantise_split_scaled(data, rows, dim, s,
                               common::symmetric_params(data, rows * dim, s.total()).scale);
}

QuantisedTensor quantise_split_scaled(const double* data, std::size_t rows, std::size_t dim,
                                      const BitSplit& s, double scale) {
  require_split(s);
  const common::QuantParams qp{scale, s.total()};
  QuantisedTensor t;
  t.split = s;
  t.scale = qp.scale;
  t.rows = rows;
  t.dim = dim;
  const std::size_t mrb = t.msb_row_bytes(), lrb = t.lsb_row_bytes();
  t.msb.assign(rows * mrb, 0);
  t.lsb.assign(rows * lrb, 0);
  const std::uint32_t lmask = (std::uint32_t{1} << s.lsb_bits) - 1;
  std::vector<std::int32_t> hi(dim);
  std::vector<std::uint32_t> lo(dim);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < dim; ++c) {
      const std::int32_t q = common::quantise(data[r * dim + c], qp);
      hi[c] = q >> s.lsb_bits;  // arithmetic shift (C++20-guaranteed; every C++17 target does it)
      lo[c] = static_cast<std::uint32_t>(q) & lmask;
    }
    pack_signed(hi.data(), dim, s.msb_bits, t.msb.data() + r * mrb);
    if (s.lsb_bits > 0) pack_unsigned(lo.data(), dim, s.lsb_bits, t.lsb.data() + r * lrb);
  }
  return t;
}

QuantisedTensor quantise_split(const std::vector<double>& data, std::size_t rows, std::size_t dim,
                               const BitSplit& s) {
  if (data.size() != rows * dim)
    throw std::invalid_argument("quantise_split: " + std::to_string(data.size()) + " values for " +
                                std::to_string(rows) + " x " + std::to_string(dim));
  return quantise_split(data.data(), rows, dim, s);
}

// ---- bit-width converter ----

void decode_msb_row_codes(const std::uint8_t* msb_row, std::size_t dim, const BitSplit& s,
                          std::int32_t* out) {
  require_split(s);
  const std::int32_t fill = s.lsb_bits > 0 ? (std::int32_t{1} << (s.lsb_bits - 1)) : 0;
  const std::int32_t mul = std::int32_t{1} << s.lsb_bits;
  unpack_signed(msb_row, dim, s.msb_bits, out);
  for (std::size_t c = 0; c < dim; ++c) out[c] = out[c] * mul + fill;
}

void decode_full_row_codes(const std::uint8_t* msb_row, const std::uint8_t* lsb_row, std::size_t dim,
                           const BitSplit& s, std::int32_t* out) {
  require_split(s);
  if (s.lsb_bits > 0 && lsb_row == nullptr && dim > 0)
    throw std::invalid_argument("decode_full_row: LSB row missing for a split with LSBs");
  const std::int32_t mul = std::int32_t{1} << s.lsb_bits;
  unpack_signed(msb_row, dim, s.msb_bits, out);
  for (std::size_t c = 0; c < dim; ++c) out[c] *= mul;
  if (s.lsb_bits == 0) return;
  // The LSBs in chunks of 64 fields: a chunk starts on a byte (64 x lsb_bits bits).
  std::uint32_t low[64];
  for (std::size_t c0 = 0; c0 < dim; c0 += 64) {
    const std::size_t m = std::min<std::size_t>(64, dim - c0);
    unpack_fields(lsb_row + c0 * static_cast<std::size_t>(s.lsb_bits) / 8, m, s.lsb_bits, low);
    for (std::size_t c = 0; c < m; ++c) out[c0 + c] += static_cast<std::int32_t>(low[c]);
  }
}

void decode_msb_row(const std::uint8_t* msb_row, std::size_t dim, const BitSplit& s, double scale,
                    double* out) {
  std::vector<std::int32_t> q(dim);
  decode_msb_row_codes(msb_row, dim, s, q.data());
  for (std::size_t c = 0; c < dim; ++c) out[c] = static_cast<double>(q[c]) * scale;
}

void decode_full_row(const std::uint8_t* msb_row, const std::uint8_t* lsb_row, std::size_t dim,
                     const BitSplit& s, double scale, double* out) {
  std::vector<std::int32_t> q(dim);
  decode_full_row_codes(msb_row, lsb_row, dim, s, q.data());
  for (std::size_t c = 0; c < dim; ++c) out[c] = static_cast<double>(q[c]) * scale;
}

// ---- progressive decision ----

bool needs_lsb(const double* probs, std::size_t n, double threshold) {
  if (n == 0) return false;
  double mx = probs[0];
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(probs[i]))
      throw std::domain_error("needs_lsb: NaN probability at index " + std::to_string(i));
    mx = std::max(mx, probs[i]);
  }
  return mx < threshold;
}

}  // namespace savp::spatten
