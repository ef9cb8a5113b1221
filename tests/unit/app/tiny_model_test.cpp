#include "app/tiny_model/tiny_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "engine/format/model_config.h"
#include "engine/format/safetensors_writer.h"
#include "engine/format/weight_set.h"

namespace slipway::app {
namespace {

using engine::Architecture;

std::filesystem::path fresh_folder(const std::string& name) {
  auto folder = std::filesystem::path(SLIPWAY_TEST_TMP) / "tiny_model" / name;
  std::filesystem::remove_all(folder);
  return folder;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Reads every tensor the forward pass needs, with the shape it needs.
void expect_all_tensors(const engine::ModelConfig& c, const engine::WeightSet& weights) {
  const int64_t h = c.hidden_size, q = c.num_attention_heads * c.head_dim,
                kv = c.num_key_value_heads * c.head_dim, f = c.intermediate_size;
  std::size_t expected_count = 2;
  weights.get("model.embed_tokens.weight", {c.vocab_size, h});
  weights.get("model.norm.weight", {h});
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer) {
    std::string p = "model.layers." + std::to_string(layer) + ".";
    weights.get(p + "input_layernorm.weight", {h});
    weights.get(p + "post_attention_layernorm.weight", {h});
    weights.get(p + "self_attn.q_proj.weight", {q, h});
    weights.get(p + "self_attn.k_proj.weight", {kv, h});
    weights.get(p + "self_attn.v_proj.weight", {kv, h});
    weights.get(p + "self_attn.o_proj.weight", {h, q});
    weights.get(p + "mlp.gate_proj.weight", {f, h});
    weights.get(p + "mlp.up_proj.weight", {f, h});
    weights.get(p + "mlp.down_proj.weight", {h, f});
    expected_count += 9;
    if (c.attention_bias) {
      weights.get(p + "self_attn.q_proj.bias", {q});
      weights.get(p + "self_attn.k_proj.bias", {kv});
      weights.get(p + "self_attn.v_proj.bias", {kv});
      expected_count += 3;
    } else {
      EXPECT_EQ(weights.find(p + "self_attn.q_proj.bias"), nullptr);
    }
    if (c.qk_norm) {
      weights.get(p + "self_attn.q_norm.weight", {c.head_dim});
      weights.get(p + "self_attn.k_norm.weight", {c.head_dim});
      expected_count += 2;
    } else {
      EXPECT_EQ(weights.find(p + "self_attn.q_norm.weight"), nullptr);
    }
  }
  if (c.tie_word_embeddings) {
    EXPECT_EQ(weights.find("lm_head.weight"), nullptr);
  } else {
    weights.get("lm_head.weight", {c.vocab_size, h});
    ++expected_count;
  }
  EXPECT_EQ(weights.names().size(), expected_count);
}

struct ArchCase {
  const char* name;
  Architecture architecture;
};

class TinyModelArch : public ::testing::TestWithParam<ArchCase> {};

TEST_P(TinyModelArch, WritesAFolderTheReadersAccept) {
  auto folder = fresh_folder(GetParam().name);
  TinyModelOptions options;
  options.architecture = GetParam().architecture;
  write_tiny_model(folder, options);

  auto config = engine::load_model_config(folder);
  EXPECT_EQ(config.architecture, GetParam().architecture);
  EXPECT_EQ(config.hidden_size, 64);
  EXPECT_EQ(config.num_hidden_layers, 4);
  EXPECT_LT(config.num_key_value_heads, config.num_attention_heads);  // GQA
  EXPECT_EQ(config.vocab_size % 64, 0);
  EXPECT_EQ(config.torch_dtype, "float32");
  EXPECT_EQ(config.attention_bias, GetParam().architecture == Architecture::Qwen2);
  EXPECT_EQ(config.qk_norm, GetParam().architecture == Architecture::Qwen3);
  if (GetParam().architecture == Architecture::Llama) {
    EXPECT_EQ(config.rope_scaling.type, engine::RopeScaling::Type::Llama3);
  }
  if (GetParam().architecture == Architecture::Qwen3) {
    EXPECT_NE(config.head_dim * config.num_attention_heads, config.hidden_size);
  }
  ASSERT_EQ(config.eos_token_ids.size(), 2u);
  ASSERT_TRUE(config.bos_token_id);

  auto weights = engine::WeightSet::open_folder(folder);
  expect_all_tensors(config, weights);
  const auto& embed = weights.get("model.embed_tokens.weight");
  EXPECT_EQ(embed.dtype, engine::DType::F32);
  double sum = 0, sum_sq = 0;
  for (float v : embed.as<float>()) {
    ASSERT_TRUE(std::isfinite(v));
    sum += v;
    sum_sq += double(v) * v;
  }
  double n = static_cast<double>(embed.numel());
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_GT(std::sqrt(sum_sq / n), 0.01);
  for (float v : weights.get("model.norm.weight").as<float>()) EXPECT_NEAR(v, 1.0f, 0.25f);

  // The tokenizer covers every embedding row and names the special tokens config.json uses.
  auto tokenizer = nlohmann::json::parse(read_bytes(folder / "tokenizer.json"));
  int64_t highest = 0;
  for (const auto& added : tokenizer["added_tokens"])
    highest = std::max<int64_t>(highest, added["id"]);
  EXPECT_EQ(highest + 1, config.vocab_size);
  auto tokenizer_config = nlohmann::json::parse(read_bytes(folder / "tokenizer_config.json"));
  EXPECT_EQ(tokenizer_config["bos_token"], "<|begin_of_text|>");
  EXPECT_EQ(tokenizer_config["eos_token"], "<|eot_id|>");
  EXPECT_NE(tokenizer_config["chat_template"].get<std::string>().find("add_generation_prompt"),
            std::string::npos);
  EXPECT_EQ(
      tokenizer_config["added_tokens_decoder"][std::to_string(*config.bos_token_id)]["content"],
      "<|begin_of_text|>");

  auto generation = engine::load_generation_defaults(folder);
  EXPECT_EQ(generation.eos_token_ids, config.eos_token_ids);
  EXPECT_DOUBLE_EQ(*generation.temperature, 0.6);
  EXPECT_DOUBLE_EQ(*generation.top_p, 0.9);
}

INSTANTIATE_TEST_SUITE_P(AllArchitectures, TinyModelArch,
                         ::testing::Values(ArchCase{"llama", Architecture::Llama},
                                           ArchCase{"mistral", Architecture::Mistral},
                                           ArchCase{"qwen2", Architecture::Qwen2},
                                           ArchCase{"qwen3", Architecture::Qwen3}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(TinyModel, SameSeedSameBytesOtherSeedOtherBytes) {
  TinyModelOptions options;
  options.architecture = Architecture::Qwen3;
  options.dtype = engine::DType::BF16;
  auto a = fresh_folder("seed_a"), b = fresh_folder("seed_b"), c = fresh_folder("seed_c");
  write_tiny_model(a, options);
  write_tiny_model(b, options);
  options.seed = 7;
  write_tiny_model(c, options);
  for (const char* file : {"model.safetensors", "config.json", "tokenizer.json",
                           "tokenizer_config.json", "generation_config.json"}) {
    EXPECT_EQ(read_bytes(a / file), read_bytes(b / file)) << file;
  }
  EXPECT_NE(read_bytes(a / "model.safetensors"), read_bytes(c / "model.safetensors"));
  EXPECT_EQ(read_bytes(a / "config.json"), read_bytes(c / "config.json"));
  auto weights = engine::WeightSet::open_folder(a);
  EXPECT_EQ(weights.get("model.norm.weight").dtype, engine::DType::BF16);
  EXPECT_EQ(engine::load_model_config(a).torch_dtype, "bfloat16");
}

TEST(TinyModel, F16Weights) {
  TinyModelOptions options;
  options.architecture = Architecture::Mistral;
  options.dtype = engine::DType::F16;
  auto folder = fresh_folder("f16");
  write_tiny_model(folder, options);
  auto weights = engine::WeightSet::open_folder(folder);
  for (uint16_t h : weights.get("model.layers.0.mlp.up_proj.weight").as<uint16_t>()) {
    ASSERT_TRUE(std::isfinite(engine::f16_to_float(h)));
  }
}

TEST(TinyModel, RefusesAFileAsFolder) {
  auto path = fresh_folder("not_a_folder");
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << "x";
  EXPECT_THROW(write_tiny_model(path, {}), std::exception);
}

TEST(TinyModel, ParsesFlags) {
  EXPECT_EQ(parse_architecture("qwen2"), Architecture::Qwen2);
  EXPECT_FALSE(parse_architecture("gpt2"));
  EXPECT_EQ(parse_preset("llama1b"), TinyPreset::Llama1b);
  EXPECT_FALSE(parse_preset("huge"));
  EXPECT_EQ(parse_dtype_flag("bf16"), engine::DType::BF16);
  EXPECT_FALSE(parse_dtype_flag("f64"));
}

}  // namespace
}  // namespace slipway::app
