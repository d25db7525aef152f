// Chunked linear attention (CHELA's hardware-efficient form, ../reference/chela.md) and its
// recurrent reference, in a scalar type T (float: the engine's fp32 accumulators; double: the
// reference). For chunk t of B tokens, with phi the feature map and V' = [V | 1] when normalising:
//   causal:     A_t = mask(phi(Q_t) phi(K_t)^T) V'_t + phi(Q_t) S_{t-1},  S_t = S_{t-1} + phi(K_t)^T V'_t
//   non-causal: S = sum_t phi(K_t)^T V'_t first, then A_t = phi(Q_t) S
//   o = A[:, :dv] / A[:, dv] when normalising, else A.
// The recurrent form o_i = phi(q_i) sum_{s<=i} phi(k_s)^T v'_s (all s when non-causal) is the
// same function; they differ only in rounding.
#pragma once

#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "models/chela/chela_config.hpp"

namespace savp::chela {

template <typename T>
T feature(T x, FeatureMap f) {
  if (f == FeatureMap::None) return x;
  return x > T(0) ? x + T(1) : std::exp(x);  // elu(x) + 1
}

template <typename T>
class ChunkedLinearAttention {
 public:
  ChunkedLinearAttention(std::size_t d, std::size_t dv, FeatureMap fmap, bool normalise)
      : d_(d), dv_(dv), dw_(dv + (normalise ? 1 : 0)), fmap_(fmap), norm_(normalise), state_(d * dw_, T(0)) {}

  std::size_t state_cols() const { return dw_; }
  const std::vector<T>& state() const { return state_; }
  // The d x (d_v + 1) state carried in from memory (a model's earlier pass).
  void set_state(std::vector<T> s) { state_ = std::move(s); }

  // S += phi(K_c)^T V'_c over n tokens (k: n x d, v: n x dv, row-major).
  void update_state(const T* k, const T* v, std::size_t n) {
    features(k, n, kf_);
    for (std::size_t a = 0; a < d_; ++a) {
      T* s = &state_[a * dw_];
      for (std::size_t j = 0; j < n; ++j) {
        const T ka = kf_[j * d_ + a];
        for (std::size_t c = 0; c < dv_; ++c) s[c] += ka * v[j * dv_ + c];
        if (norm_) s[dv_] += ka;
      }
    }
  }

  // Output rows of one chunk: inter-chunk term from the state, plus (causal) the masked
  // intra-chunk term; with causal and `update` the state then absorbs the chunk (query heads that
  // share one K/V head's state take their outputs first, then one update). out: n x dv.
  void output_chunk(const T* q, const T* k, const T* v, std::size_t n, bool causal, T* out,
                    bool update = true) {
    features(q, n, qf_);
    acc_.assign(n * dw_, T(0));
    for (std::size_t i = 0; i < n; ++i) {  // phi(Q) S
      T* o = &acc_[i * dw_];
      for (std::size_t a = 0; a < d_; ++a) {
        const T qa = qf_[i * d_ + a];
        const T* s = &state_[a * dw_];
        for (std::size_t c = 0; c < dw_; ++c) o[c] += qa * s[c];
      }
    }
    if (causal) {
      features(k, n, kf_);
      for (std::size_t i = 0; i < n; ++i) {
        T* o = &acc_[i * dw_];
        for (std::size_t j = 0; j <= i; ++j) {
          T p = T(0);
          for (std::size_t a = 0; a < d_; ++a) p += qf_[i * d_ + a] * kf_[j * d_ + a];
          for (std::size_t c = 0; c < dv_; ++c) o[c] += p * v[j * dv_ + c];
          if (norm_) o[dv_] += p;
        }
      }
      if (update) update_state(k, v, n);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const T* o = &acc_[i * dw_];
      const T inv = norm_ ? T(1) / o[dv_] : T(1);
      for (std::size_t c = 0; c < dv_; ++c) out[i * dv_ + c] = norm_ ? o[c] * inv : o[c];
    }
  }

 private:
  void features(const T* x, std::size_t n, std::vector<T>& out) const {
    out.resize(n * d_);
    for (std::size_t i = 0; i < n * d_; ++i) out[i] = feature(x[i], fmap_);
  }

  std::size_t d_, dv_, dw_;
  FeatureMap fmap_;
  bool norm_;
  std::vector<T> state_, qf_, kf_, acc_;
};

// The recurrent form in double: o_i = phi(q_i) sum_{s <= i} phi(k_s)^T v'_s (all s when not
// causal), normalised by phi(q_i) . sum phi(k_s). q, k: L x d; v: L x dv; returns L x dv.
// Query rows at absolute positions offset .. offset + n - 1 (q: n x d) against keys 0 .. keys - 1
// (k: keys x d, v: keys x dv): a query sees the keys up to its own position when causal, all of
// them otherwise (the model reference's linear attention over a cache; returns n x dv).
std::vector<double> recurrent_linear_attention_rows(const double* q, std::size_t n, std::size_t offset,
                                                    const double* k, const double* v, std::size_t keys,
                                                    std::size_t d, std::size_t dv, bool causal,
                                                    FeatureMap fmap, bool normalise);
std::vector<double> recurrent_linear_attention(const std::vector<double>& q, const std::vector<double>& k,
                                               const std::vector<double>& v, std::size_t L, std::size_t d,
                                               std::size_t dv, bool causal, FeatureMap fmap, bool normalise);

}  // namespace savp::chela
