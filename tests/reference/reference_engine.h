#pragma once
// The engine's side of the reference suites: the deterministic tokens both sides run, the
// engine's logits for every position, and the tolerance they must meet.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/compute_pool.h"
#include "engine/forward_pass.h"
#include "engine/kv_cache.h"
#include "engine/lora/lora_adapter.h"
#include "engine/model.h"

namespace slipway::reference {

inline constexpr int kTokens = 64;
// max |engine - reference| <= kRelTolerance * max |reference| over all logits.
inline constexpr double kRelTolerance = 1e-4;

// Deterministic token ids spread over the whole vocabulary (an LCG, reduced mod vocab).
inline std::vector<int32_t> pick_tokens(int64_t vocab, uint64_t seed) {
  std::vector<int32_t> tokens;
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  for (int i = 0; i < kTokens; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    tokens.push_back(static_cast<int32_t>((state >> 33) % static_cast<uint64_t>(vocab)));
  }
  return tokens;
}

// Engine logits for all positions, fed as the given chunk sizes (prompt chunks / decode steps),
// with `adapter` applied to every chunk (nullptr: the bare model).
inline std::vector<float> engine_logits(const std::shared_ptr<const engine::Model>& model,
                                        const engine::LoraAdapter* adapter,
                                        const std::vector<int32_t>& tokens,
                                        const std::vector<int>& chunks) {
  const engine::ModelConfig& config = model->config();
  engine::ComputePool pool(2);
  const int32_t block_size = 16;
  const auto blocks = static_cast<int64_t>(tokens.size() + block_size - 1) / block_size + 2;
  engine::KvCache cache(config, block_size, blocks);
  engine::ForwardPass forward(model, cache, pool);
  engine::SequenceKv seq;
  std::vector<float> all;
  std::size_t begin = 0;
  for (int chunk : chunks) {
    std::size_t n = std::min<std::size_t>(chunk, tokens.size() - begin);
    if (n == 0) break;
    EXPECT_TRUE(cache.reserve(seq, static_cast<int64_t>(begin + n)));
    std::vector<engine::ForwardRequest> batch(1);
    batch[0].kv = &seq;
    batch[0].tokens = std::span<const int32_t>(tokens.data() + begin, n);
    batch[0].all_logits = true;
    batch[0].adapter = adapter;
    std::vector<std::vector<float>> logits;
    forward.run(batch, logits);
    EXPECT_EQ(logits.size(), 1u);
    EXPECT_EQ(logits.at(0).size(), n * static_cast<std::size_t>(config.vocab_size));
    EXPECT_EQ(seq.num_tokens, static_cast<int64_t>(begin + n));
    all.insert(all.end(), logits.at(0).begin(), logits.at(0).end());
    begin += n;
  }
  EXPECT_EQ(begin, tokens.size());
  cache.release(seq);
  return all;
}

}  // namespace slipway::reference
