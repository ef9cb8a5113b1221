#include "engine/model.h"

#include <string>

#include "engine/format/format_error.h"
#include "engine/kernels/simd.h"
#include "engine/model_weights.h"

namespace slipway::engine {
namespace {

kernels::WeightMatrix matrix(const WeightSet& files, const std::string& name, int64_t rows,
                             int64_t cols) {
  const TensorView& t = files.get(name, {rows, cols});
  return {t.dtype, t.data, rows, cols};
}

std::vector<float> vector_f32(const TensorView& t) {
  std::vector<float> out(static_cast<std::size_t>(t.numel()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    switch (t.dtype) {
      case DType::F32:
        out[i] = t.as<float>()[i];
        break;
      case DType::F16:
        out[i] = kernels::simd::f16_to_f32(t.as<uint16_t>()[i]);
        break;
      case DType::BF16:
        out[i] = kernels::simd::bf16_to_f32(t.as<uint16_t>()[i]);
        break;
    }
  }
  return out;
}

std::vector<float> vector_f32(const WeightSet& files, const std::string& name, int64_t size) {
  return vector_f32(files.get(name, {size}));
}

std::vector<float> optional_vector(const WeightSet& files, const std::string& name, int64_t size) {
  return files.find(name) ? vector_f32(files, name, size) : std::vector<float>{};
}

void bind(const ModelConfig& c, ModelWeights& w) {
  const WeightSet& f = w.files;
  const int64_t hidden = c.hidden_size;
  const int64_t q_width = c.num_attention_heads * c.head_dim;
  const int64_t kv_width = c.num_key_value_heads * c.head_dim;
  w.embed_tokens = matrix(f, "model.embed_tokens.weight", c.vocab_size, hidden);
  // Tied models use the embeddings even when a (possibly stale) lm_head.weight is stored, as
  // transformers ties them on load.
  w.lm_head =
      c.tie_word_embeddings ? w.embed_tokens : matrix(f, "lm_head.weight", c.vocab_size, hidden);
  w.final_norm = vector_f32(f, "model.norm.weight", hidden);
  const bool qkv_bias = c.attention_bias || c.architecture == Architecture::Qwen2;
  w.layers.resize(static_cast<std::size_t>(c.num_hidden_layers));
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    LayerWeights& l = w.layers[static_cast<std::size_t>(i)];
    l.input_norm = vector_f32(f, p + "input_layernorm.weight", hidden);
    l.post_attention_norm = vector_f32(f, p + "post_attention_layernorm.weight", hidden);
    l.q = matrix(f, p + "self_attn.q_proj.weight", q_width, hidden);
    l.k = matrix(f, p + "self_attn.k_proj.weight", kv_width, hidden);
    l.v = matrix(f, p + "self_attn.v_proj.weight", kv_width, hidden);
    l.o = matrix(f, p + "self_attn.o_proj.weight", hidden, q_width);
    if (qkv_bias) {
      l.q_bias = vector_f32(f, p + "self_attn.q_proj.bias", q_width);
      l.k_bias = vector_f32(f, p + "self_attn.k_proj.bias", kv_width);
      l.v_bias = vector_f32(f, p + "self_attn.v_proj.bias", kv_width);
    }
    l.o_bias = optional_vector(f, p + "self_attn.o_proj.bias", hidden);
    if (c.qk_norm) {
      l.q_norm = vector_f32(f, p + "self_attn.q_norm.weight", c.head_dim);
      l.k_norm = vector_f32(f, p + "self_attn.k_norm.weight", c.head_dim);
    }
    l.gate = matrix(f, p + "mlp.gate_proj.weight", c.intermediate_size, hidden);
    l.up = matrix(f, p + "mlp.up_proj.weight", c.intermediate_size, hidden);
    l.down = matrix(f, p + "mlp.down_proj.weight", hidden, c.intermediate_size);
  }
}

}  // namespace

std::shared_ptr<const Model> Model::load(const std::filesystem::path& folder) {
  std::shared_ptr<Model> model(new Model());
  model->folder_ = folder;
  model->config_ = load_model_config(folder);
  model->generation_defaults_ = load_generation_defaults(folder);
  model->weights_ = std::make_unique<ModelWeights>();
  model->weights_->files = WeightSet::open_folder(folder);
  bind(model->config_, *model->weights_);
  return model;
}

Model::~Model() = default;

}  // namespace slipway::engine
