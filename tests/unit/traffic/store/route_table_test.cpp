// RouteTable: picks follow the split, generations only move forward, and readers see whole
// snapshots while writers replace them.
#include "traffic/route_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "traffic/bucketing.h"

namespace slipway::traffic {
namespace {

// "prefix" + to_string would trip GCC 12's -Wrestrict false positive at -O3.
std::string numbered(const std::string& prefix, int64_t n) {
  return std::string(prefix).append(std::to_string(n));
}

Route split(const std::string& name, int32_t weight_bp, int64_t generation = 1) {
  Route route;
  route.name = name;
  route.stable = name + "-model/1";
  route.canary = weight_bp > 0 ? name + "-model/2" : "";
  route.canary_weight_bp = weight_bp;
  route.salt = "5a175a175a175a17";
  route.shadows = {"shadow/1"};
  route.fallback = "tiny/1";
  route.generation = generation;
  return route;
}

TEST(RouteTable, UnknownRoutesHaveNoPick) {
  RouteTable table;
  EXPECT_FALSE(table.pick("support", "u1"));
  table.put(split("support", 0));
  EXPECT_FALSE(table.pick("billing", "u1"));
  EXPECT_TRUE(table.pick("support", "u1"));
}

TEST(RouteTable, PickCarriesTheRoutesFacts) {
  RouteTable table;
  table.put(split("support", 0, 7));
  const auto pick = table.pick("support", "");
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->route, "support");
  EXPECT_EQ(pick->version, "support-model/1");
  EXPECT_EQ(pick->arm, "stable");
  EXPECT_EQ(pick->shadows, std::vector<std::string>{"shadow/1"});
  EXPECT_EQ(pick->fallback, "tiny/1");
  EXPECT_EQ(pick->generation, 7);
}

TEST(RouteTable, UsersStayOnTheArmTheirBucketGives) {
  RouteTable table;
  table.put(split("support", 2'500));
  int canaries = 0;
  for (int i = 0; i < 2'000; ++i) {
    const std::string user = numbered("user-", i);
    const auto pick = table.pick("support", user);
    ASSERT_TRUE(pick);
    const bool canary = bucket_in_canary(user_bucket("5a175a175a175a17", user), 2'500);
    EXPECT_EQ(pick->arm, canary ? "canary" : "stable") << user;
    EXPECT_EQ(pick->version, canary ? "support-model/2" : "support-model/1");
    for (int again = 0; again < 3; ++again) EXPECT_EQ(table.pick("support", user)->arm, pick->arm);
    canaries += canary ? 1 : 0;
  }
  // 25% of 2,000 users, give or take a generous margin for the hash.
  EXPECT_GT(canaries, 400);
  EXPECT_LT(canaries, 600);
}

TEST(RouteTable, ZeroAndFullWeights) {
  RouteTable table;
  Route none = split("support", 0);
  none.canary = "support-model/2";  // a canary at 0% gets nothing
  table.put(none);
  Route full = split("billing", 10'000);
  table.put(full);
  for (int i = 0; i < 500; ++i) {
    const std::string user = i % 2 == 0 ? numbered("u", i) : "";
    EXPECT_EQ(table.pick("support", user)->arm, "stable");
    EXPECT_EQ(table.pick("billing", user)->arm, "canary");
    EXPECT_EQ(table.pick("billing", user)->version, "billing-model/2");
  }
}

TEST(RouteTable, AnonymousRequestsSplitAtRandom) {
  RouteTable table;
  table.put(split("support", 5'000));
  int canaries = 0;
  for (int i = 0; i < 4'000; ++i) canaries += table.pick("support", "")->arm == "canary" ? 1 : 0;
  EXPECT_GT(canaries, 1'600);
  EXPECT_LT(canaries, 2'400);
}

TEST(RouteTable, PutIgnoresOlderGenerations) {
  RouteTable table;
  table.put(split("support", 1'000, 5));
  table.put(split("support", 9'000, 4));
  EXPECT_EQ(table.get("support")->canary_weight_bp, 1'000);
  table.put(split("support", 2'000, 6));
  EXPECT_EQ(table.get("support")->canary_weight_bp, 2'000);
  EXPECT_EQ(table.get("support")->generation, 6);
  table.put(split("support", 3'000, 6));  // the same generation again: the latest word wins
  EXPECT_EQ(table.get("support")->canary_weight_bp, 3'000);
}

TEST(RouteTable, ReplaceAllAndErase) {
  RouteTable table;
  table.put(split("old", 0));
  table.replace_all({split("b", 0), split("a", 100)});
  EXPECT_FALSE(table.get("old"));
  const auto all = table.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "a");
  EXPECT_EQ(all[1].name, "b");
  table.erase("a");
  table.erase("missing");
  EXPECT_FALSE(table.get("a"));
  EXPECT_EQ(table.all().size(), 1u);
}

TEST(RouteTable, ConcurrentPicksSeeWholeSnapshotsWhileWritersReplaceThem) {
  RouteTable table;
  table.put(split("support", 0, 2));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      int64_t last_generation = 0;
      for (int i = 0; !done.load(); ++i) {
        const auto pick = table.pick("support", numbered("user-", r * 100'000 + i));
        // Every generation g is weight (g % 2) * 10,000: a torn route would mix them.
        if (!pick || pick->generation < last_generation ||
            (pick->arm == "canary") != (pick->generation % 2 == 1))
          ++bad;
        if (pick) last_generation = pick->generation;
      }
    });
  }
  std::thread other_writer([&] {
    for (int i = 0; i < 2'000; ++i) table.put(split(numbered("other-", i % 20), 0, i));
  });
  for (int64_t generation = 3; generation <= 3'000; ++generation)
    table.put(split("support", generation % 2 == 1 ? 10'000 : 0, generation));
  other_writer.join();
  done = true;
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(table.get("support")->generation, 3'000);
  // No writer's change was lost to another's.
  EXPECT_EQ(table.all().size(), 21u);
}

}  // namespace
}  // namespace slipway::traffic
