#include "engine/format/weight_set.h"

#include <gtest/gtest.h>

#include "engine/format/safetensors_writer.h"
#include "format_error_of.h"
#include "format_test_files.h"

namespace slipway::engine {
namespace {

OwnedTensor ones(std::vector<int64_t> shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  return make_tensor(DType::F32, std::move(shape), std::vector<float>(n, 1.0f));
}

// Two shards and an index naming every tensor.
std::filesystem::path sharded_folder() {
  auto folder = testing::fresh_folder();
  write_safetensors(
      folder / "model-00001-of-00002.safetensors",
      {{"model.embed_tokens.weight", ones({8, 4})}, {"model.norm.weight", ones({4})}});
  write_safetensors(folder / "model-00002-of-00002.safetensors",
                    {{"lm_head.weight", ones({8, 4})}});
  testing::write_text(folder / "model.safetensors.index.json", R"({
    "metadata": {"total_size": 160},
    "weight_map": {
      "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
      "model.norm.weight": "model-00001-of-00002.safetensors",
      "lm_head.weight": "model-00002-of-00002.safetensors"
    }})");
  return folder;
}

TEST(WeightSet, SingleFile) {
  auto folder = testing::fresh_folder();
  write_safetensors(folder / "model.safetensors", {{"a", ones({2, 3})}, {"b", ones({3})}});
  auto set = WeightSet::open_folder(folder);
  EXPECT_EQ(set.origin(), folder);
  EXPECT_EQ(set.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(set.get("a", {2, 3}).as<float>()[5], 1.0f);
  EXPECT_EQ(set.find("c"), nullptr);
}

TEST(WeightSet, ErrorsNameFolderAndTensor) {
  auto folder = testing::fresh_folder();
  write_safetensors(folder / "model.safetensors", {{"a", ones({2, 3})}});
  auto set = WeightSet::open_folder(folder);
  EXPECT_EQ(testing::format_error_of([&] { set.get("model.layers.3.mlp.up_proj.weight"); }),
            folder.string() + ": missing tensor model.layers.3.mlp.up_proj.weight");
  EXPECT_EQ(testing::format_error_of([&] {
              set.get("a", {3, 2});
            }),
            folder.string() + ": tensor a has shape [2,3], expected [3,2]");
}

TEST(WeightSet, ShardedFolder) {
  auto folder = sharded_folder();
  auto set = WeightSet::open_folder(folder);
  EXPECT_EQ(set.names().size(), 3u);
  EXPECT_EQ(set.get("lm_head.weight", {8, 4}).numel(), 32);
  EXPECT_EQ(set.get("model.norm.weight", {4}).as<float>()[0], 1.0f);
  // Views stay valid in copies of the set.
  WeightSet copy = set;
  EXPECT_EQ(copy.get("model.embed_tokens.weight").data, set.get("model.embed_tokens.weight").data);
}

TEST(WeightSet, NoWeights) {
  auto folder = testing::fresh_folder();
  EXPECT_NE(testing::format_error_of([&] {
              WeightSet::open_folder(folder);
            }).find("no model.safetensors or model.safetensors.index.json"),
            std::string::npos);
}

TEST(WeightSet, MissingShard) {
  auto folder = sharded_folder();
  std::filesystem::remove(folder / "model-00002-of-00002.safetensors");
  auto message = testing::format_error_of([&] { WeightSet::open_folder(folder); });
  EXPECT_NE(message.find("shard \"model-00002-of-00002.safetensors\" does not exist"),
            std::string::npos)
      << message;
}

TEST(WeightSet, TensorNotInItsShard) {
  auto folder = sharded_folder();
  testing::write_text(folder / "model.safetensors.index.json", R"({"weight_map": {
      "model.embed_tokens.weight": "model-00002-of-00002.safetensors",
      "model.norm.weight": "model-00001-of-00002.safetensors",
      "lm_head.weight": "model-00002-of-00002.safetensors"}})");
  auto message = testing::format_error_of([&] { WeightSet::open_folder(folder); });
  EXPECT_NE(message.find("\"model.embed_tokens.weight\" is not in its shard"), std::string::npos)
      << message;
}

TEST(WeightSet, DuplicateAcrossShards) {
  auto folder = sharded_folder();
  write_safetensors(folder / "model-00002-of-00002.safetensors",
                    {{"lm_head.weight", ones({8, 4})}, {"model.norm.weight", ones({4})}});
  auto message = testing::format_error_of([&] { WeightSet::open_folder(folder); });
  EXPECT_NE(message.find("\"model.norm.weight\" is also in"), std::string::npos) << message;
}

TEST(WeightSet, BadIndex) {
  auto folder = sharded_folder();
  auto index = folder / "model.safetensors.index.json";
  for (const char* text :
       {"{", "[]", R"({"metadata":{}})", R"({"weight_map":{"a":1}})", R"({"weight_map":{}})",
        R"({"weight_map":{"a":"../x.safetensors"}})", R"({"weight_map":{"a":"/etc/passwd"}})"}) {
    testing::write_text(index, text);
    auto message = testing::format_error_of([&] { WeightSet::open_folder(folder); });
    EXPECT_EQ(message.rfind(index.string(), 0), 0u) << text << " -> " << message;
  }
}

TEST(WeightSet, OpenFiles) {
  auto folder = sharded_folder();
  auto set = WeightSet::open_files({folder / "model-00002-of-00002.safetensors"});
  EXPECT_EQ(set.names(), (std::vector<std::string>{"lm_head.weight"}));
  EXPECT_EQ(set.origin(), folder / "model-00002-of-00002.safetensors");
}

}  // namespace
}  // namespace slipway::engine
