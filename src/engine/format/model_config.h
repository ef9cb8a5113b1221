#pragma once
// config.json of a Llama-family Hugging Face model (Llama, Mistral, Qwen2, Qwen3) and the
// defaults in generation_config.json.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace slipway::engine {

enum class Architecture { Llama, Mistral, Qwen2, Qwen3 };

struct RopeScaling {
  enum class Type { None, Linear, Llama3 };
  Type type = Type::None;
  double factor = 1.0;
  // llama3 only
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int64_t original_max_position_embeddings = 8192;
};

struct ModelConfig {
  Architecture architecture = Architecture::Llama;
  std::string architecture_name;  // as written in config.json, e.g. "LlamaForCausalLM"
  std::string model_type;         // "llama", "mistral", "qwen2", "qwen3"
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;  // defaults to num_attention_heads
  int64_t head_dim = 0;             // defaults to hidden_size / num_attention_heads
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  int64_t max_position_embeddings = 2048;
  bool tie_word_embeddings = false;
  bool attention_bias = false;  // q/k/v biases (Qwen2 always; Llama when attention_bias=true)
  bool qk_norm = false;         // per-head RMSNorm of q and k before RoPE (Qwen3)
  // A query attends to the last sliding_window positions only (Mistral; Qwen when
  // use_sliding_window), in layers from sliding_window_first_layer on (Qwen's
  // max_window_layers, 28 when absent as in transformers).
  std::optional<int64_t> sliding_window;
  int64_t sliding_window_first_layer = 0;
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;  // config.json's eos_token_id, int or list
  std::string torch_dtype;             // informational
};

struct GenerationDefaults {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int64_t> top_k;
  std::optional<double> min_p;
  std::optional<double> repetition_penalty;
  std::optional<int64_t> max_new_tokens;
  std::optional<bool> do_sample;
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;  // generation_config.json's eos_token_id, int or list
};

// Parse and validate; errors are FormatError naming the path.
ModelConfig parse_model_config(const std::string& json_text, const std::filesystem::path& source);
ModelConfig load_model_config(const std::filesystem::path& folder);  // folder/config.json
GenerationDefaults parse_generation_defaults(const std::string& json_text,
                                             const std::filesystem::path& source);
// folder/generation_config.json; an absent file gives empty defaults.
GenerationDefaults load_generation_defaults(const std::filesystem::path& folder);

}  // namespace slipway::engine
