// Per-key request and token buckets on a fake clock, and the in-flight counter.
#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

namespace slipway::auth {
namespace {

class AuthRateLimiterTest : public ::testing::Test {
 protected:
  static KeyLimits limits(int64_t requests_per_minute, int64_t tokens_per_minute) {
    return KeyLimits{requests_per_minute, tokens_per_minute, 0};
  }
  int64_t now_ms_ = 1'000'000;
  RateLimiter limiter_{[this] { return now_ms_; }};
};

TEST_F(AuthRateLimiterTest, SixtyPerMinuteAllowsSixtyThenRefusesForASecond) {
  const KeyLimits rpm60 = limits(60, 0);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter_.admit("key_a", rpm60).allowed) << i;
  const RateDecision refusal = limiter_.admit("key_a", rpm60);
  EXPECT_FALSE(refusal.allowed);
  EXPECT_EQ(refusal.retry_after_seconds, 1);
  EXPECT_EQ(refusal.limit, "requests_per_minute");
  EXPECT_EQ(refusal.limit_value, 60);
  EXPECT_EQ(limiter_.remaining_requests("key_a", rpm60), 0);

  now_ms_ += 999;
  EXPECT_FALSE(limiter_.admit("key_a", rpm60).allowed);
  now_ms_ += 1;
  EXPECT_TRUE(limiter_.admit("key_a", rpm60).allowed);
  EXPECT_FALSE(limiter_.admit("key_a", rpm60).allowed);
}

TEST_F(AuthRateLimiterTest, RefillsContinuouslyUpToOneMinutesAllowance) {
  const KeyLimits rpm6 = limits(6, 0);
  EXPECT_EQ(limiter_.remaining_requests("key_a", rpm6), 6);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(limiter_.admit("key_a", rpm6).allowed);
  const RateDecision refusal = limiter_.admit("key_a", rpm6);
  EXPECT_EQ(refusal.retry_after_seconds, 10);  // one request every 10 s

  now_ms_ += 25'000;
  EXPECT_EQ(limiter_.remaining_requests("key_a", rpm6), 2);
  now_ms_ += 10 * 60'000;  // idle for long: still only a minute's worth
  EXPECT_EQ(limiter_.remaining_requests("key_a", rpm6), 6);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(limiter_.admit("key_a", rpm6).allowed);
  EXPECT_FALSE(limiter_.admit("key_a", rpm6).allowed);
}

TEST_F(AuthRateLimiterTest, RetryAfterRoundsUpToWholeSeconds) {
  const KeyLimits rpm7 = limits(7, 0);  // one request every 8.57 s
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(limiter_.admit("key_a", rpm7).allowed);
  EXPECT_EQ(limiter_.admit("key_a", rpm7).retry_after_seconds, 9);
  now_ms_ += 8'000;
  EXPECT_EQ(limiter_.admit("key_a", rpm7).retry_after_seconds, 1);
  now_ms_ += 572;
  EXPECT_TRUE(limiter_.admit("key_a", rpm7).allowed);
}

TEST_F(AuthRateLimiterTest, KeysHaveTheirOwnBuckets) {
  const KeyLimits rpm1 = limits(1, 0);
  EXPECT_TRUE(limiter_.admit("key_a", rpm1).allowed);
  EXPECT_FALSE(limiter_.admit("key_a", rpm1).allowed);
  EXPECT_TRUE(limiter_.admit("key_b", rpm1).allowed);
}

TEST_F(AuthRateLimiterTest, ZeroMeansUnlimited) {
  const KeyLimits none = limits(0, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter_.admit("key_a", none).allowed);
  limiter_.charge_tokens("key_a", none, 1'000'000);
  EXPECT_TRUE(limiter_.admit("key_a", none).allowed);
  EXPECT_EQ(limiter_.remaining_requests("key_a", none), -1);
  EXPECT_EQ(limiter_.remaining_tokens("key_a", none), -1);
}

TEST_F(AuthRateLimiterTest, AKeyInTokenDebtIsRefusedUntilItRefillsAboveZero) {
  const KeyLimits tpm100 = limits(0, 100);
  ASSERT_TRUE(limiter_.admit("key_a", tpm100).allowed);
  limiter_.charge_tokens("key_a", tpm100, 250);  // 150 in debt
  EXPECT_EQ(limiter_.remaining_tokens("key_a", tpm100), 0);

  const RateDecision refusal = limiter_.admit("key_a", tpm100);
  EXPECT_FALSE(refusal.allowed);
  EXPECT_EQ(refusal.limit, "tokens_per_minute");
  EXPECT_EQ(refusal.limit_value, 100);
  EXPECT_EQ(refusal.retry_after_seconds, 91);  // 150 tokens take 90 s; then just above zero

  now_ms_ += 90'000;  // exactly paid off: zero is not enough
  EXPECT_FALSE(limiter_.admit("key_a", tpm100).allowed);
  now_ms_ += 1;
  EXPECT_TRUE(limiter_.admit("key_a", tpm100).allowed);
  now_ms_ += 60'000;
  EXPECT_EQ(limiter_.remaining_tokens("key_a", tpm100), 100);
}

TEST_F(AuthRateLimiterTest, ARefusalForTokensTakesNoRequest) {
  const KeyLimits both = limits(2, 10);
  ASSERT_TRUE(limiter_.admit("key_a", both).allowed);
  limiter_.charge_tokens("key_a", both, 10);
  EXPECT_EQ(limiter_.admit("key_a", both).limit, "tokens_per_minute");
  EXPECT_EQ(limiter_.remaining_requests("key_a", both), 1);
}

class AuthStreamCounterTest : public ::testing::Test {
 protected:
  StreamCounter streams_;
};

TEST_F(AuthStreamCounterTest, AllowsUpToMaxInFlightAndFreesOnRelease) {
  std::optional<StreamCounter::Lease> first = streams_.acquire("key_a", 2);
  std::optional<StreamCounter::Lease> second = streams_.acquire("key_a", 2);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(streams_.in_flight("key_a"), 2);
  EXPECT_FALSE(streams_.acquire("key_a", 2).has_value());
  EXPECT_TRUE(streams_.acquire("key_b", 2).has_value());  // another key's own count

  first.reset();
  EXPECT_EQ(streams_.in_flight("key_a"), 1);
  EXPECT_TRUE(streams_.acquire("key_a", 2).has_value());
  second.reset();
  EXPECT_EQ(streams_.in_flight("key_a"), 0);
}

TEST_F(AuthStreamCounterTest, ZeroMaxIsUnlimited) {
  std::vector<StreamCounter::Lease> leases;
  for (int i = 0; i < 100; ++i) leases.push_back(*streams_.acquire("key_a", 0));
  EXPECT_EQ(streams_.in_flight("key_a"), 100);
  leases.clear();
  EXPECT_EQ(streams_.in_flight("key_a"), 0);
}

TEST_F(AuthStreamCounterTest, AMovedLeaseReleasesOnce) {
  std::optional<StreamCounter::Lease> acquired = streams_.acquire("key_a", 1);
  ASSERT_TRUE(acquired);
  StreamCounter::Lease moved = std::move(*acquired);
  acquired.reset();
  EXPECT_EQ(streams_.in_flight("key_a"), 1);

  StreamCounter::Lease other = *streams_.acquire("key_b", 1);
  other = std::move(moved);  // releases key_b's, keeps key_a's
  EXPECT_EQ(streams_.in_flight("key_b"), 0);
  EXPECT_EQ(streams_.in_flight("key_a"), 1);
  { StreamCounter::Lease done = std::move(other); }
  EXPECT_EQ(streams_.in_flight("key_a"), 0);
}

}  // namespace
}  // namespace slipway::auth
