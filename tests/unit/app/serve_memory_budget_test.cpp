#include <gtest/gtest.h>

#include "app/serve/memory_budget.h"

namespace slipway::app {
namespace {

engine::ModelConfig small_model() {
  engine::ModelConfig config;
  config.num_hidden_layers = 2;
  config.num_key_value_heads = 2;
  config.head_dim = 8;
  config.max_position_embeddings = 4096;
  return config;
}

// 2 (K and V) * layers * kv heads * head_dim * block_size * 4 bytes.
constexpr int64_t kBlockBytes = 2 * 2 * 2 * 8 * 16 * 4;

TEST(MemoryBudget, ParsesMemTotal) {
  const std::string meminfo =
      "MemTotal:       24587140 kB\nMemFree:        20000000 kB\nMemAvailable:   22000000 kB\n";
  EXPECT_EQ(parse_mem_total_bytes(meminfo), int64_t{24587140} * 1024);
  EXPECT_EQ(parse_mem_total_bytes("MemFree: 1 kB\n"), std::nullopt);
  EXPECT_EQ(parse_mem_total_bytes("MemTotal: lots\n"), std::nullopt);
  EXPECT_EQ(parse_mem_total_bytes(""), std::nullopt);
}

TEST(MemoryBudget, DefaultIsEightyPercentOfTheMachine) {
  const int64_t budget = default_memory_budget_bytes();
  EXPECT_GT(budget, 0);
  EXPECT_EQ(memory_budget_bytes(0), budget);
  EXPECT_EQ(memory_budget_bytes(512), 512 * kMiB);
  EXPECT_EQ(memory_budget_bytes(0.5), kMiB / 2);
}

TEST(MemoryBudget, KvCacheFollowsTheSchedulersArithmetic) {
  EngineSettings engine;  // kv_cache_mb 0: max_num_seqs sequences of 2,048 tokens
  engine.max_num_seqs = 4;
  EXPECT_EQ(kv_cache_bytes(small_model(), engine), 4 * (2048 / 16) * kBlockBytes);
  // The context caps the tokens per sequence.
  engine::ModelConfig short_context = small_model();
  short_context.max_position_embeddings = 100;
  EXPECT_EQ(kv_cache_bytes(short_context, engine), 4 * 7 * kBlockBytes);  // ceil(100 / 16)
  // An explicit budget is rounded down to whole blocks.
  engine.kv_cache_mb = 1;
  EXPECT_EQ(kv_cache_bytes(small_model(), engine), kMiB / kBlockBytes * kBlockBytes);
  // The default never exceeds 2 GiB.
  engine.kv_cache_mb = 0;
  engine.max_num_seqs = 1 << 20;
  EXPECT_LE(kv_cache_bytes(small_model(), engine), int64_t{2} << 30);
  EXPECT_GT(kv_cache_bytes(small_model(), engine), (int64_t{2} << 30) - kBlockBytes);
}

TEST(MemoryBudget, WeightsAreTheSafetensorsFiles) {
  std::vector<registry::Artifact> artifacts = {
      {"config.json", 700, "", 0},
      {"model-00001-of-00002.safetensors", 1000, "", 0},
      {"model-00002-of-00002.safetensors", 500, "", 0},
      {"tokenizer.json", 9000, "", 0},
      {"model.safetensors.index.json", 300, "", 0},
  };
  EXPECT_EQ(weights_bytes(artifacts), 1500);
  EXPECT_EQ(weights_bytes({}), 0);
}

TEST(MemoryBudget, AdmissionRefusesWhatDoesNotFit) {
  EXPECT_EQ(admission_refusal(0, 100 * kMiB, 100 * kMiB), std::nullopt);  // exactly full
  EXPECT_EQ(admission_refusal(60 * kMiB, 40 * kMiB, 100 * kMiB), std::nullopt);
  const auto refusal = admission_refusal(60 * kMiB, 41 * kMiB, 100 * kMiB);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("41.0 MiB"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("60.0 MiB"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("100.0 MiB"), std::string::npos) << *refusal;
  EXPECT_TRUE(admission_refusal(0, 101 * kMiB, 100 * kMiB).has_value());
}

}  // namespace
}  // namespace slipway::app

namespace slipway::app {
namespace {

TEST(MemoryAccounting, SharedBaseEnginesCountOnce) {
  const MemoryUse base{"/models/llama", 1000, 0};
  const MemoryUse adapter_a{"/models/llama", 1000, 30};
  const MemoryUse adapter_b{"/models/llama", 1000, 50};
  const MemoryUse other{"/models/other", 700, 0};
  const MemoryUse upstream{};
  EXPECT_EQ(memory_used({}), 0);
  EXPECT_EQ(memory_used({base}), 1000);
  EXPECT_EQ(memory_used({base, adapter_a, adapter_b}), 1080);
  // Adapters alone still keep (and count) their base's engine.
  EXPECT_EQ(memory_used({adapter_a, adapter_b}), 1080);
  EXPECT_EQ(memory_used({base, adapter_a, other, upstream}), 1730);
}

TEST(MemoryAccounting, AdmissionCountsTheBaseOnlyWhenItIsNotLoaded) {
  const MemoryUse base{"/models/llama", 1000, 0};
  const MemoryUse adapter{"/models/llama", 1000, 30};
  EXPECT_EQ(memory_needed({}, adapter), 1030);
  EXPECT_EQ(memory_needed({base}, adapter), 30);
  EXPECT_EQ(memory_needed({adapter}, base), 0);  // the base by name on the adapter's engine
  EXPECT_EQ(memory_needed({MemoryUse{"/models/other", 5, 0}}, adapter), 1030);
  EXPECT_EQ(memory_needed({base}, MemoryUse{}), 0);
}

}  // namespace
}  // namespace slipway::app
