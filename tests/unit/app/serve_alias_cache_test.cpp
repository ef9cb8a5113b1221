#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "app/serve/alias_cache.h"

namespace slipway::app {
namespace {

void fill_demo(AliasCache& cache) {
  cache.set_model("demo", {{"production", 3}, {"staging", 4}},
                  {{"tiny-v1-20260101", 1}, {"tiny-v3-20260301", 3}, {"tiny-v4-20260401", 4}});
}

TEST(AliasCache, ResolvesNumbersAliasesAndLabelsOfLoadedVersions) {
  AliasCache cache;
  fill_demo(cache);
  cache.add_served("demo", "demo", 3);
  EXPECT_EQ(cache.resolve("demo/3"), "demo");
  EXPECT_EQ(cache.resolve("demo@production"), "demo");
  EXPECT_EQ(cache.resolve("demo/tiny-v3-20260301"), "demo");
  // Registered but not loaded.
  EXPECT_EQ(cache.resolve("demo@staging"), std::nullopt);
  EXPECT_EQ(cache.resolve("demo/4"), std::nullopt);
  EXPECT_EQ(cache.resolve("demo/1"), std::nullopt);
  EXPECT_EQ(cache.version_of("demo@staging"), 4);
}

TEST(AliasCache, UnknownOrMalformedNamesResolveToNothing) {
  AliasCache cache;
  fill_demo(cache);
  cache.add_served("demo", "demo", 3);
  EXPECT_EQ(cache.resolve("demo"), std::nullopt);  // plain names are the set's business
  EXPECT_EQ(cache.resolve("other@production"), std::nullopt);
  EXPECT_EQ(cache.resolve("demo@nope"), std::nullopt);
  EXPECT_EQ(cache.resolve("demo/no-such-label"), std::nullopt);
  EXPECT_EQ(cache.resolve("demo@production/3"), std::nullopt);
  EXPECT_EQ(cache.resolve("meta-llama/Llama-3.1-8B-Instruct"), std::nullopt);
  EXPECT_EQ(cache.resolve("a b@c"), std::nullopt);
  EXPECT_EQ(cache.resolve(""), std::nullopt);
  EXPECT_EQ(cache.resolve("/"), std::nullopt);
  EXPECT_EQ(cache.resolve("@"), std::nullopt);
}

TEST(AliasCache, NumbersResolveWithoutKnowingTheModelsAliases) {
  AliasCache cache;
  cache.add_served("other-name", "bot", 2);
  EXPECT_EQ(cache.resolve("bot/2"), "other-name");
  EXPECT_EQ(cache.resolve("bot@production"), std::nullopt);
}

TEST(AliasCache, FollowsAliasMovesAndUnloads) {
  AliasCache cache;
  fill_demo(cache);
  cache.add_served("demo", "demo", 3);
  cache.add_served("demo-next", "demo", 4);
  EXPECT_EQ(cache.resolve("demo@production"), "demo");
  // production moves to 4.
  cache.set_model("demo", {{"production", 4}}, {});
  EXPECT_EQ(cache.resolve("demo@production"), "demo-next");
  EXPECT_EQ(cache.resolve("demo@staging"), std::nullopt);
  cache.remove_served("demo-next");
  EXPECT_EQ(cache.resolve("demo@production"), std::nullopt);
  EXPECT_EQ(cache.resolve("demo/3"), "demo");
  cache.remove_served("demo");
  cache.remove_served("demo");  // twice: nothing happens
  EXPECT_EQ(cache.resolve("demo/3"), std::nullopt);
}

TEST(AliasCache, SeveralNamesForOneVersionPickTheFirst) {
  AliasCache cache;
  fill_demo(cache);
  cache.add_served("zeta", "demo", 3);
  cache.add_served("alpha", "demo", 3);
  EXPECT_EQ(cache.resolve("demo/3"), "alpha");
  cache.remove_served("alpha");
  EXPECT_EQ(cache.resolve("demo/3"), "zeta");
  // A served name moved to another version leaves its old one.
  cache.add_served("zeta", "demo", 4);
  EXPECT_EQ(cache.resolve("demo/3"), std::nullopt);
  EXPECT_EQ(cache.resolve("demo/4"), "zeta");
}

TEST(AliasCache, ConcurrentResolvesAndUpdates) {
  AliasCache cache;
  fill_demo(cache);
  cache.add_served("demo", "demo", 3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache] {
      for (int i = 0; i < 2000; ++i) {
        auto name = cache.resolve("demo@production");
        ASSERT_TRUE(!name || *name == "demo" || *name == "demo-b");
      }
    });
  }
  for (int i = 0; i < 500; ++i) {
    cache.add_served("demo-b", "demo", 3);
    cache.set_model("demo", {{"production", i % 2 == 0 ? 3 : 4}}, {});
    cache.remove_served("demo-b");
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace
}  // namespace slipway::app
