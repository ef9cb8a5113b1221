// Paged KV cache accounting: blocks are reserved and returned exactly, a request that does
// not fit takes nothing, and positions of different blocks, layers and K/V never overlap.
#include "engine/kv_cache.h"

#include <gtest/gtest.h>

#include <set>

namespace slipway::engine {
namespace {

ModelConfig small_config() {
  ModelConfig c;
  c.num_hidden_layers = 3;
  c.num_attention_heads = 4;
  c.num_key_value_heads = 2;
  c.head_dim = 8;
  c.hidden_size = 32;
  return c;
}

TEST(KvCache, ReserveAndReleaseAccounting) {
  KvCache cache(small_config(), 16, 10);
  EXPECT_EQ(KvCache::bytes_per_block(small_config(), 16), 2u * 3 * 2 * 8 * 16 * sizeof(float));
  SequenceKv a, b;
  EXPECT_TRUE(cache.reserve(a, 1));
  EXPECT_EQ(a.block_table.size(), 1u);
  EXPECT_TRUE(cache.reserve(a, 16));  // still one block
  EXPECT_EQ(cache.free_blocks(), 9);
  EXPECT_TRUE(cache.reserve(a, 33));
  EXPECT_EQ(a.block_table.size(), 3u);
  EXPECT_TRUE(cache.reserve(b, 100));
  EXPECT_EQ(b.block_table.size(), 7u);
  EXPECT_EQ(cache.free_blocks(), 0);
  std::set<int32_t> all(a.block_table.begin(), a.block_table.end());
  all.insert(b.block_table.begin(), b.block_table.end());
  EXPECT_EQ(all.size(), 10u);  // no block handed out twice

  a.num_tokens = 33;
  cache.release(a);
  EXPECT_TRUE(a.block_table.empty());
  EXPECT_EQ(a.num_tokens, 0);
  EXPECT_EQ(cache.free_blocks(), 3);
  cache.release(b);
  EXPECT_EQ(cache.free_blocks(), 10);
}

TEST(KvCache, OutOfBlocksTakesNothing) {
  KvCache cache(small_config(), 4, 5);
  SequenceKv a, b;
  ASSERT_TRUE(cache.reserve(a, 12));  // 3 blocks
  const auto before = b.block_table;
  EXPECT_FALSE(cache.reserve(b, 9));  // needs 3, 2 free
  EXPECT_EQ(b.block_table, before);
  EXPECT_EQ(cache.free_blocks(), 2);
  EXPECT_FALSE(cache.reserve(a, 21));  // needs 3 more
  EXPECT_EQ(a.block_table.size(), 3u);
  EXPECT_TRUE(cache.reserve(b, 8));
  EXPECT_EQ(cache.free_blocks(), 0);
}

TEST(KvCache, StorageOfPositionsIsDisjoint) {
  const ModelConfig c = small_config();
  KvCache cache(c, 2, 3);
  const int64_t width = c.num_key_value_heads * c.head_dim;
  std::set<const float*> starts;
  for (int32_t block = 0; block < 3; ++block)
    for (int64_t layer = 0; layer < 3; ++layer)
      for (int32_t slot = 0; slot < 2; ++slot) {
        float* k = cache.key(block, layer, slot);
        float* v = cache.value(block, layer, slot);
        for (int64_t i = 0; i < width; ++i) {
          k[i] = 1.0f;
          v[i] = 2.0f;
        }
        EXPECT_TRUE(starts.insert(k).second);
        EXPECT_TRUE(starts.insert(v).second);
      }
  // Each start is at least `width` floats from the next: writes above never overlapped.
  const float* prev = nullptr;
  for (const float* p : starts) {
    if (prev) {
      EXPECT_GE(p - prev, width);
    }
    prev = p;
  }
  EXPECT_EQ(*cache.key(2, 2, 1), 1.0f);
  EXPECT_EQ(*cache.value(0, 0, 0), 2.0f);
}

}  // namespace
}  // namespace slipway::engine
