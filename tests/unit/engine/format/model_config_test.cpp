#include "engine/format/model_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/format/format_error.h"
#include "format_test_files.h"

namespace slipway::engine {
namespace {

using nlohmann::json;

// Llama-3.2-1B's config.json.
json llama_config() {
  return json::parse(R"({
    "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
    "bos_token_id": 128000, "eos_token_id": 128001, "head_dim": 64, "hidden_act": "silu",
    "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192,
    "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
    "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8,
    "pretraining_tp": 1, "rms_norm_eps": 1e-05,
    "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                     "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
    "transformers_version": "4.45.0.dev0", "use_cache": true, "vocab_size": 128256})");
}

ModelConfig parse(const json& config) {
  return parse_model_config(config.dump(), "config.json");
}

std::string error_of(const json& config) {
  try {
    parse(config);
  } catch (const FormatError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_EQ(message.rfind("config.json: ", 0), 0u) << message;
    return message;
  }
  return "";
}

void expect_error(const json& config, const std::string& fragment) {
  std::string message = error_of(config);
  EXPECT_NE(message.find(fragment), std::string::npos)
      << "message \"" << message << "\" lacks \"" << fragment << "\"";
}

TEST(ModelConfig, Llama32WithLlama3RopeScaling) {
  auto c = parse(llama_config());
  EXPECT_EQ(c.architecture, Architecture::Llama);
  EXPECT_EQ(c.architecture_name, "LlamaForCausalLM");
  EXPECT_EQ(c.model_type, "llama");
  EXPECT_EQ(c.vocab_size, 128256);
  EXPECT_EQ(c.hidden_size, 2048);
  EXPECT_EQ(c.intermediate_size, 8192);
  EXPECT_EQ(c.num_hidden_layers, 16);
  EXPECT_EQ(c.num_attention_heads, 32);
  EXPECT_EQ(c.num_key_value_heads, 8);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_DOUBLE_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_DOUBLE_EQ(c.rope_theta, 500000.0);
  EXPECT_EQ(c.rope_scaling.type, RopeScaling::Type::Llama3);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 32.0);
  EXPECT_DOUBLE_EQ(c.rope_scaling.low_freq_factor, 1.0);
  EXPECT_DOUBLE_EQ(c.rope_scaling.high_freq_factor, 4.0);
  EXPECT_EQ(c.rope_scaling.original_max_position_embeddings, 8192);
  EXPECT_EQ(c.max_position_embeddings, 131072);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_FALSE(c.qk_norm);
  EXPECT_FALSE(c.sliding_window);
  EXPECT_EQ(c.bos_token_id, 128000);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int64_t>{128001}));
  EXPECT_EQ(c.torch_dtype, "bfloat16");
}

TEST(ModelConfig, DefaultsWhenOptionalKeysAreAbsent) {
  json config = {{"architectures", {"LlamaForCausalLM"}},
                 {"vocab_size", 100},
                 {"hidden_size", 64},
                 {"intermediate_size", 128},
                 {"num_hidden_layers", 2},
                 {"num_attention_heads", 4}};
  auto c = parse(config);
  EXPECT_EQ(c.num_key_value_heads, 4);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.rope_scaling.type, RopeScaling::Type::None);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_FALSE(c.bos_token_id);
  EXPECT_TRUE(c.eos_token_ids.empty());
  EXPECT_EQ(c.model_type, "llama");
  config["num_key_value_heads"] = nullptr;  // null means default too
  config["rope_scaling"] = nullptr;
  EXPECT_EQ(parse(config).num_key_value_heads, 4);
}

TEST(ModelConfig, LlamaAttentionBiasAndLinearRope) {
  auto config = llama_config();
  config["attention_bias"] = true;
  config["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
  auto c = parse(config);
  EXPECT_TRUE(c.attention_bias);
  EXPECT_EQ(c.rope_scaling.type, RopeScaling::Type::Linear);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 2.0);
  config["rope_scaling"] = {{"rope_type", "default"}};
  EXPECT_EQ(parse(config).rope_scaling.type, RopeScaling::Type::None);
}

TEST(ModelConfig, MistralWithSlidingWindowAndExplicitHeadDim) {
  json config = json::parse(R"({
    "architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
    "head_dim": 128, "hidden_size": 5120, "intermediate_size": 14336,
    "max_position_embeddings": 131072, "model_type": "mistral", "num_attention_heads": 32,
    "num_hidden_layers": 40, "num_key_value_heads": 8, "rms_norm_eps": 1e-05,
    "rope_theta": 1000000.0, "sliding_window": 4096, "tie_word_embeddings": false,
    "torch_dtype": "bfloat16", "vocab_size": 131072, "attention_bias": true})");
  auto c = parse(config);
  EXPECT_EQ(c.architecture, Architecture::Mistral);
  EXPECT_EQ(c.head_dim, 128);  // not hidden/heads = 160
  EXPECT_EQ(c.sliding_window, 4096);
  EXPECT_FALSE(c.attention_bias);
  config["sliding_window"] = nullptr;
  EXPECT_FALSE(parse(config).sliding_window);
}

TEST(ModelConfig, Qwen2HasBiasesAndOptionalSlidingWindow) {
  json config = json::parse(R"({
    "architectures": ["Qwen2ForCausalLM"], "bos_token_id": 151643, "eos_token_id": 151645,
    "hidden_size": 896, "intermediate_size": 4864, "max_position_embeddings": 32768,
    "max_window_layers": 21, "model_type": "qwen2", "num_attention_heads": 14,
    "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
    "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
    "torch_dtype": "bfloat16", "use_sliding_window": false, "vocab_size": 151936})");
  auto c = parse(config);
  EXPECT_EQ(c.architecture, Architecture::Qwen2);
  EXPECT_TRUE(c.attention_bias);
  EXPECT_FALSE(c.qk_norm);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_FALSE(c.sliding_window);
  config["use_sliding_window"] = true;
  EXPECT_EQ(parse(config).sliding_window, 32768);
}

TEST(ModelConfig, Qwen3HasQkNormAndExplicitHeadDim) {
  json config = json::parse(R"({
    "architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "bos_token_id": 151643,
    "eos_token_id": 151645, "head_dim": 128, "hidden_size": 1024, "intermediate_size": 3072,
    "max_position_embeddings": 40960, "model_type": "qwen3", "num_attention_heads": 16,
    "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06,
    "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null,
    "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_sliding_window": false,
    "vocab_size": 151936})");
  auto c = parse(config);
  EXPECT_EQ(c.architecture, Architecture::Qwen3);
  EXPECT_TRUE(c.qk_norm);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_EQ(c.head_dim, 128);
  EXPECT_DOUBLE_EQ(c.rope_theta, 1e6);  // an integer is a fine number
}

TEST(ModelConfig, ArchitectureFallsBackToModelType) {
  auto config = llama_config();
  config.erase("architectures");
  config["model_type"] = "qwen2";
  auto c = parse(config);
  EXPECT_EQ(c.architecture, Architecture::Qwen2);
  EXPECT_EQ(c.architecture_name, "Qwen2ForCausalLM");
  config["architectures"] = json::array();
  EXPECT_EQ(parse(config).architecture, Architecture::Qwen2);
  config.erase("model_type");
  expect_error(config, "architectures");
}

TEST(ModelConfig, UnsupportedArchitectures) {
  auto config = llama_config();
  config["architectures"] = {"GPT2LMHeadModel"};
  expect_error(config, "unsupported architecture \"GPT2LMHeadModel\"");
  config.erase("architectures");
  config["model_type"] = "gpt2";
  expect_error(config, "unsupported model type \"gpt2\"");
  config["architectures"] = "LlamaForCausalLM";
  expect_error(config, "architectures: expected a list");
  config["architectures"] = {7};
  expect_error(config, "architectures");
}

TEST(ModelConfig, EosList) {
  auto config = llama_config();
  config["eos_token_id"] = {128001, 128008, 128009};
  EXPECT_EQ(parse(config).eos_token_ids, (std::vector<int64_t>{128001, 128008, 128009}));
  config["eos_token_id"] = {128001, "x"};
  expect_error(config, "eos_token_id");
  config["eos_token_id"] = "128001";
  expect_error(config, "eos_token_id");
}

TEST(ModelConfig, MissingKeys) {
  for (const char* key : {"vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                          "num_attention_heads"}) {
    auto config = llama_config();
    config.erase(key);
    expect_error(config, std::string(key) + ": missing");
  }
}

TEST(ModelConfig, WrongTypesNameTheKey) {
  std::pair<const char*, json> cases[] = {
      {"hidden_size", "2048"},
      {"hidden_size", 2048.5},
      {"num_hidden_layers", true},
      {"rms_norm_eps", "1e-5"},
      {"rope_theta", json::array()},
      {"tie_word_embeddings", 1},
      {"attention_bias", "false"},
      {"bos_token_id", 1.5},
      {"torch_dtype", 16},
      {"rope_scaling", "llama3"},
      {"max_position_embeddings", -1},
      {"head_dim", 0},
      {"vocab_size", 18446744073709551615ull},
      {"sliding_window", "4096"},
  };
  for (const auto& [key, value] : cases) {
    auto config = llama_config();
    config[key] = value;
    expect_error(config, std::string("config.json: ") + key);
  }
}

TEST(ModelConfig, Divisibility) {
  auto config = llama_config();
  config["num_key_value_heads"] = 5;
  expect_error(config, "num_key_value_heads: 5 does not divide num_attention_heads 32");
  config = llama_config();
  config.erase("head_dim");
  config["hidden_size"] = 2050;
  expect_error(config, "hidden_size: 2050 is not divisible by num_attention_heads 32");
  config = llama_config();
  config["num_attention_heads"] = 0;
  expect_error(config, "num_attention_heads: must be between 1");
  config = llama_config();
  config["rms_norm_eps"] = 0;
  expect_error(config, "rms_norm_eps: must be positive");
}

TEST(ModelConfig, RopeScalingVariants) {
  auto config = llama_config();
  config["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  expect_error(config, "rope_scaling.rope_type: unsupported rope scaling \"yarn\"");
  config["rope_scaling"] = {{"type", "dynamic"}, {"factor", 2.0}};
  expect_error(config, "unsupported rope scaling \"dynamic\"");
  config["rope_scaling"] = {{"factor", 2.0}};
  expect_error(config, "rope_scaling.rope_type: missing");
  config["rope_scaling"] = {{"rope_type", "linear"}};
  expect_error(config, "rope_scaling.factor: missing");
  config["rope_scaling"] = {{"rope_type", "linear"}, {"factor", "2"}};
  expect_error(config, "rope_scaling.factor: expected a number");
  config["rope_scaling"] = {{"rope_type", "llama3"},
                            {"factor", 8.0},
                            {"low_freq_factor", 1.0},
                            {"high_freq_factor", 4.0}};
  expect_error(config, "rope_scaling.original_max_position_embeddings: missing");
  config["rope_scaling"]["original_max_position_embeddings"] = 8192;
  config["rope_scaling"]["high_freq_factor"] = 1.0;
  expect_error(config, "high_freq_factor: must be greater than low_freq_factor");
}

TEST(ModelConfig, NotJsonOrNotObject) {
  EXPECT_THROW(parse_model_config("{", "config.json"), FormatError);
  EXPECT_THROW(parse_model_config("[]", "config.json"), FormatError);
  EXPECT_THROW(parse_model_config("", "config.json"), FormatError);
}

TEST(ModelConfig, LoadFromFolder) {
  auto folder = testing::fresh_folder();
  EXPECT_THROW(load_model_config(folder), FormatError);
  testing::write_text(folder / "config.json", llama_config().dump(2));
  EXPECT_EQ(load_model_config(folder).vocab_size, 128256);
  testing::write_text(folder / "config.json", "{\"vocab_size\": }");
  try {
    load_model_config(folder);
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_EQ(std::string(e.what()).rfind((folder / "config.json").string(), 0), 0u);
  }
}

TEST(GenerationDefaults, Llama3Style) {
  auto d = parse_generation_defaults(R"({"bos_token_id": 128000, "do_sample": true,
      "eos_token_id": [128001, 128008, 128009], "temperature": 0.6, "top_p": 0.9,
      "transformers_version": "4.45.0.dev0"})",
                                     "generation_config.json");
  EXPECT_EQ(d.bos_token_id, 128000);
  EXPECT_EQ(d.do_sample, true);
  EXPECT_EQ(d.eos_token_ids, (std::vector<int64_t>{128001, 128008, 128009}));
  EXPECT_DOUBLE_EQ(*d.temperature, 0.6);
  EXPECT_DOUBLE_EQ(*d.top_p, 0.9);
  EXPECT_FALSE(d.top_k);
  EXPECT_FALSE(d.min_p);
  EXPECT_FALSE(d.repetition_penalty);
  EXPECT_FALSE(d.max_new_tokens);
}

TEST(GenerationDefaults, AllKeysAndSingleEos) {
  auto d = parse_generation_defaults(R"({"eos_token_id": 2, "top_k": 20, "min_p": 0.05,
      "repetition_penalty": 1.1, "max_new_tokens": 512, "temperature": 1, "top_p": null})",
                                     "generation_config.json");
  EXPECT_EQ(d.eos_token_ids, (std::vector<int64_t>{2}));
  EXPECT_EQ(d.top_k, 20);
  EXPECT_DOUBLE_EQ(*d.min_p, 0.05);
  EXPECT_DOUBLE_EQ(*d.repetition_penalty, 1.1);
  EXPECT_EQ(d.max_new_tokens, 512);
  EXPECT_DOUBLE_EQ(*d.temperature, 1.0);
  EXPECT_FALSE(d.top_p);
}

TEST(GenerationDefaults, BadValues) {
  for (const char* text : {R"({"temperature": "hot"})", R"({"top_k": 2.5})", R"({"top_p": 2})",
                           R"({"do_sample": "yes"})", R"({"eos_token_id": [1, null]})",
                           R"({"temperature": -1})", "[1]", "{"}) {
    try {
      parse_generation_defaults(text, "generation_config.json");
      ADD_FAILURE() << text;
    } catch (const FormatError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("generation_config.json: ", 0), 0u) << e.what();
    }
  }
}

TEST(GenerationDefaults, LoadFromFolder) {
  auto folder = testing::fresh_folder();
  auto empty = load_generation_defaults(folder);
  EXPECT_FALSE(empty.temperature);
  EXPECT_TRUE(empty.eos_token_ids.empty());
  testing::write_text(folder / "generation_config.json", R"({"temperature": 0.7})");
  EXPECT_DOUBLE_EQ(*load_generation_defaults(folder).temperature, 0.7);
}

}  // namespace
}  // namespace slipway::engine
