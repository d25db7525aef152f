#include "models/common/model_reference.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace savp::common {

namespace {

void require_shape(const MatrixD& m, std::uint64_t rows, std::uint64_t cols, const char* name) {
  if (m.rows() != rows || m.cols() != cols) {
    throw std::invalid_argument(std::string("ModelReference: weight ") + name + " is " +
                                std::to_string(m.rows()) + " x " + std::to_string(m.cols()) +
                                ", the model needs " + std::to_string(rows) + " x " + std::to_string(cols));
  }
}

void require_size(const std::vector<double>& v, std::uint64_t n, const char* name) {
  if (v.size() != n)
    throw std::invalid_argument(std::string("ModelReference: ") + name + " of the wrong size");
}

// Rows first .. first+n-1 and columns c0 .. c0+w-1 of m.
MatrixD block(const MatrixD& m, std::size_t first, std::size_t n, std::size_t c0, std::size_t w) {
  MatrixD out(n, w);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < w; ++c) out(r, c) = m(first + r, c0 + c);
  }
  return out;
}

// `rows` appended below `m` (a new matrix: the cache grows by a copy per pass).
MatrixD append_rows(const MatrixD& m, const MatrixD& rows) {
  MatrixD out(m.rows() + rows.rows(), rows.cols());
  std::copy(m.data().begin(), m.data().end(), out.data().begin());
  std::copy(rows.data().begin(), rows.data().end(),
            out.data().begin() + static_cast<std::ptrdiff_t>(m.size()));
  return out;
}

}  // namespace

ModelReference::ModelReference(const ModelSpec& spec, const ModelWeights& weights, std::uint64_t batch)
    : spec_(spec), weights_(weights), batch_(batch) {
  if (batch == 0) throw std::invalid_argument("ModelReference: batch 0");
  if (weights.layers.size() != spec.layers)
    throw std::invalid_argument("ModelReference: one weight set per layer");
  for (const LayerWeights& w : weights.layers) {
    const std::uint64_t q = spec.heads * spec.head_dim, kv = spec.kv_heads * spec.head_dim;
    require_shape(w.wq, spec.hidden, q, "wq");
    require_shape(w.wk, spec.hidden, kv, "wk");
    require_shape(w.wv, spec.hidden, kv, "wv");
    require_shape(w.wo, q, spec.hidden, "wo");
    require_shape(w.w_up, spec.hidden, spec.ffn_hidden, "w_up");
    if (spec.ffn == ModelSpec::Ffn::Swiglu) require_shape(w.w_gate, spec.hidden, spec.ffn_hidden, "w_gate");
    require_shape(w.w_down, spec.ffn_hidden, spec.hidden, "w_down");
    require_size(w.norm1_gamma, spec.hidden, "norm1_gamma");
    require_size(w.norm2_gamma, spec.hidden, "norm2_gamma");
    if (spec.norm == ModelSpec::Norm::LayerNorm) {
      require_size(w.norm1_beta, spec.hidden, "norm1_beta");
      require_size(w.norm2_beta, spec.hidden, "norm2_beta");
    }
  }
  const std::size_t n = spec.layers * batch * spec.kv_heads;
  k_.assign(n, MatrixD(0, spec.head_dim));
  v_.assign(n, MatrixD(0, spec.head_dim));
}

std::size_t ModelReference::cache_index(std::uint64_t layer, std::uint64_t sequence,
                                        std::uint64_t kv_head) const {
  if (layer >= spec_.layers || sequence >= batch_ || kv_head >= spec_.kv_heads) {
    throw std::out_of_range("ModelReference: no such cache");
  }
  return (layer * batch_ + sequence) * spec_.kv_heads + kv_head;
}

const MatrixD& ModelReference::k_cache(std::uint64_t layer, std::uint64_t sequence,
                                       std::uint64_t kv_head) const {
  return k_[cache_index(layer, sequence, kv_head)];
}

const MatrixD& ModelReference::v_cache(std::uint64_t layer, std::uint64_t sequence,
                                       std::uint64_t kv_head) const {
  return v_[cache_index(layer, sequence, kv_head)];
}

MatrixD ModelReference::norm(const MatrixD& x, const std::vector<double>& gamma,
                             const std::vector<double>& beta) const {
  if (spec_.norm == ModelSpec::Norm::RmsNorm) return rmsnorm(x, gamma, spec_.norm_eps);
  return layernorm(x, gamma, beta, spec_.norm_eps);
}

std::vector<MatrixD> ModelReference::run(const MatrixD& x, std::uint64_t tokens) {
  if (tokens == 0) throw std::invalid_argument("ModelReference::run: no tokens");
  if (x.rows() != batch_ * tokens || x.cols() != spec_.hidden) {
    throw std::invalid_argument("ModelReference::run: x must be (batch x tokens) x hidden");
  }
  if (length_ + tokens > spec_.max_positions) {
    throw std::invalid_argument("ModelReference::run: past the model's max_positions");
  }
  const std::uint64_t d = spec_.head_dim, group = spec_.group();
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  std::vector<std::uint32_t> positions(x.rows());
  for (std::uint64_t r = 0; r < x.rows(); ++r)
    positions[r] = static_cast<std::uint32_t>(length_ + r % tokens);

  std::vector<MatrixD> out;
  out.reserve(spec_.layers);
  MatrixD h = x;
  for (std::uint64_t l = 0; l < spec_.layers; ++l) {
    const LayerWeights& w = weights_.layers[l];
    const bool post = spec_.norm_position == ModelSpec::NormPosition::Post;
    const MatrixD a = post ? h : norm(h, w.norm1_gamma, w.norm1_beta);
    MatrixD q = reference_gemm(a, w.wq), k = reference_gemm(a, w.wk);
    const MatrixD v = reference_gemm(a, w.wv);
    if (spec_.positions == ModelSpec::Positions::Rope) {
      q = rope(q, positions, d, spec_.rope_theta);
      k = rope(k, positions, d, spec_.rope_theta);
    }
    MatrixD o(x.rows(), spec_.heads * d);
    for (std::uint64_t s = 0; s < batch_; ++s) {
      for (std::uint64_t g = 0; g < spec_.kv_heads; ++g) {
        const std::size_t c = cache_index(l, s, g);
        k_[c] = append_rows(k_[c], block(k, s * tokens, tokens, g * d, d));
        v_[c] = append_rows(v_[c], block(v, s * tokens, tokens, g * d, d));
      }
      for (std::uint64_t hq = 0; hq < spec_.heads; ++hq) {
        const std::size_t c = cache_index(l, s, hq / group);
        const MatrixD qh = block(q, s * tokens, tokens, hq * d, d);
        const MatrixD oh = attention_
                               ? attention_(qh, k_[c], v_[c], length_)
                               : reference_attention(qh, k_[c], v_[c], spec_.attention, scale, length_);
        for (std::uint64_t t = 0; t < tokens; ++t) {
          for (std::uint64_t j = 0; j < d; ++j) o(s * tokens + t, hq * d + j) = oh(t, j);
        }
      }
    }
    h = add(h, reference_gemm(o, w.wo));
    if (post) h = norm(h, w.norm1_gamma, w.norm1_beta);
    const MatrixD b = post ? h : norm(h, w.norm2_gamma, w.norm2_beta);
    const MatrixD up = reference_gemm(b, w.w_up);
    const MatrixD act =
        spec_.ffn == ModelSpec::Ffn::Swiglu ? silu_mul(reference_gemm(b, w.w_gate), up) : gelu(up);
    h = add(h, reference_gemm(act, w.w_down));
    if (post) h = norm(h, w.norm2_gamma, w.norm2_beta);
    out.push_back(h);
  }
  length_ += tokens;
  return out;
}

}  // namespace savp::common
