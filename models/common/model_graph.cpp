#include "models/common/model_graph.hpp"

#include <algorithm>

namespace savp::common {

double ModelGraph::flops() const {
  double f = 0;
  for (const ModelOp& op : ops) f += op.flops;
  return f;
}

double mean_visible_keys(const AttentionPattern& p, std::uint64_t q_len, std::uint64_t kv_len) {
  if (q_len == 0 || kv_len == 0) return 0;
  const double first = static_cast<double>(kv_len - q_len);  // keys before the first new query
  double sum = 0;
  // Per query i (position first + i): causal sees positions <= its own; a window caps the span.
  for (std::uint64_t i = 0; i < q_len; ++i) {
    const double pos = first + static_cast<double>(i);
    double seen = p.causal ? pos + 1 : static_cast<double>(kv_len);
    if (p.window) {
      const double span = static_cast<double>(p.window) * static_cast<double>(p.dilation);
      const double reach = p.causal ? span : span + 1;
      seen = std::min(seen, reach / static_cast<double>(p.dilation));
    }
    sum += seen + (p.window ? static_cast<double>(p.global_tokens.size()) : 0.0);
  }
  return std::min(static_cast<double>(kv_len), sum / static_cast<double>(q_len));
}

ModelGraph model_graph(const ModelSpec& md, std::uint64_t batch, std::uint64_t tokens, std::uint64_t context,
                       std::uint32_t elem_bytes) {
  ModelGraph g;
  const std::uint64_t e = elem_bytes, rows = batch * tokens, kv_len = context + tokens;
  const std::uint64_t q_width = md.heads * md.head_dim, kv_width = md.kv_heads * md.head_dim;
  auto add = [&](ModelOp op, std::vector<std::size_t> deps) {
    op.deps = std::move(deps);
    g.ops.push_back(std::move(op));
    return g.ops.size() - 1;
  };
  auto gemm = [&](std::uint64_t l, const char* what, std::uint64_t n, std::uint64_t k,
                  std::vector<std::size_t> deps) {
    ModelOp op;
    op.kind = ModelOp::Kind::Gemm;
    op.name = "layer" + std::to_string(l) + "." + what;
    op.layer = l;
    op.m = rows;
    op.n = n;
    op.k = k;
    op.flops = 2.0 * static_cast<double>(rows) * static_cast<double>(n) * static_cast<double>(k);
    op.bytes_read = (rows * k + k * n) * e;
    op.bytes_written = rows * n * e;
    g.weight_bytes += k * n * e;
    return add(op, std::move(deps));
  };
  auto vec = [&](std::uint64_t l, const char* what, std::uint64_t elements, double flops_per,
                 std::uint64_t inputs, std::vector<std::size_t> deps) {
    ModelOp op;
    op.kind = ModelOp::Kind::Vector;
    op.name = "layer" + std::to_string(l) + "." + what;
    op.layer = l;
    op.elements = elements;
    op.flops = flops_per * static_cast<double>(elements);
    op.bytes_read = inputs * elements * e;
    op.bytes_written = elements * e;
    return add(op, std::move(deps));
  };
  const double keys = mean_visible_keys(md.attention, tokens, kv_len);
  std::vector<std::size_t> prev;  // the op the next layer starts after
  for (std::uint64_t l = 0; l < md.layers; ++l) {
    // Pre-norm: norm1 before the projections, norm2 before the FFN. Post-norm: norm1 after the
    // first residual, norm2 after the second (the layer's output).
    const bool post = md.norm_position == ModelSpec::NormPosition::Post;
    const double norm_flops = md.norm == ModelSpec::Norm::RmsNorm ? 4 : 5;
    const std::vector<std::size_t> in =
        post ? prev : std::vector<std::size_t>{vec(l, "norm1", rows * md.hidden, norm_flops, 1, prev)};
    const std::size_t q = gemm(l, "q_proj", q_width, md.hidden, in);
    const std::size_t k = gemm(l, "k_proj", kv_width, md.hidden, in);
    const std::size_t v = gemm(l, "v_proj", kv_width, md.hidden, in);
    std::vector<std::size_t> qk{q, k};
    if (md.positions == ModelSpec::Positions::Rope) {
      const std::size_t rq = vec(l, "rope_q", rows * q_width, 3, 1, {q});
      const std::size_t rk = vec(l, "rope_k", rows * kv_width, 3, 1, {k});
      qk = {rq, rk};
    }
    ModelOp append;
    append.kind = ModelOp::Kind::Vector;
    append.name = "layer" + std::to_string(l) + ".kv_append";
    append.layer = l;
    append.elements = 2 * rows * kv_width;
    append.bytes_read = append.elements * e;
    append.bytes_written = append.elements * e;
    const std::size_t app = add(append, {qk[1], v});
    ModelOp att;
    att.kind = ModelOp::Kind::Attention;
    att.name = "layer" + std::to_string(l) + ".attention";
    att.layer = l;
    att.q_len = tokens;
    att.kv_len = kv_len;
    // Q x K^T and P x V: 2 multiply-adds per visible key and dimension, per query head.
    att.flops =
        4.0 * static_cast<double>(batch * md.heads * tokens) * keys * static_cast<double>(md.head_dim);
    const std::uint64_t kv_read = batch * 2 * kv_width * kv_len * e;
    att.bytes_read = rows * q_width * e + kv_read;
    att.bytes_written = rows * q_width * e;
    g.kv_bytes_read += kv_read;
    g.kv_bytes_read_ungrouped += kv_read * md.group();
    const std::size_t a = add(att, {qk[0], app});
    const std::size_t o = gemm(l, "o_proj", md.hidden, q_width, {a});
    std::size_t r1 = vec(l, "residual1", rows * md.hidden, 1, 2, {o});
    if (post) r1 = vec(l, "norm1", rows * md.hidden, norm_flops, 1, {r1});
    const std::size_t norm2 = post ? r1 : vec(l, "norm2", rows * md.hidden, norm_flops, 1, {r1});
    std::size_t act;
    if (md.ffn == ModelSpec::Ffn::Swiglu) {
      const std::size_t gate = gemm(l, "ffn_gate", md.ffn_hidden, md.hidden, {norm2});
      const std::size_t up = gemm(l, "ffn_up", md.ffn_hidden, md.hidden, {norm2});
      act = vec(l, "ffn_silu_mul", rows * md.ffn_hidden, 6, 2, {gate, up});
    } else {
      const std::size_t up = gemm(l, "ffn_up", md.ffn_hidden, md.hidden, {norm2});
      act = vec(l, "ffn_gelu", rows * md.ffn_hidden, 8, 1, {up});
    }
    const std::size_t down = gemm(l, "ffn_down", md.hidden, md.ffn_hidden, {act});
    prev = {vec(l, "residual2", rows * md.hidden, 1, 2, {down, r1})};
    if (post) prev = {vec(l, "norm2", rows * md.hidden, norm_flops, 1, prev)};
  }
  g.kv_cache_bytes = md.layers * batch * 2 * kv_width * kv_len * e;
  return g;
}

}  // namespace savp::common
