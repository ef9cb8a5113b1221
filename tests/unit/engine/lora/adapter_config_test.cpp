#include "engine/lora/adapter_config.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/format/format_error_of.h"
#include "engine/format/format_test_files.h"

namespace slipway::engine {
namespace {

const std::string kSource = "/adapters/a/adapter_config.json";

AdapterConfig parse(const std::string& text) {
  return parse_adapter_config(nlohmann::json::parse(text), kSource);
}

std::string refusal_of(const std::string& text) {
  return testing::format_error_of([&] { parse(text); });
}

std::string q(int layer) {
  return "model.layers." + std::to_string(layer) + ".self_attn.q_proj";
}
std::string k(int layer) {
  return "model.layers." + std::to_string(layer) + ".self_attn.k_proj";
}
std::string v(int layer) {
  return "model.layers." + std::to_string(layer) + ".self_attn.v_proj";
}
std::string up(int layer) {
  return "model.layers." + std::to_string(layer) + ".mlp.up_proj";
}

TEST(AdapterConfig, DefaultsFollowPeft) {
  auto config = parse(R"({"peft_type": "LORA"})");
  EXPECT_EQ(config.source, kSource);
  EXPECT_EQ(config.r, 8);
  EXPECT_EQ(config.lora_alpha, 8.0);
  EXPECT_FALSE(config.use_rslora);
  // Without target_modules PEFT adapts q_proj and v_proj of Llama-family models.
  EXPECT_TRUE(config.targets(q(0), 0));
  EXPECT_TRUE(config.targets(v(0), 0));
  EXPECT_FALSE(config.targets(k(0), 0));
  EXPECT_FLOAT_EQ(config.scale_for(q(0)), 1.0f);
}

TEST(AdapterConfig, ReadsTheUsualPeftFile) {
  auto config = parse(R"({
    "alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "meta-llama/Llama-3.2-1B",
    "bias": "none", "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true,
    "layers_pattern": null, "layers_to_transform": null, "loftq_config": {}, "lora_alpha": 32,
    "lora_dropout": 0.05, "megatron_config": null, "megatron_core": "megatron.core",
    "modules_to_save": null, "peft_type": "LORA", "r": 16, "rank_pattern": {}, "revision": null,
    "target_modules": ["v_proj", "q_proj"], "task_type": "CAUSAL_LM", "use_dora": false,
    "use_rslora": false})");
  EXPECT_EQ(config.r, 16);
  EXPECT_EQ(config.lora_alpha, 32.0);
  EXPECT_EQ(config.base_model_name_or_path, "meta-llama/Llama-3.2-1B");
  EXPECT_EQ(config.target_list, (std::vector<std::string>{"v_proj", "q_proj"}));
  EXPECT_FLOAT_EQ(config.scale_for(q(3)), 2.0f);
}

TEST(AdapterConfig, ListTargetsMatchWholeLastComponents) {
  auto config = parse(R"({"target_modules": ["q_proj", "up_proj"]})");
  EXPECT_TRUE(config.targets(q(0), 0));
  EXPECT_TRUE(config.targets(up(5), 5));
  EXPECT_FALSE(config.targets(k(0), 0));
  EXPECT_FALSE(config.targets("model.layers.0.self_attn.xq_proj", 0));
  EXPECT_FALSE(config.targets("model.layers.0.mlp.gate_proj", 0));
}

TEST(AdapterConfig, RegexTargetsUseFullMatch) {
  auto config = parse(R"js({"target_modules": ".*\\.(q_proj|v_proj)"})js");
  EXPECT_TRUE(config.targets(q(0), 0));
  EXPECT_TRUE(config.targets(v(7), 7));
  EXPECT_FALSE(config.targets(k(0), 0));

  auto layered = parse(R"({"target_modules": "model.layers.*.self_attn.(q|k)_proj"})");
  EXPECT_TRUE(layered.targets(q(3), 3));
  EXPECT_TRUE(layered.targets(k(12), 12));
  EXPECT_FALSE(layered.targets(v(3), 3));
  EXPECT_FALSE(layered.targets(up(3), 3));

  // Python syntax: named groups, non-capturing groups, \d.
  auto python =
      parse(R"({"target_modules": "model\\.layers\\.(?P<n>\\d+)\\.mlp\\.(?:gate|up)_proj"})");
  EXPECT_TRUE(python.targets(up(12), 12));
  EXPECT_TRUE(python.targets("model.layers.1.mlp.gate_proj", 1));
  EXPECT_FALSE(python.targets("model.layers.1.mlp.down_proj", 1));

  // fullmatch, not search: a bare name matches no full module name, a prefix is not enough.
  EXPECT_FALSE(parse(R"({"target_modules": "q_proj"})").targets(q(0), 0));
  auto prefix = parse(R"({"target_modules": "model\\.layers\\.0\\.self_attn"})");
  EXPECT_FALSE(prefix.targets(q(0), 0));
  EXPECT_TRUE(prefix.targets("model.layers.0.self_attn", 0));
}

TEST(AdapterConfig, AllLinearTargetsEveryProjectionButNotTheHead) {
  auto config = parse(R"({"target_modules": "all-linear"})");
  EXPECT_TRUE(config.all_linear);
  for (const char* name : {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                           "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
    EXPECT_TRUE(config.targets(std::string("model.layers.2.") + name, 2)) << name;
  }
  EXPECT_FALSE(config.targets("lm_head", 0));
  EXPECT_FALSE(config.targets("model.embed_tokens", 0));
}

TEST(AdapterConfig, LayersToTransformLimitsListTargets) {
  auto single = parse(R"({"target_modules": ["q_proj"], "layers_to_transform": 1})");
  EXPECT_TRUE(single.targets(q(1), 1));
  EXPECT_FALSE(single.targets(q(0), 0));
  EXPECT_FALSE(single.targets(q(2), 2));

  auto list = parse(R"({"target_modules": "all-linear", "layers_to_transform": [0, 2]})");
  EXPECT_TRUE(list.targets(up(0), 0));
  EXPECT_FALSE(list.targets(up(1), 1));
  EXPECT_TRUE(list.targets(up(2), 2));

  // As in PEFT, an entry naming the full module selects it whatever the layer list says.
  auto exact = parse(R"({"target_modules": ["model.layers.3.self_attn.q_proj"],
                         "layers_to_transform": [0]})");
  EXPECT_TRUE(exact.targets(q(3), 3));

  // An empty list means every layer.
  EXPECT_TRUE(
      parse(R"({"target_modules": ["q_proj"], "layers_to_transform": []})").targets(q(4), 4));
}

TEST(AdapterConfig, PatternKeysMatchAtDottedBoundaries) {
  auto config = parse(R"({"rank_pattern": {"_proj": 2, "0.self_attn.q_proj": 4},
                          "alpha_pattern": {"v_proj": 32}})");
  // "(.*\.)?(_proj)$": the text before "_proj" must end at a dot, and "q_proj" does not.
  EXPECT_EQ(config.rank_for(q(0)), 4);
  EXPECT_EQ(config.rank_for(q(10)), 8);  // "10.self_attn" is not "0.self_attn" after a dot
  EXPECT_EQ(config.rank_for(k(0)), 8);
  EXPECT_EQ(config.alpha_for(v(5)), 32.0);
  EXPECT_EQ(config.alpha_for(q(5)), 8.0);
  EXPECT_FLOAT_EQ(config.scale_for(v(5)), 4.0f);
  EXPECT_FLOAT_EQ(config.scale_for(q(0)), 2.0f);
}

TEST(AdapterConfig, FirstPatternInFileOrderWins) {
  auto folder = testing::fresh_folder();
  // File order differs from sorted order: the later, more specific key never wins.
  testing::write_text(folder / "adapter_config.json", R"({"r": 8,
    "rank_pattern": {"q_proj": 16, "model.layers.0.self_attn.q_proj": 4},
    "alpha_pattern": {"self_attn.q_proj": 64, "model.layers.1.self_attn.q_proj": 2}})");
  auto config = load_adapter_config(folder);
  EXPECT_EQ(config.rank_for(q(0)), 16);
  EXPECT_EQ(config.rank_for(q(1)), 16);
  EXPECT_EQ(config.alpha_for(q(1)), 64.0);

  testing::write_text(folder / "adapter_config.json", R"({"r": 8,
    "rank_pattern": {"model.layers.0.self_attn.q_proj": 4, "q_proj": 16}})");
  auto reversed = load_adapter_config(folder);
  EXPECT_EQ(reversed.rank_for(q(0)), 4);
  EXPECT_EQ(reversed.rank_for(q(1)), 16);
  EXPECT_EQ(reversed.rank_for(v(1)), 8);
  EXPECT_EQ(reversed.source, (folder / "adapter_config.json").string());
}

TEST(AdapterConfig, RsloraScalesBySquareRoot) {
  auto config = parse(R"({"r": 16, "lora_alpha": 32, "use_rslora": true,
                          "rank_pattern": {"q_proj": 4}, "alpha_pattern": {"k_proj": 8.5}})");
  EXPECT_FLOAT_EQ(config.scale_for(v(0)), 8.0f);   // 32 / sqrt(16)
  EXPECT_FLOAT_EQ(config.scale_for(q(0)), 16.0f);  // 32 / sqrt(4)
  EXPECT_FLOAT_EQ(config.scale_for(k(0)), 8.5f / 4.0f);
  EXPECT_FLOAT_EQ(parse(R"({"r": 16, "lora_alpha": 32})").scale_for(v(0)), 2.0f);
}

TEST(AdapterConfig, AcceptsHarmlessEmptyValues) {
  auto config = parse(R"({"modules_to_save": [], "bias": "none", "use_dora": false,
                          "fan_in_fan_out": false, "lora_alpha": 16.5, "target_modules": []})");
  EXPECT_EQ(config.lora_alpha, 16.5);
  EXPECT_FALSE(config.targets(q(0), 0));
}

TEST(AdapterConfig, RefusesWhatTheEngineCannotServe) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"use_dora": true})", "use_dora: DoRA adapters are not supported"},
      {R"({"bias": "all"})", "bias: \"all\" is not supported"},
      {R"({"bias": "lora_only"})", "bias: \"lora_only\" is not supported"},
      {R"({"lora_bias": true})", "lora_bias: trained biases"},
      {R"({"fan_in_fan_out": true})", "fan_in_fan_out: true is not supported"},
      {R"({"modules_to_save": ["lm_head"]})", "modules_to_save: fully trained modules"},
      {R"({"modules_to_save": "lm_head"})", "modules_to_save: expected a list"},
      {R"({"peft_type": "LOHA"})", "peft_type: \"LOHA\" is not supported"},
      {R"({"r": 0})", "r: must be a positive integer, got 0"},
      {R"({"r": -4})", "r: must be a positive integer, got -4"},
      {R"({"r": "8"})", "r: expected an integer"},
      {R"({"r": 8.5})", "r: expected an integer"},
      {R"({"lora_alpha": 0})", "lora_alpha: must be a positive number"},
      {R"({"lora_alpha": "16"})", "lora_alpha: expected a number"},
      {R"({"use_rslora": 1})", "use_rslora: expected true or false"},
      {R"({"target_modules": 5})", "target_modules: expected a list of module names or a regex"},
      {R"({"target_modules": ["q_proj", 3]})", "target_modules: expected a list of module names"},
      {R"({"target_modules": "(q_proj"})", "target_modules: invalid regex \"(q_proj\""},
      {R"({"target_modules": ".*q_proj", "layers_to_transform": [0]})",
       "layers_to_transform: cannot be combined with a regex target_modules"},
      {R"({"layers_to_transform": [-1]})",
       "layers_to_transform: layer indices must not be negative"},
      {R"({"rank_pattern": {"q_proj": 0}})", "rank_pattern.q_proj: must be a positive integer"},
      {R"({"rank_pattern": {"q_proj": "4"}})", "rank_pattern.q_proj: expected a positive integer"},
      {R"({"rank_pattern": ["q_proj"]})", "rank_pattern: expected an object"},
      {R"({"rank_pattern": {"q_(proj": 4}})", "rank_pattern key \"q_(proj\": invalid regex"},
      {R"({"alpha_pattern": {"q_proj": -1}})", "alpha_pattern.q_proj: must be a positive number"},
      {R"([1, 2])", "not a JSON object"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string message = refusal_of(text);
    EXPECT_EQ(message.rfind(kSource + ": ", 0), 0u) << text << " -> " << message;
    EXPECT_NE(message.find(expected), std::string::npos) << text << " -> " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(AdapterConfig, LoadNamesTheFolderWhenTheFileIsMissingOrBroken) {
  auto folder = testing::fresh_folder();
  EXPECT_EQ(testing::format_error_of([&] { load_adapter_config(folder); }),
            folder.string() + ": adapter_config.json is missing");
  testing::write_text(folder / "adapter_config.json", "{\"r\": 8,\n");
  const std::string message = testing::format_error_of([&] { load_adapter_config(folder); });
  EXPECT_EQ(message.rfind((folder / "adapter_config.json").string() + ": not valid JSON", 0), 0u)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace slipway::engine
