#include "engine/lora/lora_loader.h"

#include <gtest/gtest.h>

#include <cstring>

#include "engine/format/format_error_of.h"
#include "engine/format/format_test_files.h"
#include "engine/format/safetensors_writer.h"

namespace slipway::engine {
namespace {

using Tensors = std::map<std::string, OwnedTensor>;

// hidden 16, q width 4*6 = 24, kv width 2*6 = 12, intermediate 20, 3 layers.
ModelConfig tiny_base() {
  ModelConfig c;
  c.vocab_size = 32;
  c.hidden_size = 16;
  c.intermediate_size = 20;
  c.num_hidden_layers = 3;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 6;
  return c;
}

std::vector<float> ramp(int64_t count, float start) {
  std::vector<float> values(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = start + 0.125f * static_cast<float>(i);
  return values;
}

// lora_A [r][in] and lora_B [out][r] of `module` named as `prefix + module + ".lora_X" + suffix`.
void add_pair(Tensors& tensors, const std::string& module, int64_t r, int64_t in, int64_t out,
              DType dtype = DType::F32, const std::string& prefix = "base_model.model.",
              const std::string& suffix = ".weight") {
  tensors[prefix + module + ".lora_A" + suffix] = make_tensor(dtype, {r, in}, ramp(r * in, 1.0f));
  tensors[prefix + module + ".lora_B" + suffix] =
      make_tensor(dtype, {out, r}, ramp(out * r, -2.0f));
}

std::filesystem::path adapter_folder(const std::string& config, const Tensors& tensors) {
  auto folder = testing::fresh_folder();
  testing::write_text(folder / "adapter_config.json", config);
  write_safetensors(folder / "adapter_model.safetensors", tensors);
  return folder;
}

std::shared_ptr<const LoraAdapter> load(const std::filesystem::path& folder,
                                        LoraLimits limits = {}) {
  return load_lora_adapter(folder, tiny_base(), limits, "my-adapter");
}

// The one-line message starts with the folder and contains `expected`.
void expect_refusal(const std::filesystem::path& folder, const std::string& expected,
                    LoraLimits limits = {}) {
  const std::string message = testing::format_error_of([&] { load(folder, limits); });
  EXPECT_EQ(message.rfind(folder.string(), 0), 0u) << message;
  EXPECT_NE(message.find(expected), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

const std::string kQ0 = "model.layers.0.self_attn.q_proj";

float f32_at(const kernels::WeightMatrix& w, std::size_t index) {
  float value;
  std::memcpy(&value, w.data + 4 * index, 4);
  return value;
}

uint16_t u16_at(const kernels::WeightMatrix& w, std::size_t index) {
  uint16_t value;
  std::memcpy(&value, w.data + 2 * index, 2);
  return value;
}

TEST(LoraLoader, BindsPeftTensorsToTheBaseLayers) {
  Tensors tensors;
  add_pair(tensors, kQ0, 4, 16, 24);
  add_pair(tensors, "model.layers.0.self_attn.o_proj", 4, 24, 16);
  add_pair(tensors, "model.layers.2.self_attn.v_proj", 4, 16, 12);
  add_pair(tensors, "model.layers.2.mlp.down_proj", 4, 20, 16);
  add_pair(tensors, "model.layers.2.mlp.gate_proj", 4, 16, 20);
  auto folder = adapter_folder(R"({"peft_type": "LORA", "r": 4, "lora_alpha": 8,
      "target_modules": ["q_proj", "o_proj", "v_proj", "gate_proj", "down_proj"]})",
                               tensors);
  auto adapter = load(folder);
  EXPECT_EQ(adapter->name(), "my-adapter");
  EXPECT_EQ(adapter->folder(), folder);
  EXPECT_NE(adapter->id(), 0u);
  EXPECT_EQ(adapter->max_rank(), 4);
  ASSERT_EQ(adapter->layers().size(), 3u);

  const LoraModule& q0 = adapter->layers()[0][LoraTarget::Q];
  ASSERT_TRUE(q0.present());
  EXPECT_EQ(q0.rank(), 4);
  EXPECT_EQ(q0.a.dtype, DType::F32);
  EXPECT_EQ(q0.a.rows, 4);
  EXPECT_EQ(q0.a.cols, 16);
  EXPECT_EQ(q0.b.rows, 24);
  EXPECT_EQ(q0.b.cols, 4);
  EXPECT_FLOAT_EQ(q0.scale, 2.0f);
  EXPECT_EQ(f32_at(q0.a, 0), 1.0f);
  EXPECT_EQ(f32_at(q0.a, 63), 1.0f + 0.125f * 63);
  EXPECT_EQ(f32_at(q0.b, 95), -2.0f + 0.125f * 95);

  const auto& o0 = adapter->layers()[0][LoraTarget::O];
  EXPECT_EQ(o0.a.cols, 24);
  EXPECT_EQ(o0.b.rows, 16);
  const auto& layer2 = adapter->layers()[2];
  EXPECT_EQ(layer2[LoraTarget::V].b.rows, 12);
  EXPECT_EQ(layer2[LoraTarget::Down].a.cols, 20);
  EXPECT_EQ(layer2[LoraTarget::Gate].b.rows, 20);
  // Targeted but absent in the file is fine, as PEFT allows.
  EXPECT_FALSE(adapter->layers()[0][LoraTarget::V].present());
  EXPECT_FALSE(layer2[LoraTarget::Q].present());
  for (const auto& module : adapter->layers()[1].modules) EXPECT_FALSE(module.present());
}

TEST(LoraLoader, ViewsPointIntoTheMappedFile) {
  Tensors tensors;
  add_pair(tensors, kQ0, 2, 16, 24);
  auto folder = adapter_folder(R"({"r": 2, "target_modules": ["q_proj"]})", tensors);
  auto adapter = load(folder);
  EXPECT_EQ(adapter->resident_bytes(),
            static_cast<int64_t>(std::filesystem::file_size(folder / "adapter_model.safetensors")));
  // The views outlive every other handle on the file: the adapter owns the mapping.
  std::filesystem::remove(folder / "adapter_model.safetensors");
  EXPECT_EQ(f32_at(adapter->layers()[0][LoraTarget::Q].b, 47), -2.0f + 0.125f * 47);
}

TEST(LoraLoader, AcceptsDefaultSuffixAndPrefixlessNames) {
  for (const auto& [prefix, suffix] : std::vector<std::pair<std::string, std::string>>{
           {"base_model.model.", ".default.weight"}, {"", ".weight"}, {"", ".default.weight"}}) {
    Tensors tensors;
    add_pair(tensors, "model.layers.1.self_attn.k_proj", 3, 16, 12, DType::F32, prefix, suffix);
    auto folder =
        adapter_folder(R"({"r": 3, "lora_alpha": 6, "target_modules": ["k_proj"]})", tensors);
    auto adapter = load(folder);
    const auto& k1 = adapter->layers()[1][LoraTarget::K];
    ASSERT_TRUE(k1.present()) << prefix << suffix;
    EXPECT_EQ(k1.rank(), 3);
    EXPECT_EQ(k1.b.rows, 12);
    EXPECT_FLOAT_EQ(k1.scale, 2.0f);
    EXPECT_EQ(f32_at(k1.a, 5), 1.0f + 0.125f * 5);
  }
}

TEST(LoraLoader, KeepsHalfPrecisionAsStored) {
  Tensors tensors;
  add_pair(tensors, kQ0, 2, 16, 24, DType::F16);
  add_pair(tensors, "model.layers.0.mlp.up_proj", 2, 16, 20, DType::BF16);
  tensors["base_model.model.model.layers.0.mlp.up_proj.lora_B.weight"] =
      make_tensor(DType::F32, {20, 2}, ramp(40, 0.5f));  // A and B may differ in dtype
  auto folder = adapter_folder(R"({"r": 2, "target_modules": ["q_proj", "up_proj"]})", tensors);
  auto adapter = load(folder);
  const auto& q0 = adapter->layers()[0][LoraTarget::Q];
  EXPECT_EQ(q0.a.dtype, DType::F16);
  EXPECT_EQ(q0.b.dtype, DType::F16);
  EXPECT_EQ(u16_at(q0.a, 7), float_to_f16(1.0f + 0.125f * 7));
  EXPECT_EQ(u16_at(q0.b, 40), float_to_f16(-2.0f + 0.125f * 40));
  const auto& up0 = adapter->layers()[0][LoraTarget::Up];
  EXPECT_EQ(up0.a.dtype, DType::BF16);
  EXPECT_EQ(u16_at(up0.a, 31), float_to_bf16(1.0f + 0.125f * 31));
  EXPECT_EQ(up0.b.dtype, DType::F32);
  EXPECT_EQ(f32_at(up0.b, 39), 0.5f + 0.125f * 39);
}

TEST(LoraLoader, ScalesFollowRankAndAlphaPatterns) {
  Tensors tensors;
  add_pair(tensors, kQ0, 4, 16, 24);
  add_pair(tensors, "model.layers.0.self_attn.v_proj", 8, 16, 12);
  auto folder = adapter_folder(R"({"r": 8, "lora_alpha": 16, "target_modules": ["q_proj", "v_proj"],
      "rank_pattern": {"q_proj": 4}, "alpha_pattern": {"v_proj": 4}})",
                               tensors);
  auto adapter = load(folder);
  EXPECT_FLOAT_EQ(adapter->layers()[0][LoraTarget::Q].scale, 4.0f);
  EXPECT_FLOAT_EQ(adapter->layers()[0][LoraTarget::V].scale, 0.5f);
  EXPECT_EQ(adapter->max_rank(), 8);
}

TEST(LoraLoader, RefusesAnAdapterForAnotherBase) {
  Tensors tensors;
  add_pair(tensors, kQ0, 4, 32, 24);  // made for hidden_size 32
  auto folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj"]})", tensors);
  expect_refusal(folder,
                 "tensor \"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight\" has "
                 "shape [4,32], expected [4,16]");

  Tensors wide_b;
  add_pair(wide_b, "model.layers.0.self_attn.k_proj", 4, 16, 24);  // k is 12 wide here
  folder = adapter_folder(R"({"r": 4, "target_modules": ["k_proj"]})", wide_b);
  expect_refusal(folder,
                 "tensor \"base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight\" has "
                 "shape [24,4], expected [12,4]");
}

TEST(LoraLoader, RefusesARankAboveTheLimit) {
  Tensors tensors;
  add_pair(tensors, kQ0, 128, 16, 24);
  auto folder = adapter_folder(R"({"r": 128, "target_modules": ["q_proj"]})", tensors);
  EXPECT_EQ(testing::format_error_of([&] { load(folder, LoraLimits{64}); }),
            folder.string() +
                ": rank 128 of model.layers.0.self_attn.q_proj exceeds the maximum LoRA rank 64 "
                "(engine.max_lora_rank)");
  EXPECT_EQ(load(folder, LoraLimits{128})->max_rank(), 128);
}

TEST(LoraLoader, RefusesARankOtherThanTheConfigs) {
  Tensors tensors;
  add_pair(tensors, kQ0, 4, 16, 24);
  auto folder = adapter_folder(R"({"r": 8, "target_modules": ["q_proj"]})", tensors);
  expect_refusal(folder,
                 "model.layers.0.self_attn.q_proj has rank 4 in adapter_model.safetensors but "
                 "rank 8 in adapter_config.json");

  Tensors mismatched;
  add_pair(mismatched, kQ0, 4, 16, 24);
  mismatched["base_model.model." + kQ0 + ".lora_B.weight"] =
      make_tensor(DType::F32, {24, 2}, ramp(48, 0));
  folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj"]})", mismatched);
  expect_refusal(folder, "are not matrices [r,in] and [out,r] of one rank");
}

TEST(LoraLoader, RefusesHalfAPair) {
  Tensors tensors;
  add_pair(tensors, kQ0, 4, 16, 24);
  tensors.erase("base_model.model." + kQ0 + ".lora_B.weight");
  auto folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj"]})", tensors);
  expect_refusal(folder, "tensor \"base_model.model." + kQ0 +
                             ".lora_A.weight\" has no matching lora_B tensor");

  Tensors only_b;
  add_pair(only_b, kQ0, 4, 16, 24);
  only_b.erase("base_model.model." + kQ0 + ".lora_A.weight");
  folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj"]})", only_b);
  expect_refusal(folder, "has no matching lora_A tensor");
}

TEST(LoraLoader, RefusesTheSameMatrixTwice) {
  Tensors tensors;
  add_pair(tensors, kQ0, 4, 16, 24);
  add_pair(tensors, kQ0, 4, 16, 24, DType::F32, "base_model.model.", ".default.weight");
  auto folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj"]})", tensors);
  expect_refusal(folder, "are the same matrix");
}

TEST(LoraLoader, RefusesUnsupportedModulesAndTensors) {
  const std::string config = R"({"r": 4, "target_modules": "all-linear"})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"base_model.model.lm_head.lora_A.weight", "adapters on lm_head are not supported"},
      {"base_model.model.model.embed_tokens.lora_A.weight",
       "adapters on model.embed_tokens are not supported"},
      {"base_model.model.model.embed_tokens.lora_embedding_A",
       "adapters on embeddings are not supported"},
      {"base_model.model." + kQ0 + ".lora_magnitude_vector.weight",
       "DoRA (lora_magnitude_vector) is not supported"},
      {"base_model.model." + kQ0 + ".lora_magnitude_vector",
       "DoRA (lora_magnitude_vector) is not supported"},
      {"base_model.model." + kQ0 + ".lora_B.bias", "trained LoRA biases are not supported"},
      {"base_model.model.lm_head.weight", "is not a LoRA matrix"},
      {"base_model.model.lm_head.modules_to_save.default.weight", "is not a LoRA matrix"},
      {"base_model.model." + kQ0 + ".lora_A.other.weight", "is not a LoRA matrix"},
      {"base_model.model.model.layers.0.self_attn.rotary_emb.lora_A.weight",
       "module \"model.layers.0.self_attn.rotary_emb\" is not supported"},
      {"base_model.model.model.layers.0.mlp.q_proj.lora_A.weight",
       "module \"model.layers.0.mlp.q_proj\" is not supported"},
      {"base_model.model.model.layers.01.self_attn.q_proj.lora_A.weight", "is not supported"},
      {"base_model.model.transformer.h.0.attn.c_attn.lora_A.weight", "is not supported"},
  };
  for (const auto& [name, expected] : cases) {
    Tensors tensors;
    add_pair(tensors, kQ0, 4, 16, 24);
    tensors[name] = make_tensor(DType::F32, {4, 16}, ramp(64, 0));
    auto folder = adapter_folder(config, tensors);
    SCOPED_TRACE(name);
    expect_refusal(folder, "tensor \"" + name + "\"");
    expect_refusal(folder, expected);
  }
}

TEST(LoraLoader, RefusesOtherDtypesByName) {
  auto folder = testing::fresh_folder();
  testing::write_text(folder / "adapter_config.json", R"({"r": 1, "target_modules": ["q_proj"]})");
  const std::string name = "base_model.model." + kQ0 + ".lora_A.weight";
  testing::write_text(
      folder / "adapter_model.safetensors",
      testing::raw_safetensors(
          R"({")" + name + R"(":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]}})",
          std::string(8, '\0')));
  expect_refusal(folder, "tensor \"" + name + "\": unsupported dtype \"F64\"");
}

TEST(LoraLoader, RefusesALayerTheBaseDoesNotHave) {
  Tensors tensors;
  add_pair(tensors, "model.layers.3.self_attn.q_proj", 4, 16, 24);
  auto folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj"]})", tensors);
  expect_refusal(folder, "layer 3 does not exist, the base model has 3 layers");
}

TEST(LoraLoader, RefusesWeightsTheConfigDoesNotTarget) {
  Tensors tensors;
  add_pair(tensors, kQ0, 4, 16, 24);
  add_pair(tensors, "model.layers.0.self_attn.k_proj", 4, 16, 12);
  auto folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj", "v_proj"]})", tensors);
  expect_refusal(folder,
                 "adapter_model.safetensors adapts model.layers.0.self_attn.k_proj, which "
                 "adapter_config.json does not target");

  Tensors other_layer;
  add_pair(other_layer, "model.layers.1.self_attn.q_proj", 4, 16, 24);
  folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj"], "layers_to_transform": [0]})",
                          other_layer);
  expect_refusal(folder, "adapts model.layers.1.self_attn.q_proj");
}

TEST(LoraLoader, RefusesAnEmptyAdapter) {
  auto folder = adapter_folder(R"({"r": 4, "target_modules": ["q_proj"]})", {});
  expect_refusal(folder, "adapter_model.safetensors holds no tensors");
}

TEST(LoraLoader, RefusesMissingFiles) {
  auto folder = testing::fresh_folder();
  EXPECT_EQ(testing::format_error_of([&] { load(folder / "absent"); }),
            (folder / "absent").string() +
                ": is not a folder (an adapter folder holds adapter_config.json and "
                "adapter_model.safetensors)");

  Tensors tensors;
  add_pair(tensors, kQ0, 4, 16, 24);
  write_safetensors(folder / "adapter_model.safetensors", tensors);
  EXPECT_EQ(testing::format_error_of([&] { load(folder); }),
            folder.string() + ": adapter_config.json is missing");

  std::filesystem::remove(folder / "adapter_model.safetensors");
  testing::write_text(folder / "adapter_config.json", R"({"r": 4})");
  EXPECT_EQ(testing::format_error_of([&] { load(folder); }),
            folder.string() + ": adapter_model.safetensors is missing");

  testing::write_text(folder / "adapter_model.bin", "PK pickle");
  expect_refusal(folder, "adapter_model.safetensors is missing; adapter_model.bin");
  expect_refusal(folder, "convert it to safetensors");
}

TEST(LoraLoader, ConfigErrorsStartWithTheFolder) {
  Tensors tensors;
  add_pair(tensors, kQ0, 4, 16, 24);
  auto folder = adapter_folder(R"({"r": 4, "use_dora": true})", tensors);
  expect_refusal(folder, "adapter_config.json: use_dora: DoRA adapters are not supported");
}

}  // namespace
}  // namespace slipway::engine
