// The scheduler's block pool (reference counts, prefix cache, LRU eviction) and its prefill
// ordering, on their own.
#include <gtest/gtest.h>

#include "engine/scheduling/block_pool.h"
#include "engine/scheduling/prefill_plan.h"

namespace slipway::engine::scheduling {
namespace {

BlockKey key_of(std::vector<int32_t> tokens, uint64_t parent = 0, uint64_t salt = 0) {
  return {chain_hash(parent, tokens, salt), parent, salt, tokens};
}

TEST(BlockPool, AllocatesUntilEmptyAndCountsUse) {
  BlockPool pool(3);
  EXPECT_EQ(pool.available(), 3);
  auto a = pool.allocate(), b = pool.allocate(), c = pool.allocate();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, 0);
  EXPECT_FALSE(pool.allocate());
  EXPECT_EQ(pool.used(), 3);
  pool.release(*b);
  EXPECT_EQ(pool.used(), 2);
  EXPECT_EQ(pool.cached(), 0);  // unregistered blocks are simply free
  EXPECT_EQ(pool.allocate(), b);
  EXPECT_THROW(pool.release(7), std::out_of_range);
}

TEST(BlockPool, RegisteredBlockOutlivesItsOwnerAndIsShared) {
  BlockPool pool(2);
  const auto key = key_of({1, 2, 3, 4});
  const int32_t block = *pool.allocate();
  pool.register_block(block, key);
  EXPECT_EQ(pool.find(key), block);
  pool.retain(block);  // a second sequence shares it
  pool.release(block);
  EXPECT_EQ(pool.used(), 1);
  pool.release(block);
  EXPECT_EQ(pool.used(), 0);
  EXPECT_EQ(pool.cached(), 1);
  EXPECT_TRUE(pool.is_cached(block));
  EXPECT_EQ(pool.find(key), block);
  pool.retain(block);  // a later sequence with the same prefix
  EXPECT_EQ(pool.cached(), 0);
  EXPECT_EQ(pool.used(), 1);
  EXPECT_THROW(pool.release(1), std::logic_error);  // never allocated
}

TEST(BlockPool, LookupChecksTheKeyNotOnlyTheHash) {
  BlockPool pool(2);
  const auto key = key_of({5, 6});
  pool.register_block(*pool.allocate(), key);
  auto forged = key_of({7, 8});
  forged.hash = key.hash;  // a collision
  EXPECT_FALSE(pool.find(forged));
  EXPECT_FALSE(pool.find(key_of({5, 6}, 0, 1)));   // another salt
  EXPECT_FALSE(pool.find(key_of({5, 6}, 42, 0)));  // another parent
  EXPECT_NE(chain_hash(0, std::vector<int32_t>{5, 6}, 0),
            chain_hash(0, std::vector<int32_t>{6, 5}, 0));
}

TEST(BlockPool, EvictsLeastRecentlyFreedCachedBlockWhenFreshOnesRunOut) {
  BlockPool pool(3);
  const auto k0 = key_of({0}), k1 = key_of({1});
  const int32_t b0 = *pool.allocate(), b1 = *pool.allocate();
  pool.register_block(b0, k0);
  pool.register_block(b1, k1);
  pool.release(b1);  // freed first: evicted first
  pool.release(b0);
  EXPECT_EQ(pool.available(), 3);
  EXPECT_EQ(pool.allocate(), 2);  // the never-registered block goes before any cached one
  EXPECT_EQ(pool.allocate(), b1);
  EXPECT_FALSE(pool.find(k1));
  EXPECT_EQ(pool.find(k0), b0);
  EXPECT_EQ(pool.allocate(), b0);
  EXPECT_FALSE(pool.find(k0));
  EXPECT_FALSE(pool.allocate());
}

TEST(BlockPool, FirstRegistrationOfAKeyWins) {
  BlockPool pool(2);
  const auto key = key_of({3});
  const int32_t a = *pool.allocate(), b = *pool.allocate();
  pool.register_block(a, key);
  pool.register_block(b, key);  // computed the same prefix concurrently
  pool.release(b);
  EXPECT_EQ(pool.cached(), 0);
  EXPECT_EQ(pool.find(key), a);
}

TEST(PrefillPlan, ShortestRemainingFirstWithinTheBudget) {
  const std::vector<PrefillCandidate> c = {{2000, 0, 0}, {10, 0, 1}, {50, 0, 2}};
  EXPECT_EQ(plan_prefill(c, 40), (std::vector<int64_t>{0, 10, 0}));
  EXPECT_EQ(plan_prefill(c, 100), (std::vector<int64_t>{0, 10, 50}));
  EXPECT_EQ(plan_prefill(c, 0), (std::vector<int64_t>{0, 0, 0}));
}

TEST(PrefillPlan, PartialChunksFillTheBudgetWhenNoPromptCompletes) {
  const std::vector<PrefillCandidate> c = {{2000, 0, 0}, {500, 0, 1}};
  EXPECT_EQ(plan_prefill(c, 100), (std::vector<int64_t>{0, 100}));
  const std::vector<PrefillCandidate> alone = {{2000, 0, 0}};
  EXPECT_EQ(plan_prefill(alone, 100), (std::vector<int64_t>{100}));
}

TEST(PrefillPlan, StarvedSequenceGoesFirst) {
  const std::vector<PrefillCandidate> c = {{2000, kMaxStarvedSteps, 0}, {10, 0, 1}};
  EXPECT_EQ(plan_prefill(c, 16), (std::vector<int64_t>{16, 0}));
  const std::vector<PrefillCandidate> fresh = {{2000, kMaxStarvedSteps - 1, 0}, {10, 0, 1}};
  EXPECT_EQ(plan_prefill(fresh, 16), (std::vector<int64_t>{0, 10}));
}

}  // namespace
}  // namespace slipway::engine::scheduling
