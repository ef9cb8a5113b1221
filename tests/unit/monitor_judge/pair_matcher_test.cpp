// Matching shadow pairs' halves in either order, with a wait limit and a size limit.
#include "monitor/judge/pair_matcher.h"

#include <gtest/gtest.h>

namespace slipway::monitor {
namespace {

ObservedAnswer primary(const std::string& id) {
  ObservedAnswer answer;
  answer.id = id;
  answer.arm = "stable";
  return answer;
}

ObservedAnswer shadow(const std::string& primary_id, const std::string& id) {
  ObservedAnswer answer;
  answer.id = id;
  answer.arm = "shadow";
  answer.primary_id = primary_id;
  return answer;
}

TEST(PairMatcher, PrimaryThenShadow) {
  PairMatcher matcher(1'000, 10);
  EXPECT_TRUE(matcher.add(primary("p"), 0).empty());
  const auto pairs = matcher.add(shadow("p", "s"), 10);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].primary.id, "p");
  EXPECT_EQ(pairs[0].shadow.id, "s");
}

TEST(PairMatcher, ShadowThenPrimary) {
  PairMatcher matcher(1'000, 10);
  EXPECT_TRUE(matcher.add(shadow("p", "s"), 0).empty());
  const auto pairs = matcher.add(primary("p"), 10);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].shadow.id, "s");
  EXPECT_EQ(matcher.dropped(), 0u);
}

TEST(PairMatcher, OnePrimaryManyShadows) {
  PairMatcher matcher(1'000, 10);
  matcher.add(shadow("p", "s0"), 0);
  const auto first = matcher.add(primary("p"), 1);
  ASSERT_EQ(first.size(), 1u);
  const auto second = matcher.add(shadow("p", "s1"), 2);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].shadow.id, "s1");
  EXPECT_EQ(matcher.pending(), 1u);  // the primary, for more shadows
}

TEST(PairMatcher, OtherPrimariesDoNotMatch) {
  PairMatcher matcher(1'000, 10);
  matcher.add(primary("p"), 0);
  EXPECT_TRUE(matcher.add(shadow("q", "s"), 1).empty());
  EXPECT_EQ(matcher.pending(), 2u);
}

TEST(PairMatcher, HalvesExpireAndOnlyShadowsCount) {
  PairMatcher matcher(1'000, 10);
  matcher.add(primary("lonely"), 0);
  matcher.add(shadow("missing", "s"), 0);
  matcher.add(primary("fresh"), 1'000);  // exactly wait_ms later: still held
  EXPECT_EQ(matcher.pending(), 3u);
  EXPECT_TRUE(matcher.add(shadow("lonely", "late"), 1'001).empty());
  EXPECT_EQ(matcher.dropped(), 1u);  // "s"; the primary "lonely" left uncounted
  EXPECT_EQ(matcher.pending(), 2u);  // "fresh" and "late"
}

TEST(PairMatcher, TheOldestHalvesArePushedOut) {
  PairMatcher matcher(1'000'000, 2);
  matcher.add(shadow("a", "sa"), 0);
  matcher.add(shadow("b", "sb"), 1);
  matcher.add(shadow("c", "sc"), 2);  // pushes out "sa"
  EXPECT_EQ(matcher.dropped(), 1u);
  EXPECT_TRUE(matcher.add(primary("a"), 3).empty());  // too late for "sa"; pushes out "sb"
  EXPECT_EQ(matcher.dropped(), 2u);
  const auto pairs = matcher.add(primary("c"), 4);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].shadow.id, "sc");
  EXPECT_EQ(matcher.pending(), 2u);  // primaries "a" and "c"
}

}  // namespace
}  // namespace slipway::monitor
