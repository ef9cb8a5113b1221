#include "engine/format/model_config.h"

#include <fstream>
#include <sstream>

#include "engine/format/format_text.h"
#include "engine/format/json_fields.h"

namespace slipway::engine {
namespace {

struct KnownArchitecture {
  const char* class_name;
  const char* model_type;
  Architecture architecture;
};

constexpr KnownArchitecture kArchitectures[] = {
    {"LlamaForCausalLM", "llama", Architecture::Llama},
    {"MistralForCausalLM", "mistral", Architecture::Mistral},
    {"Qwen2ForCausalLM", "qwen2", Architecture::Qwen2},
    {"Qwen3ForCausalLM", "qwen3", Architecture::Qwen3},
};

// "architectures"[0] decides; model_type only when the list is absent or empty.
void read_architecture(const JsonFields& fields, ModelConfig& config) {
  auto model_type = fields.string("model_type");
  const auto* list = fields.find("architectures");
  if (list != nullptr && !list->is_array()) fields.fail("architectures", "expected a list");
  if (list != nullptr && !list->empty()) {
    if (!(*list)[0].is_string()) fields.fail("architectures", "expected a list of strings");
    const auto& name = (*list)[0].get_ref<const std::string&>();
    for (const auto& known : kArchitectures) {
      if (name == known.class_name) {
        config.architecture = known.architecture;
        config.architecture_name = name;
        config.model_type = model_type.value_or(known.model_type);
        return;
      }
    }
    fields.fail("architectures", "unsupported architecture " + format_text::quote_name(name));
  }
  if (!model_type) fields.fail("architectures", "missing, and no model_type either");
  for (const auto& known : kArchitectures) {
    if (*model_type == known.model_type) {
      config.architecture = known.architecture;
      config.architecture_name = known.class_name;
      config.model_type = *model_type;
      return;
    }
  }
  fields.fail("model_type", "unsupported model type " + format_text::quote_name(*model_type));
}

void read_shapes(const JsonFields& fields, ModelConfig& config) {
  config.vocab_size = fields.dimension("vocab_size");
  config.hidden_size = fields.dimension("hidden_size");
  config.intermediate_size = fields.dimension("intermediate_size");
  config.num_hidden_layers = fields.dimension("num_hidden_layers");
  config.num_attention_heads = fields.dimension("num_attention_heads");
  config.num_key_value_heads = fields.find("num_key_value_heads") != nullptr
                                   ? fields.dimension("num_key_value_heads")
                                   : config.num_attention_heads;
  if (config.num_attention_heads % config.num_key_value_heads != 0) {
    fields.fail("num_key_value_heads", std::to_string(config.num_key_value_heads) +
                                           " does not divide num_attention_heads " +
                                           std::to_string(config.num_attention_heads));
  }
  if (fields.find("head_dim") != nullptr) {
    config.head_dim = fields.dimension("head_dim");
  } else {
    if (config.hidden_size % config.num_attention_heads != 0) {
      fields.fail("hidden_size", std::to_string(config.hidden_size) +
                                     " is not divisible by num_attention_heads " +
                                     std::to_string(config.num_attention_heads));
    }
    config.head_dim = config.hidden_size / config.num_attention_heads;
  }
  if (config.head_dim % 2 != 0) {
    fields.fail("head_dim",
                "must be even for rotary embeddings, got " + std::to_string(config.head_dim));
  }
  if (fields.find("max_position_embeddings") != nullptr) {
    config.max_position_embeddings = fields.dimension("max_position_embeddings");
  }
}

double positive_number(const JsonFields& fields, std::string_view key, double fallback) {
  double value = fields.number(key).value_or(fallback);
  if (!(value > 0.0)) fields.fail(key, "must be positive, got " + std::to_string(value));
  return value;
}

RopeScaling read_rope_scaling(const JsonFields& parent) {
  const auto* object = parent.find("rope_scaling");
  if (object == nullptr) return {};
  if (!object->is_object()) parent.fail("rope_scaling", "expected an object or null");
  JsonFields fields(*object, parent.source(), "rope_scaling.");
  auto type = fields.string("rope_type");
  if (!type) type = fields.string("type");
  if (!type) fields.fail("rope_type", "missing");

  RopeScaling scaling;
  if (*type == "default") return scaling;
  auto required = [&](std::string_view key) {
    if (!fields.number(key)) fields.fail(key, "missing");
    return positive_number(fields, key, 1.0);
  };
  if (*type == "linear") {
    scaling.type = RopeScaling::Type::Linear;
    scaling.factor = required("factor");
    return scaling;
  }
  if (*type == "llama3") {
    scaling.type = RopeScaling::Type::Llama3;
    scaling.factor = required("factor");
    scaling.low_freq_factor = required("low_freq_factor");
    scaling.high_freq_factor = required("high_freq_factor");
    if (!(scaling.high_freq_factor > scaling.low_freq_factor)) {
      fields.fail("high_freq_factor", "must be greater than low_freq_factor");
    }
    if (!fields.integer("original_max_position_embeddings")) {
      fields.fail("original_max_position_embeddings", "missing");
    }
    scaling.original_max_position_embeddings = fields.dimension("original_max_position_embeddings");
    return scaling;
  }
  fields.fail("rope_type", "unsupported rope scaling " + format_text::quote_name(*type) +
                               " (supported: default, linear, llama3)");
}

void read_attention_options(const JsonFields& fields, ModelConfig& config) {
  bool configured_bias = fields.boolean("attention_bias").value_or(false);
  switch (config.architecture) {
    case Architecture::Llama:
      config.attention_bias = configured_bias;
      break;
    case Architecture::Mistral:
      config.attention_bias = false;  // Mistral's attention has no biases whatever the config says
      break;
    case Architecture::Qwen2:
      config.attention_bias = true;  // Qwen2 always has q/k/v biases
      break;
    case Architecture::Qwen3:
      config.attention_bias = configured_bias;
      config.qk_norm = true;
      break;
  }

  std::optional<int64_t> window;
  if (fields.find("sliding_window") != nullptr) window = fields.dimension("sliding_window");
  if (config.architecture == Architecture::Mistral) {
    config.sliding_window = window;
  } else if (config.architecture == Architecture::Qwen2 ||
             config.architecture == Architecture::Qwen3) {
    // Qwen configs carry a sliding_window value that only applies when switched on.
    if (fields.boolean("use_sliding_window").value_or(false)) {
      config.sliding_window = window;
      config.sliding_window_first_layer = fields.integer("max_window_layers").value_or(28);
      if (config.sliding_window_first_layer < 0) {
        format_text::fail(fields.source(), "max_window_layers must not be negative");
      }
    }
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) format_text::fail(path, "cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ModelConfig parse_model_config(const std::string& json_text, const std::filesystem::path& source) {
  JsonFields fields = JsonFields::parse(json_text, source);
  ModelConfig config;
  read_architecture(fields, config);
  read_shapes(fields, config);
  config.rms_norm_eps = positive_number(fields, "rms_norm_eps", config.rms_norm_eps);
  config.rope_theta = positive_number(fields, "rope_theta", config.rope_theta);
  config.rope_scaling = read_rope_scaling(fields);
  config.tie_word_embeddings = fields.boolean("tie_word_embeddings").value_or(false);
  read_attention_options(fields, config);
  config.bos_token_id = fields.integer("bos_token_id");
  config.eos_token_ids = fields.integer_or_list("eos_token_id");
  // Newer transformers write "dtype" where older ones wrote "torch_dtype".
  config.torch_dtype = fields.string("torch_dtype").value_or(fields.string("dtype").value_or(""));
  return config;
}

ModelConfig load_model_config(const std::filesystem::path& folder) {
  auto path = folder / "config.json";
  if (!std::filesystem::is_regular_file(path)) format_text::fail(path, "missing");
  return parse_model_config(read_file(path), path);
}

GenerationDefaults parse_generation_defaults(const std::string& json_text,
                                             const std::filesystem::path& source) {
  JsonFields fields = JsonFields::parse(json_text, source);
  GenerationDefaults defaults;
  defaults.temperature = fields.number("temperature");
  defaults.top_p = fields.number("top_p");
  defaults.top_k = fields.integer("top_k");
  defaults.min_p = fields.number("min_p");
  defaults.repetition_penalty = fields.number("repetition_penalty");
  defaults.max_new_tokens = fields.integer("max_new_tokens");
  defaults.do_sample = fields.boolean("do_sample");
  defaults.bos_token_id = fields.integer("bos_token_id");
  defaults.eos_token_ids = fields.integer_or_list("eos_token_id");
  if (defaults.temperature && *defaults.temperature < 0) fields.fail("temperature", "is negative");
  if (defaults.top_p && (*defaults.top_p < 0 || *defaults.top_p > 1)) {
    fields.fail("top_p", "must be between 0 and 1");
  }
  if (defaults.top_k && *defaults.top_k < 0) fields.fail("top_k", "is negative");
  if (defaults.min_p && (*defaults.min_p < 0 || *defaults.min_p > 1)) {
    fields.fail("min_p", "must be between 0 and 1");
  }
  if (defaults.repetition_penalty && *defaults.repetition_penalty <= 0) {
    fields.fail("repetition_penalty", "must be positive");
  }
  if (defaults.max_new_tokens && *defaults.max_new_tokens < 0) {
    fields.fail("max_new_tokens", "is negative");
  }
  return defaults;
}

GenerationDefaults load_generation_defaults(const std::filesystem::path& folder) {
  auto path = folder / "generation_config.json";
  if (!std::filesystem::exists(path)) return {};
  return parse_generation_defaults(read_file(path), path);
}

}  // namespace slipway::engine
