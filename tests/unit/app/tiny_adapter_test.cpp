#include "app/tiny_model/tiny_adapter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/tiny_model/tiny_model.h"
#include "engine/format/model_config.h"
#include "engine/format/safetensors_file.h"
#include "engine/lora/lora_loader.h"
#include "file_bytes.h"
#include "run_subcommand.h"
#include "test_dir.h"

namespace slipway::app {
namespace {

namespace fs = std::filesystem;

class TinyAdapter : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("tiny_adapter", "case");
    base_ = dir_ / "base";
    write_tiny_model(base_, {});
  }
  fs::path dir_;
  fs::path base_;
};

TEST_F(TinyAdapter, SameOptionsSameBytesOtherSeedOtherBytes) {
  TinyAdapterOptions options;
  options.seed = 7;
  write_tiny_adapter(dir_ / "a", base_, options);
  write_tiny_adapter(dir_ / "b", base_, options);
  options.seed = 8;
  write_tiny_adapter(dir_ / "c", base_, options);
  for (const char* file : {"adapter_config.json", "adapter_model.safetensors"}) {
    EXPECT_EQ(read_bytes(dir_ / "a" / file), read_bytes(dir_ / "b" / file)) << file;
  }
  EXPECT_EQ(read_bytes(dir_ / "a" / "adapter_config.json"),
            read_bytes(dir_ / "c" / "adapter_config.json"));
  EXPECT_NE(read_bytes(dir_ / "a" / "adapter_model.safetensors"),
            read_bytes(dir_ / "c" / "adapter_model.safetensors"));
}

TEST_F(TinyAdapter, WritesPeftConfig) {
  TinyAdapterOptions options;
  options.rank = 4;
  options.alpha = 12;
  options.use_rslora = true;
  write_tiny_adapter(dir_ / "a", base_, options);
  auto json = nlohmann::json::parse(read_bytes(dir_ / "a" / "adapter_config.json"));
  EXPECT_EQ(json.at("peft_type"), "LORA");
  EXPECT_EQ(json.at("r"), 4);
  EXPECT_EQ(json.at("lora_alpha"), 12);
  EXPECT_EQ(json.at("use_rslora"), true);
  EXPECT_EQ(json.at("use_dora"), false);
  EXPECT_EQ(json.at("bias"), "none");
  EXPECT_EQ(json.at("task_type"), "CAUSAL_LM");
  EXPECT_EQ(json.at("base_model_name_or_path"), base_.string());
  EXPECT_EQ(json.at("target_modules"),
            nlohmann::json::array({"q_proj", "k_proj", "v_proj", "o_proj"}));
}

TEST_F(TinyAdapter, TensorNamesAndShapesFollowTheBase) {
  TinyAdapterOptions options;
  options.rank = 3;
  options.targets = {"all"};
  options.default_suffix = true;
  options.dtype = engine::DType::BF16;
  write_tiny_adapter(dir_ / "a", base_, options);
  auto config = engine::load_model_config(base_);
  auto file = engine::SafetensorsFile::open(dir_ / "a" / "adapter_model.safetensors");
  EXPECT_EQ(file->tensors().size(), static_cast<std::size_t>(config.num_hidden_layers * 7 * 2));
  const std::string p = "base_model.model.model.layers.2.";
  const auto* k_b = file->find(p + "self_attn.k_proj.lora_B.default.weight");
  ASSERT_NE(k_b, nullptr);
  EXPECT_EQ(k_b->dtype, engine::DType::BF16);
  EXPECT_EQ(k_b->shape,
            (std::vector<int64_t>{config.num_key_value_heads * config.head_dim, options.rank}));
  const auto* down_a = file->find(p + "mlp.down_proj.lora_A.default.weight");
  ASSERT_NE(down_a, nullptr);
  EXPECT_EQ(down_a->shape, (std::vector<int64_t>{options.rank, config.intermediate_size}));
  EXPECT_EQ(file->find(p + "mlp.down_proj.lora_A.weight"), nullptr);
}

TEST_F(TinyAdapter, EngineLoaderAcceptsIt) {
  TinyAdapterOptions options;
  options.targets = {"q_proj", "v_proj", "down_proj"};
  options.dtype = engine::DType::F16;
  write_tiny_adapter(dir_ / "a", base_, options);
  auto config = engine::load_model_config(base_);
  auto adapter = engine::load_lora_adapter(dir_ / "a", config, {}, "tiny");
  ASSERT_EQ(adapter->layers().size(), static_cast<std::size_t>(config.num_hidden_layers));
  for (const auto& layer : adapter->layers()) {
    EXPECT_TRUE(layer[engine::LoraTarget::Q].present());
    EXPECT_FALSE(layer[engine::LoraTarget::K].present());
    EXPECT_TRUE(layer[engine::LoraTarget::V].present());
    EXPECT_TRUE(layer[engine::LoraTarget::Down].present());
    EXPECT_FLOAT_EQ(layer[engine::LoraTarget::Q].scale, 2.0f);  // 16 / 8
    EXPECT_EQ(layer[engine::LoraTarget::Down].rank(), 8);
  }
}

// scale * B A should be about as large as the base matrices (RMS 0.7 / sqrt(in)).
TEST_F(TinyAdapter, UpdateIsAsLargeAsTheBaseWeights) {
  TinyAdapterOptions options;
  options.alpha = 32;
  write_tiny_adapter(dir_ / "a", base_, options);
  auto file = engine::SafetensorsFile::open(dir_ / "a" / "adapter_model.safetensors");
  const std::string p = "base_model.model.model.layers.0.self_attn.q_proj.";
  auto a = file->find(p + "lora_A.weight")->as<float>();
  auto b = file->find(p + "lora_B.weight")->as<float>();
  const int64_t rank = options.rank, in = 64, out = static_cast<int64_t>(b.size()) / rank;
  const double scale = options.alpha / static_cast<double>(rank);
  double sum_squares = 0;
  for (int64_t i = 0; i < out; ++i) {
    for (int64_t j = 0; j < in; ++j) {
      double delta = 0;
      for (int64_t k = 0; k < rank; ++k) delta += b[i * rank + k] * a[k * in + j];
      sum_squares += scale * scale * delta * delta;
    }
  }
  const double rms = std::sqrt(sum_squares / static_cast<double>(out * in));
  const double base_rms = 0.7 / std::sqrt(static_cast<double>(in));
  EXPECT_GT(rms, 0.5 * base_rms);
  EXPECT_LT(rms, 2.0 * base_rms);
}

TEST_F(TinyAdapter, BadOptionsAreRefused) {
  TinyAdapterOptions options;
  options.targets = {"q_proj", "lm_head"};
  EXPECT_THROW(write_tiny_adapter(dir_ / "a", base_, options), std::runtime_error);
  options.targets = {"q_proj", "q_proj"};
  EXPECT_THROW(write_tiny_adapter(dir_ / "a", base_, options), std::runtime_error);
  options = {};
  options.rank = 0;
  EXPECT_THROW(write_tiny_adapter(dir_ / "a", base_, options), std::runtime_error);
  EXPECT_THROW(write_tiny_adapter(dir_ / "a", dir_ / "no_such_base", {}), std::runtime_error);
  EXPECT_FALSE(fs::exists(dir_ / "a" / "adapter_model.safetensors"));
}

void run_cli(const std::vector<std::string>& words) {
  run_subcommand(register_tiny_adapter_command, words);
}

TEST_F(TinyAdapter, CliRejectsBadFlagsAndWrites) {
  const std::string out = (dir_ / "cli").string(), base = base_.string();
  EXPECT_THROW(run_cli({"tiny-adapter", out}), CLI::ParseError);  // no --base
  EXPECT_THROW(run_cli({"tiny-adapter", out, "--base", (dir_ / "none").string()}), CLI::ParseError);
  EXPECT_THROW(run_cli({"tiny-adapter", out, "--base", base, "--targets", "q_proj,lm_head"}),
               CLI::ParseError);
  EXPECT_THROW(run_cli({"tiny-adapter", out, "--base", base, "--targets", "all,q_proj"}),
               CLI::ParseError);
  EXPECT_THROW(run_cli({"tiny-adapter", out, "--base", base, "--rank", "0"}), CLI::ParseError);
  EXPECT_THROW(run_cli({"tiny-adapter", out, "--base", base, "--alpha", "-1"}), CLI::ParseError);
  EXPECT_THROW(run_cli({"tiny-adapter", out, "--base", base, "--dtype", "f64"}), CLI::ParseError);
  EXPECT_FALSE(fs::exists(out));
  run_cli({"tiny-adapter", out, "--base", base, "--targets", "all", "--rank", "2", "--rslora",
           "--default-suffix", "--dtype", "bf16", "--seed", "5"});
  auto adapter = engine::load_lora_adapter(out, engine::load_model_config(base_), {}, "cli");
  const auto& down = adapter->layers().at(0)[engine::LoraTarget::Down];
  EXPECT_EQ(down.rank(), 2);
  EXPECT_EQ(down.a.dtype, engine::DType::BF16);
  EXPECT_NEAR(down.scale, 16 / std::sqrt(2.0), 1e-5);
}

}  // namespace
}  // namespace slipway::app
