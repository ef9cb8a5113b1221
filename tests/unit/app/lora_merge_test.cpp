#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/lora/merge_adapter.h"
#include "app/tiny_model/tiny_adapter.h"
#include "app/tiny_model/tiny_model.h"
#include "engine/format/safetensors_file.h"
#include "engine/format/safetensors_writer.h"
#include "engine/format/weight_set.h"
#include "file_bytes.h"
#include "run_subcommand.h"
#include "test_dir.h"

namespace slipway::app {
namespace {

namespace fs = std::filesystem;

double value_at(const engine::TensorView& view, std::size_t index) {
  switch (view.dtype) {
    case engine::DType::F32:
      return view.as<float>()[index];
    case engine::DType::F16:
      return engine::f16_to_float(view.as<uint16_t>()[index]);
    case engine::DType::BF16:
      return engine::bf16_to_float(view.as<uint16_t>()[index]);
  }
  return 0;
}

// A LoRA matrix as a tensor view, so that value_at reads it as it reads the weights.
engine::TensorView view_of(const std::string& name, const engine::kernels::WeightMatrix& m) {
  const auto nbytes = static_cast<std::size_t>(m.rows * m.cols) * engine::dtype_size(m.dtype);
  return {name, m.dtype, {m.rows, m.cols}, m.data, nbytes};
}

// The base's weights split into two shards plus an index, as Hugging Face saves large models.
void shard_in_two(const fs::path& single, const fs::path& out) {
  fs::create_directories(out);
  for (const auto& entry : fs::directory_iterator(single)) {
    if (entry.path().filename() != "model.safetensors")
      fs::copy_file(entry.path(), out / entry.path().filename());
  }
  auto file = engine::SafetensorsFile::open(single / "model.safetensors");
  std::map<std::string, engine::OwnedTensor> shards[2];
  nlohmann::json index;
  int64_t total = 0, i = 0;
  for (const auto& [name, view] : file->tensors()) {
    const int part = static_cast<int>(i++ % 2);
    engine::OwnedTensor tensor{view.dtype, view.shape, {view.data, view.data + view.nbytes}};
    shards[part].emplace(name, std::move(tensor));
    index["weight_map"][name] = "model-0000" + std::to_string(part + 1) + "-of-00002.safetensors";
    total += static_cast<int64_t>(view.nbytes);
  }
  index["metadata"]["total_size"] = total;
  for (int part = 0; part < 2; ++part) {
    engine::write_safetensors(
        out / ("model-0000" + std::to_string(part + 1) + "-of-00002.safetensors"), shards[part],
        {{"format", "pt"}});
  }
  write_bytes(out / "model.safetensors.index.json", index.dump(2));
}

class LoraMerge : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("lora_merge", "case");
    base_ = dir_ / "base";
    adapter_ = dir_ / "adapter";
    out_ = dir_ / "merged";
  }
  void make(engine::DType dtype, TinyAdapterOptions adapter_options = {}) {
    TinyModelOptions options;
    options.dtype = dtype;
    options.seed = 3;
    write_tiny_model(base_, options);
    write_tiny_adapter(adapter_, base_, adapter_options);
  }
  // Checks every element of `name` in out_ against W + scale * B A computed here in double,
  // rounded to the stored dtype; returns how many elements differ from the base.
  int64_t expect_merged(const std::string& name, const engine::LoraModule& module) {
    auto base = engine::WeightSet::open_folder(base_);
    auto merged = engine::WeightSet::open_folder(out_);
    const auto& w = base.get(name);
    const auto& m = merged.get(name);
    EXPECT_EQ(m.dtype, w.dtype);
    EXPECT_EQ(m.shape, w.shape);
    const engine::TensorView a = view_of("a", module.a), b = view_of("b", module.b);
    const int64_t rows = w.shape[0], cols = w.shape[1], rank = module.rank();
    int64_t changed = 0;
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) {
        double delta = 0;
        for (int64_t k = 0; k < rank; ++k)
          delta += value_at(b, i * rank + k) * value_at(a, k * cols + j);
        const auto index = static_cast<std::size_t>(i * cols + j);
        const double exact = value_at(w, index) + static_cast<double>(module.scale) * delta;
        const double got = value_at(m, index);
        // One rounding of the exact sum: within half a unit in the last place of the dtype.
        const double ulp = w.dtype == engine::DType::F32   ? 0x1p-24
                           : w.dtype == engine::DType::F16 ? 0x1p-11
                                                           : 0x1p-8;
        EXPECT_LE(std::fabs(got - exact), ulp * std::fabs(exact) + 1e-30) << name << " " << index;
        changed += got != value_at(w, index);
      }
    }
    return changed;
  }
  fs::path dir_, base_, adapter_, out_;
};

TEST_F(LoraMerge, MergedMatricesAreBasePlusScaledProduct) {
  TinyAdapterOptions options;
  options.targets = {"all"};
  make(engine::DType::F32, options);
  MergeReport report = merge_adapter(base_, adapter_, out_, {});
  auto config = engine::load_model_config(base_);
  EXPECT_EQ(report.modules_merged, config.num_hidden_layers * 7);
  EXPECT_EQ(report.tensors_written,
            static_cast<int64_t>(engine::WeightSet::open_folder(base_).names().size()));
  EXPECT_EQ(report.bytes_written, static_cast<int64_t>(fs::file_size(out_ / "model.safetensors")));

  auto adapter = engine::load_lora_adapter(adapter_, config, {}, "a");
  const auto& layer = adapter->layers().at(1);
  EXPECT_GT(expect_merged("model.layers.1.self_attn.k_proj.weight", layer[engine::LoraTarget::K]),
            0);
  EXPECT_GT(expect_merged("model.layers.1.mlp.down_proj.weight", layer[engine::LoraTarget::Down]),
            0);
  // Everything else is the base's, bit for bit.
  auto base = engine::WeightSet::open_folder(base_);
  auto merged = engine::WeightSet::open_folder(out_);
  for (const char* name : {"model.embed_tokens.weight", "model.layers.0.input_layernorm.weight",
                           "model.norm.weight"}) {
    const auto& w = base.get(name);
    const auto& m = merged.get(name);
    ASSERT_EQ(m.nbytes, w.nbytes);
    EXPECT_EQ(std::memcmp(m.data, w.data, w.nbytes), 0) << name;
  }
}

TEST_F(LoraMerge, Bf16BaseStaysBf16) {
  make(engine::DType::BF16);
  merge_adapter(base_, adapter_, out_, {});
  auto merged = engine::WeightSet::open_folder(out_);
  for (const auto& name : merged.names()) EXPECT_EQ(merged.get(name).dtype, engine::DType::BF16);
  auto config = engine::load_model_config(base_);
  auto adapter = engine::load_lora_adapter(adapter_, config, {}, "a");
  EXPECT_GT(expect_merged("model.layers.3.self_attn.o_proj.weight",
                          adapter->layers().at(3)[engine::LoraTarget::O]),
            0);
  EXPECT_EQ(read_bytes(out_ / "config.json"), read_bytes(base_ / "config.json"));
}

TEST_F(LoraMerge, OtherFilesAreCopiedOtherWeightsAreNot) {
  make(engine::DType::F32);
  write_bytes(base_ / "chat_template.jinja", "{{ messages }}");
  write_bytes(base_ / "special_tokens_map.json", "{}");
  write_bytes(base_ / "pytorch_model.bin", "stale unmerged weights");
  fs::create_directories(base_ / "original");
  write_bytes(base_ / "original" / "consolidated.00.pth", "stale");
  merge_adapter(base_, adapter_, out_, {});
  for (const char* file :
       {"config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
        "chat_template.jinja", "special_tokens_map.json"}) {
    ASSERT_TRUE(fs::exists(out_ / file)) << file;
    EXPECT_EQ(read_bytes(out_ / file), read_bytes(base_ / file)) << file;
  }
  EXPECT_FALSE(fs::exists(out_ / "pytorch_model.bin"));
  EXPECT_FALSE(fs::exists(out_ / "original"));
  EXPECT_FALSE(fs::exists(out_ / "model.safetensors.index.json"));
  // Nothing left next to the output.
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
}

TEST_F(LoraMerge, ShardLayoutIsPreserved) {
  make(engine::DType::BF16);
  const fs::path sharded = dir_ / "sharded";
  shard_in_two(base_, sharded);
  MergeReport report = merge_adapter(sharded, adapter_, out_, {});
  EXPECT_FALSE(fs::exists(out_ / "model.safetensors"));
  auto base_index = nlohmann::json::parse(read_bytes(sharded / "model.safetensors.index.json"));
  auto out_index = nlohmann::json::parse(read_bytes(out_ / "model.safetensors.index.json"));
  EXPECT_EQ(out_index.at("weight_map"), base_index.at("weight_map"));
  EXPECT_EQ(out_index.at("metadata").at("total_size"), base_index.at("metadata").at("total_size"));
  int64_t file_bytes = 0;
  for (const char* shard :
       {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}) {
    auto in = engine::SafetensorsFile::open(sharded / shard);
    auto out = engine::SafetensorsFile::open(out_ / shard);
    ASSERT_EQ(out->tensors().size(), in->tensors().size()) << shard;
    for (const auto& [name, view] : in->tensors()) {
      const auto* merged = out->find(name);
      ASSERT_NE(merged, nullptr) << name;
      EXPECT_EQ(merged->dtype, view.dtype);
      EXPECT_EQ(merged->shape, view.shape);
    }
    EXPECT_EQ(out->metadata(), in->metadata());
    file_bytes += static_cast<int64_t>(fs::file_size(out_ / shard));
  }
  EXPECT_EQ(report.bytes_written, file_bytes);
  EXPECT_EQ(report.modules_merged, 4 * 4);  // 4 layers x q, k, v, o
  auto config = engine::load_model_config(base_);
  auto adapter = engine::load_lora_adapter(adapter_, config, {}, "a");
  EXPECT_GT(expect_merged("model.layers.0.self_attn.q_proj.weight",
                          adapter->layers().at(0)[engine::LoraTarget::Q]),
            0);
}

// A base that fails while being read (a shard gone) leaves neither OUT nor its temporary.
TEST_F(LoraMerge, FailedMergeLeavesNothing) {
  make(engine::DType::F32);
  const fs::path sharded = dir_ / "sharded";
  shard_in_two(base_, sharded);
  fs::remove(sharded / "model-00002-of-00002.safetensors");
  EXPECT_THROW(merge_adapter(sharded, adapter_, out_, {}), std::runtime_error);
  EXPECT_FALSE(fs::exists(out_));
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
}

TEST_F(LoraMerge, RefusesBadOutputs) {
  make(engine::DType::F32);
  fs::create_directories(out_);
  write_bytes(out_ / "keep.txt", "mine");
  try {
    merge_adapter(base_, adapter_, out_, {});
    ADD_FAILURE() << "merged into a non-empty folder";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not empty"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_bytes(out_ / "keep.txt"), "mine");
  EXPECT_THROW(merge_adapter(base_, adapter_, base_, {}), std::runtime_error);
  EXPECT_THROW(merge_adapter(base_, adapter_, base_ / "." / "", {}), std::runtime_error);
  EXPECT_THROW(merge_adapter(base_, adapter_, base_ / "sub", {}), std::runtime_error);
  EXPECT_THROW(merge_adapter(base_, adapter_, adapter_, {}), std::runtime_error);
  EXPECT_THROW(merge_adapter(base_, adapter_, adapter_ / "x" / "y", {}), std::runtime_error);
  EXPECT_THROW(merge_adapter(base_, adapter_, base_ / "config.json", {}), std::runtime_error);
  EXPECT_FALSE(fs::exists(base_ / "sub"));
  // An existing empty folder is fine.
  fs::remove_all(out_);
  fs::create_directories(out_);
  merge_adapter(base_, adapter_, out_, {});
  EXPECT_TRUE(fs::exists(out_ / "model.safetensors"));
}

// The error names the adapter and nothing is left at `out`.
void expect_adapter_refused(const fs::path& base, const fs::path& adapter, const fs::path& out,
                            const engine::LoraLimits& limits, const std::string& what) {
  try {
    merge_adapter(base, adapter, out, limits);
    ADD_FAILURE() << what << ": merged";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(adapter.string()), std::string::npos)
        << what << ": " << e.what();
  }
  EXPECT_FALSE(fs::exists(out)) << what;
}

TEST_F(LoraMerge, RefusesBadAdapters) {
  make(engine::DType::F32);
  // Made for a base with another intermediate size: down_proj's A does not fit.
  const fs::path other = dir_ / "other_base";
  fs::create_directories(other);
  auto config = nlohmann::json::parse(read_bytes(base_ / "config.json"));
  config["intermediate_size"] = 96;
  write_bytes(other / "config.json", config.dump());
  TinyAdapterOptions options;
  options.targets = {"down_proj"};
  write_tiny_adapter(dir_ / "mismatch", other, options);
  expect_adapter_refused(base_, dir_ / "mismatch", out_, {}, "shape mismatch");

  expect_adapter_refused(base_, adapter_, out_, engine::LoraLimits{4}, "rank above the limit");

  auto dora = nlohmann::json::parse(read_bytes(adapter_ / "adapter_config.json"));
  dora["use_dora"] = true;
  fs::create_directories(dir_ / "dora");
  write_bytes(dir_ / "dora" / "adapter_config.json", dora.dump());
  fs::copy_file(adapter_ / "adapter_model.safetensors",
                dir_ / "dora" / "adapter_model.safetensors");
  expect_adapter_refused(base_, dir_ / "dora", out_, {}, "use_dora");

  fs::remove(adapter_ / "adapter_model.safetensors");
  expect_adapter_refused(base_, adapter_, out_, {}, "missing weights");
  EXPECT_THROW(merge_adapter(base_, dir_ / "no_such_adapter", out_, {}), std::runtime_error);
}

void run_cli(const std::vector<std::string>& words) {
  run_subcommand(register_lora_command, words);
}

TEST_F(LoraMerge, CliPrintsASummary) {
  make(engine::DType::F32);
  const std::string base = base_.string(), adapter = adapter_.string(), out = out_.string();
  EXPECT_THROW(run_cli({"lora"}), CLI::ParseError);
  EXPECT_THROW(run_cli({"lora", "merge", "--base", base, "--adapter", adapter}), CLI::ParseError);
  EXPECT_THROW(run_cli({"lora", "merge", "--base", base, "--adapter", adapter, "--out", out,
                        "--max-rank", "0"}),
               CLI::ParseError);
  ::testing::internal::CaptureStdout();
  run_cli({"lora", "merge", "--base", base, "--adapter", adapter, "--out", out, "--max-rank", "8"});
  const std::string printed = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(
      printed.rfind("merged 16 modules of " + adapter + " into " + base + ": " + out + " (", 0), 0u)
      << printed;
  EXPECT_NE(printed.find(" tensors, "), std::string::npos) << printed;
  EXPECT_NE(printed.find(" MiB)"), std::string::npos) << printed;
}

}  // namespace
}  // namespace slipway::app
