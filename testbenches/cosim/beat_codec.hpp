// Beat codec: a pin-level data word (the C++ type Verilator gives a port of that width: bool,
// uint32_t, uint64_t, or sc_bv<W> above 64 bits) to and from its little-endian bytes in a TLM
// payload. beat_bytes<T>() is the payload bytes one beat occupies.
#pragma once

#include <systemc>

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace savp::cosim {

template <typename T>
struct BeatCodec {
  static_assert(std::is_integral<T>::value, "beat type: integral or sc_bv<W>");
  static constexpr std::size_t bytes = sizeof(T);
  static T decode(const std::uint8_t* p) {
    T v{};
    std::memcpy(&v, p, sizeof(T));
    return v;
  }
  static void encode(const T& v, std::uint8_t* p) { std::memcpy(p, &v, sizeof(T)); }
};

template <int W>
struct BeatCodec<sc_dt::sc_bv<W>> {
  static constexpr std::size_t bytes = (W + 7) / 8;
  static sc_dt::sc_bv<W> decode(const std::uint8_t* p) {
    sc_dt::sc_bv<W> v;
    for (int b = 0; b < W; b += 8) {
      const int hi = b + 7 < W ? b + 7 : W - 1;
      v.range(hi, b) = p[b / 8];
    }
    return v;
  }
  static void encode(const sc_dt::sc_bv<W>& v, std::uint8_t* p) {
    for (int b = 0; b < W; b += 8) {
      const int hi = b + 7 < W ? b + 7 : W - 1;
      p[b / 8] = static_cast<std::uint8_t>(v.range(hi, b).to_uint());
    }
  }
};

template <typename T>
constexpr std::size_t beat_bytes() {
  return BeatCodec<T>::bytes;
}

}  // namespace savp::cosim
