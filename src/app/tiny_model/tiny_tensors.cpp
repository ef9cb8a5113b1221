#include "app/tiny_model/tiny_tensors.h"

#include <cmath>

namespace slipway::app {
namespace {

// Scaled by fan-in so activations and logits keep a useful spread at every preset size
// (about 0.02 at real model widths, larger in the tiny preset).
TensorInit matrix(int64_t fan_in) {
  return {TensorInit::Kind::Normal,
          static_cast<float>(0.7 / std::sqrt(static_cast<double>(fan_in)))};
}
constexpr TensorInit kNorm{TensorInit::Kind::NearOne, 0.05f};
constexpr TensorInit kBias{TensorInit::Kind::Normal, 0.02f};

}  // namespace

std::vector<PlannedTensor> plan_tensors(const engine::ModelConfig& c, engine::DType dtype) {
  std::vector<PlannedTensor> out;
  auto add = [&](std::string name, std::vector<int64_t> shape, TensorInit init) {
    out.push_back({{std::move(name), dtype, std::move(shape)}, init});
  };
  const int64_t hidden = c.hidden_size;
  const int64_t q_width = c.num_attention_heads * c.head_dim;
  const int64_t kv_width = c.num_key_value_heads * c.head_dim;
  // Embedding rows of RMS about 1 / sqrt(hidden): tied logits then spread by about 1.
  add("model.embed_tokens.weight", {c.vocab_size, hidden}, matrix(hidden));
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer) {
    std::string p = "model.layers." + std::to_string(layer) + ".";
    add(p + "input_layernorm.weight", {hidden}, kNorm);
    add(p + "post_attention_layernorm.weight", {hidden}, kNorm);
    add(p + "self_attn.q_proj.weight", {q_width, hidden}, matrix(hidden));
    add(p + "self_attn.k_proj.weight", {kv_width, hidden}, matrix(hidden));
    add(p + "self_attn.v_proj.weight", {kv_width, hidden}, matrix(hidden));
    add(p + "self_attn.o_proj.weight", {hidden, q_width}, matrix(q_width));
    if (c.attention_bias) {
      add(p + "self_attn.q_proj.bias", {q_width}, kBias);
      add(p + "self_attn.k_proj.bias", {kv_width}, kBias);
      add(p + "self_attn.v_proj.bias", {kv_width}, kBias);
    }
    if (c.qk_norm) {
      add(p + "self_attn.q_norm.weight", {c.head_dim}, kNorm);
      add(p + "self_attn.k_norm.weight", {c.head_dim}, kNorm);
    }
    add(p + "mlp.gate_proj.weight", {c.intermediate_size, hidden}, matrix(hidden));
    add(p + "mlp.up_proj.weight", {c.intermediate_size, hidden}, matrix(hidden));
    add(p + "mlp.down_proj.weight", {hidden, c.intermediate_size}, matrix(c.intermediate_size));
  }
  add("model.norm.weight", {hidden}, kNorm);
  if (!c.tie_word_embeddings) add("lm_head.weight", {c.vocab_size, hidden}, matrix(hidden));
  return out;
}

}  // namespace slipway::app
