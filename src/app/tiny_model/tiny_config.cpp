#include "app/tiny_model/tiny_config.h"

namespace slipway::app {
namespace {

using engine::Architecture;
using engine::ModelConfig;
using engine::RopeScaling;

const char* class_name(Architecture architecture) {
  switch (architecture) {
    case Architecture::Llama:
      return "LlamaForCausalLM";
    case Architecture::Mistral:
      return "MistralForCausalLM";
    case Architecture::Qwen2:
      return "Qwen2ForCausalLM";
    case Architecture::Qwen3:
      return "Qwen3ForCausalLM";
  }
  return "";
}

const char* model_type(Architecture architecture) {
  switch (architecture) {
    case Architecture::Llama:
      return "llama";
    case Architecture::Mistral:
      return "mistral";
    case Architecture::Qwen2:
      return "qwen2";
    case Architecture::Qwen3:
      return "qwen3";
  }
  return "";
}

// Shapes only; what differs between architectures is applied afterwards.
ModelConfig preset_shapes(TinyPreset preset, const TokenIds& tokens) {
  ModelConfig c;
  switch (preset) {
    case TinyPreset::Tiny:
      c.vocab_size = tokens.vocab_size;  // every id decodes
      c.hidden_size = 64;
      c.intermediate_size = 176;
      c.num_hidden_layers = 4;
      c.num_attention_heads = 4;
      c.num_key_value_heads = 2;
      c.head_dim = 16;
      c.max_position_embeddings = 4096;
      c.rope_theta = 10000.0;
      break;
    case TinyPreset::Smol135:
      c.vocab_size = 49152;
      c.hidden_size = 576;
      c.intermediate_size = 1536;
      c.num_hidden_layers = 30;
      c.num_attention_heads = 9;
      c.num_key_value_heads = 3;
      c.head_dim = 64;
      c.max_position_embeddings = 8192;
      c.rope_theta = 100000.0;
      c.tie_word_embeddings = true;
      break;
    case TinyPreset::Llama1b:
      c.vocab_size = 128256;
      c.hidden_size = 2048;
      c.intermediate_size = 8192;
      c.num_hidden_layers = 16;
      c.num_attention_heads = 32;
      c.num_key_value_heads = 8;
      c.head_dim = 64;
      c.max_position_embeddings = 131072;
      c.rope_theta = 500000.0;
      c.tie_word_embeddings = true;
      break;
  }
  return c;
}

}  // namespace

ModelConfig tiny_model_config(Architecture architecture, TinyPreset preset,
                              const TokenIds& tokens) {
  ModelConfig c = preset_shapes(preset, tokens);
  c.architecture = architecture;
  c.architecture_name = class_name(architecture);
  c.model_type = model_type(architecture);
  c.bos_token_id = tokens.begin_of_text;
  c.eos_token_ids = {tokens.end_of_text, tokens.eot};
  c.rms_norm_eps =
      architecture == Architecture::Llama || architecture == Architecture::Mistral ? 1e-5 : 1e-6;
  bool tiny = preset == TinyPreset::Tiny;
  switch (architecture) {
    case Architecture::Llama:
      c.rope_scaling.type = RopeScaling::Type::Llama3;
      if (tiny) {
        // Small enough that positions past 256 exercise the scaled frequencies.
        c.rope_theta = 500000.0;
        c.rope_scaling.factor = 8.0;
        c.rope_scaling.original_max_position_embeddings = 256;
      } else if (preset == TinyPreset::Llama1b) {
        c.rope_scaling.factor = 32.0;
        c.rope_scaling.original_max_position_embeddings = 8192;
      } else {
        c.rope_scaling = {};  // SmolLM2 has no rope scaling
      }
      c.rope_scaling.low_freq_factor = 1.0;
      c.rope_scaling.high_freq_factor = 4.0;
      break;
    case Architecture::Mistral:
      if (tiny) c.rope_theta = 1000000.0;
      break;
    case Architecture::Qwen2:
      c.attention_bias = true;
      if (tiny) {
        c.rope_theta = 1000000.0;
        c.tie_word_embeddings = true;
      }
      break;
    case Architecture::Qwen3:
      c.qk_norm = true;
      if (tiny) {
        c.rope_theta = 1000000.0;
        c.tie_word_embeddings = true;
        c.head_dim = 32;  // like Qwen3-0.6B, wider than hidden_size / heads
      }
      break;
  }
  return c;
}

nlohmann::ordered_json config_json(const ModelConfig& c, engine::DType dtype) {
  nlohmann::ordered_json j;
  j["architectures"] = {c.architecture_name};
  j["model_type"] = c.model_type;
  if (c.architecture == Architecture::Llama || c.architecture == Architecture::Qwen3) {
    j["attention_bias"] = c.attention_bias;
  }
  j["attention_dropout"] = 0.0;
  j["bos_token_id"] = c.bos_token_id.value_or(0);
  j["eos_token_id"] = c.eos_token_ids;
  // Qwen2's config has no head_dim key; it is always hidden_size / heads there.
  if (c.architecture != Architecture::Qwen2) j["head_dim"] = c.head_dim;
  j["hidden_act"] = "silu";
  j["hidden_size"] = c.hidden_size;
  j["initializer_range"] = 0.02;
  j["intermediate_size"] = c.intermediate_size;
  j["max_position_embeddings"] = c.max_position_embeddings;
  if (c.architecture == Architecture::Llama) j["mlp_bias"] = false;
  j["num_attention_heads"] = c.num_attention_heads;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_key_value_heads"] = c.num_key_value_heads;
  j["rms_norm_eps"] = c.rms_norm_eps;
  switch (c.rope_scaling.type) {
    case RopeScaling::Type::None:
      j["rope_scaling"] = nullptr;
      break;
    case RopeScaling::Type::Linear:
      j["rope_scaling"] = {{"factor", c.rope_scaling.factor}, {"rope_type", "linear"}};
      break;
    case RopeScaling::Type::Llama3:
      j["rope_scaling"] = {
          {"factor", c.rope_scaling.factor},
          {"high_freq_factor", c.rope_scaling.high_freq_factor},
          {"low_freq_factor", c.rope_scaling.low_freq_factor},
          {"original_max_position_embeddings", c.rope_scaling.original_max_position_embeddings},
          {"rope_type", "llama3"}};
      break;
  }
  j["rope_theta"] = c.rope_theta;
  if (c.architecture == Architecture::Mistral) {
    j["sliding_window"] = nullptr;  // full attention, as Mistral 7B v0.3
  } else if (c.architecture != Architecture::Llama) {
    j["sliding_window"] = nullptr;
    j["use_sliding_window"] = false;
  }
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  switch (dtype) {
    case engine::DType::F32:
      j["torch_dtype"] = "float32";
      break;
    case engine::DType::F16:
      j["torch_dtype"] = "float16";
      break;
    case engine::DType::BF16:
      j["torch_dtype"] = "bfloat16";
      break;
  }
  j["transformers_version"] = "4.51.0";
  j["use_cache"] = true;
  j["vocab_size"] = c.vocab_size;
  return j;
}

}  // namespace slipway::app
