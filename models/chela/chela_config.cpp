#include "models/chela/chela_config.hpp"

#include "models/dense/dense_config.hpp"

namespace savp::chela {

ChelaConfig ChelaConfig::parse(common::JsonNode node) {
  ChelaConfig c;
  node.get_choice("type", {"chela"});
  c.name = node.get_string("name", c.name);
  c.clock_mhz = node.get_number_in("clock_mhz", c.clock_mhz, 1, 100000);
  c.array = dense::parse_array_shape(node, c.array);
  c.chunk = static_cast<std::uint32_t>(node.get_int("chunk", c.chunk, 1, 1 << 16));
  if (node.has("datapath")) {
    common::JsonNode d = node.object_at("datapath");
    c.format = d.get_choice("format", {"fp32", "fp16"}, "fp16") == "fp32" ? common::ElemFormat::FP32
                                                                          : common::ElemFormat::FP16;
    d.finish();
  }
  c.feature_map = node.get_choice("feature_map", {"none", "elu1"}, "elu1") == "none" ? FeatureMap::None
                                                                                    : FeatureMap::Elu1;
  c.normalise = node.get_bool("normalise", c.normalise);
  if (c.normalise && c.feature_map == FeatureMap::None) {
    // Normalising divides by phi(q) . sum phi(k); without a positive feature map that is q . sum k,
    // which changes sign and comes arbitrarily close to zero: the weights are no average and the
    // output is ill-conditioned (no datapath can match the reference). Not a configuration.
    node.child("feature_map")
        .fail("feature_map \"none\" cannot be normalised: the denominator q . sum k of unmapped features changes "
              "sign and comes arbitrarily close to zero, so the normalised output is no weighted average and is "
              "ill-conditioned; use feature_map \"elu1\" (positive) or set normalise false");
  }
  if (node.has("vector_unit")) {
    common::JsonNode v = node.object_at("vector_unit");
    c.vector_lanes = static_cast<std::uint32_t>(v.get_int("lanes", c.vector_lanes, 1, 65536));
    c.vector_pipeline_cycles = static_cast<std::uint32_t>(v.get_int("pipeline_cycles", c.vector_pipeline_cycles, 0, 1000));
    v.finish();
  }
  if (node.has("conv")) {
    common::JsonNode v = node.object_at("conv");
    c.conv_enabled = v.get_bool("enabled", c.conv_enabled);
    c.short_kernel = static_cast<std::uint32_t>(v.get_int("short_kernel", c.short_kernel, 1, 64));
    c.long_kernel = static_cast<std::uint32_t>(v.get_int("long_kernel", c.long_kernel, 0, 1 << 24));
    c.conv_mode = v.get_choice("mode", {"direct", "fft"}, "fft") == "direct" ? LongConvMode::Direct : LongConvMode::Fft;
    c.fft_butterflies = static_cast<std::uint32_t>(v.get_int("fft_butterflies", c.fft_butterflies, 1, 4096));
    v.finish();
  }
  if (node.has("buffers")) {
    common::JsonNode b = node.object_at("buffers");
    const std::int64_t max_kib = 1 << 20;  // 1 GiB
    c.stream_tokens = static_cast<std::uint32_t>(b.get_int("stream_tokens", c.stream_tokens, 1, 1 << 20));
    c.state_bytes = static_cast<std::uint64_t>(b.get_int("state_kib", 32, 1, max_kib)) * 1024;
    c.work_bytes = static_cast<std::uint64_t>(b.get_int("work_kib", 64, 1, max_kib)) * 1024;
    c.conv_bytes = static_cast<std::uint64_t>(b.get_int("conv_kib", 2048, 1, max_kib)) * 1024;
    if (c.stream_tokens % c.chunk != 0 || c.stream_tokens < 2 * c.chunk) {
      b.child("stream_tokens")
          .fail("the stream buffer holds whole chunks, at least two (double buffering): expected a multiple of "
                "chunk = " + std::to_string(c.chunk) + " of at least " + std::to_string(2 * c.chunk) +
                ", found " + std::to_string(c.stream_tokens));
    }
    b.finish();
  } else if (c.stream_tokens % c.chunk != 0 || c.stream_tokens < 2 * c.chunk) {
    node.child("chunk").fail("chunk = " + std::to_string(c.chunk) + " does not divide the stream buffer of " +
                             std::to_string(c.stream_tokens) +
                             " tokens into at least two whole chunks (set buffers.stream_tokens)");
  }
  if (node.has("dma")) c.dma = common::DmaSpec::parse(node.object_at("dma"), c.dma);
  c.tolerance_rel_l2 = node.get_number_in("tolerance_rel_l2", c.tolerance_rel_l2, 0.0, 10.0);
  node.finish();
  return c;
}

}  // namespace savp::chela
