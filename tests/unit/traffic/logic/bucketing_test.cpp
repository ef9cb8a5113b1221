// The sticky split: deterministic buckets, an even spread, and weights that only ever move
// users from stable to canary.
#include "traffic/bucketing.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "traffic/traffic_error.h"

namespace slipway::traffic::test {
namespace {

constexpr int kUsers = 100'000;

std::string user_id(int i) {
  return "user-" + std::to_string(i);
}

std::vector<int32_t> buckets_for(const std::string& salt, int users) {
  std::vector<int32_t> buckets;
  buckets.reserve(static_cast<size_t>(users));
  for (int i = 0; i < users; ++i) buckets.push_back(user_bucket(salt, user_id(i)));
  return buckets;
}

TEST(Bucketing, TheSameSaltAndUserAlwaysGiveTheSameBucket) {
  for (int i = 0; i < 1'000; ++i) {
    const int32_t bucket = user_bucket("5eed", user_id(i));
    EXPECT_GE(bucket, 0);
    EXPECT_LT(bucket, kBuckets);
    EXPECT_EQ(user_bucket("5eed", user_id(i)), bucket);
  }
}

// Pinned once from SHA-256(salt, NUL, user): a changed hash would reshuffle every running
// rollout's users between replicas of different releases.
TEST(Bucketing, KnownVectors) {
  EXPECT_EQ(user_bucket("0123456789abcdef", "alice"), 8191);
  EXPECT_EQ(user_bucket("0123456789abcdef", "bob"), 8606);
  EXPECT_EQ(user_bucket("salt", "user-42"), 9281);
  EXPECT_EQ(user_bucket("", ""), 3192);
}

TEST(Bucketing, TheSeparatorKeepsSaltAndUserApart) {
  EXPECT_NE(user_bucket("ab", "c"), user_bucket("a", "bc"));
}

TEST(Bucketing, CanaryShareMatchesTheWeightWithinOnePoint) {
  for (const std::string salt : {"0123456789abcdef", "feedfacecafebeef", "x"}) {
    const std::vector<int32_t> buckets = buckets_for(salt, kUsers);
    for (const double percent : {5.0, 20.0, 50.0}) {
      const int32_t weight = percent_to_bp(percent);
      int in_canary = 0;
      for (const int32_t bucket : buckets) in_canary += bucket_in_canary(bucket, weight) ? 1 : 0;
      const double share = 100.0 * in_canary / kUsers;
      EXPECT_NEAR(share, percent, 1.0) << "salt " << salt << " at " << percent << "%";
    }
  }
}

// 100 one-percent slices of 1,000 expected ids each: the chi-square statistic has 99 degrees
// of freedom (mean 99, sd 14); 160 is over four sd out, so only a skewed hash fails.
TEST(Bucketing, OnePercentSlicesAreEvenlyFilled) {
  std::array<int, 100> slices{};
  for (const int32_t bucket : buckets_for("0123456789abcdef", kUsers)) ++slices[bucket / 100];
  const double expected = kUsers / 100.0;
  double chi_square = 0;
  for (const int count : slices) {
    chi_square += (count - expected) * (count - expected) / expected;
    EXPECT_NEAR(count, expected, 150) << "a slice far from 1,000";
  }
  EXPECT_LT(chi_square, 160.0);
}

TEST(Bucketing, RaisingTheWeightOnlyMovesUsersToTheCanary) {
  const std::vector<int32_t> buckets = buckets_for("stable-salt", 10'000);
  const std::vector<int32_t> weights = {0, 1, 500, 2'000, 5'000, 9'999, 10'000};
  for (size_t i = 0; i < buckets.size(); ++i) {
    bool was_canary = false;
    for (const int32_t weight : weights) {
      const bool canary = bucket_in_canary(buckets[i], weight);
      EXPECT_FALSE(was_canary && !canary) << user_id(static_cast<int>(i)) << " left the canary";
      was_canary = canary;
    }
    EXPECT_FALSE(bucket_in_canary(buckets[i], 0));
    EXPECT_TRUE(bucket_in_canary(buckets[i], kBuckets));
  }
}

TEST(Bucketing, ANewSaltPicksOtherFirstCanaries) {
  const int32_t weight = percent_to_bp(5);
  std::set<int> first;
  for (int i = 0; i < 20'000; ++i)
    if (bucket_in_canary(user_bucket("rollout-1", user_id(i)), weight)) first.insert(i);
  int again = 0;
  int second = 0;
  for (int i = 0; i < 20'000; ++i) {
    if (!bucket_in_canary(user_bucket("rollout-2", user_id(i)), weight)) continue;
    ++second;
    again += first.count(i) > 0 ? 1 : 0;
  }
  ASSERT_GT(second, 500);
  // Independent salts: about 5% of the second canaries were canaries before, not all of them.
  EXPECT_LT(again, second / 5);
}

TEST(Bucketing, PercentToBasisPoints) {
  EXPECT_EQ(percent_to_bp(0), 0);
  EXPECT_EQ(percent_to_bp(100), 10'000);
  EXPECT_EQ(percent_to_bp(12.34), 1'234);
  EXPECT_EQ(percent_to_bp(5), 500);
  EXPECT_DOUBLE_EQ(bp_to_percent(1'234), 12.34);
  for (const double bad :
       {-1.0, 101.0, -0.001, 100.001, std::nan(""), std::numeric_limits<double>::infinity()}) {
    try {
      percent_to_bp(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const TrafficError& e) {
      EXPECT_EQ(e.code(), TrafficError::Code::Invalid);
      EXPECT_NE(std::string(e.what()).find("0 to 100"), std::string::npos) << e.what();
    }
  }
}

TEST(Bucketing, SaltsAreFreshAndRandomBucketsInRange) {
  const std::string salt = new_salt();
  EXPECT_EQ(salt.size(), 16u);
  EXPECT_EQ(salt.find_first_not_of("0123456789abcdef"), std::string::npos) << salt;
  EXPECT_NE(new_salt(), salt);
  std::set<int32_t> seen;
  for (int i = 0; i < 10'000; ++i) {
    const int32_t bucket = random_bucket();
    ASSERT_GE(bucket, 0);
    ASSERT_LT(bucket, kBuckets);
    seen.insert(bucket);
  }
  EXPECT_GT(seen.size(), 5'000u) << "random buckets should spread";
}

}  // namespace
}  // namespace slipway::traffic::test
