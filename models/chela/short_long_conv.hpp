// CHELA's short-long convolution branch (../reference/chela.md), depthwise over the channels of
// the value stream, causal, in a scalar type T (float in the engine, double in the reference):
//   s = short_conv(v)  (kernel of ks taps per channel),  u = SiLU(s),
//   z = long_conv(u)   (kernel of Lk taps per channel, Lk up to the sequence length),
//   o = sigmoid(z) * a + v   (output gate on the attention output a, and the residual).
// The long convolution runs direct (z_t = sum_j h_j u_{t-j}) or by FFT (per channel, size the
// next power of two >= L + Lk - 1, so the circular convolution equals the linear one).
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace savp::chela {

template <typename T>
T silu(T x) {
  return x / (T(1) + std::exp(-x));
}
template <typename T>
T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

// Streaming short convolution + SiLU: chunks in order; keeps the last ks - 1 rows as history.
template <typename T>
class ShortConvSilu {
 public:
  // w: dv x ks, channel-major (w[c * ks + j] multiplies v_{t-j}).
  ShortConvSilu(std::size_t dv, std::size_t ks, std::vector<T> w) : dv_(dv), ks_(ks), w_(std::move(w)) {}
  void reset() { hist_.clear(); }
  // v: n x dv rows following the previous call's; u: n x dv.
  void apply(const T* v, std::size_t n, T* u) {
    const std::size_t h = hist_.size() / dv_;
    auto at = [&](std::ptrdiff_t r, std::size_t c) -> T {  // row r of [history; v]
      return r < 0 ? T(0) : static_cast<std::size_t>(r) < h ? hist_[r * dv_ + c] : v[(r - h) * dv_ + c];
    };
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t c = 0; c < dv_; ++c) {
        T s = T(0);
        for (std::size_t j = 0; j < ks_; ++j) s += w_[c * ks_ + j] * at(static_cast<std::ptrdiff_t>(h + i) - j, c);
        u[i * dv_ + c] = silu(s);
      }
    }
    std::vector<T> next;
    const std::size_t keep = ks_ - 1, total = h + n, from = total > keep ? total - keep : 0;
    for (std::size_t r = from; r < total; ++r)
      for (std::size_t c = 0; c < dv_; ++c) next.push_back(at(static_cast<std::ptrdiff_t>(r), c));
    hist_ = std::move(next);
  }

 private:
  std::size_t dv_, ks_;
  std::vector<T> w_, hist_;
};

// Direct long convolution of rows [t0, t0 + n): u holds rows 0 .. t0 + n - 1 (row-major, dv
// wide); h: dv x lk channel-major; z: n x dv.
template <typename T>
void long_conv_direct(const T* u, std::size_t dv, const T* h, std::size_t lk, std::size_t t0, std::size_t n, T* z) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t t = t0 + i;
    const std::size_t taps = std::min(lk, t + 1);
    for (std::size_t c = 0; c < dv; ++c) {
      T acc = T(0);
      for (std::size_t j = 0; j < taps; ++j) acc += h[c * lk + j] * u[(t - j) * dv + c];
      z[i * dv + c] = acc;
    }
  }
}

inline std::uint64_t fft_size(std::uint64_t L, std::uint64_t lk) {
  std::uint64_t n = 1;
  while (n < L + lk - 1) n <<= 1;
  return n;
}

// In-place iterative radix-2 FFT (inverse when `inverse`, unscaled); a.size() a power of two.
template <typename T>
void fft(std::vector<std::complex<T>>& a, bool inverse) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  const double pi = 3.14159265358979323846;
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double ang = 2 * pi / static_cast<double>(len) * (inverse ? 1 : -1);
    for (std::size_t k = 0; k < len / 2; ++k) {
      const std::complex<T> w(static_cast<T>(std::cos(ang * k)), static_cast<T>(std::sin(ang * k)));
      for (std::size_t i = 0; i < n; i += len) {
        const std::complex<T> x = a[i + k], y = a[i + k + len / 2] * w;
        a[i + k] = x + y;
        a[i + k + len / 2] = x - y;
      }
    }
  }
}

// One channel's causal long convolution by FFT: u (L values), h (lk taps) -> z (L values).
template <typename T>
void long_conv_fft(const T* u, std::size_t L, const T* h, std::size_t lk, T* z) {
  const std::size_t n = fft_size(L, lk);
  std::vector<std::complex<T>> fu(n), fh(n);
  for (std::size_t i = 0; i < L; ++i) fu[i] = u[i];
  for (std::size_t i = 0; i < lk; ++i) fh[i] = h[i];
  fft(fu, false);
  fft(fh, false);
  for (std::size_t i = 0; i < n; ++i) fu[i] *= fh[i];
  fft(fu, true);
  const T scale = T(1) / static_cast<T>(n);
  for (std::size_t i = 0; i < L; ++i) z[i] = fu[i].real() * scale;
}

}  // namespace savp::chela
