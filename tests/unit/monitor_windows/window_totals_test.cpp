// The arithmetic of a window: buckets, rates and Prometheus-style quantiles, by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "monitor/traffic_windows.h"
#include "monitor/window_buckets.h"

namespace slipway::monitor {
namespace {

// Bucket i holds (bounds[i-1], bounds[i]]; the first bounds are 0.05, 0.1, 0.25, 0.5.
std::vector<int64_t> buckets_with(std::initializer_list<std::pair<std::size_t, int64_t>> counts) {
  std::vector<int64_t> buckets(window_latency_bounds().size() + 1, 0);
  for (const auto& [index, count] : counts) buckets.at(index) = count;
  return buckets;
}

WindowTotals latencies(std::vector<int64_t> buckets) {
  WindowTotals totals;
  totals.latency_buckets = std::move(buckets);
  return totals;
}

TEST(WindowBuckets, BoundsAreIncreasingSecondsUpToFiveMinutes) {
  const auto& bounds = window_latency_bounds();
  ASSERT_EQ(bounds.size(), 23u);
  EXPECT_DOUBLE_EQ(bounds.front(), 0.05);
  EXPECT_DOUBLE_EQ(bounds.back(), 300.0);
  for (std::size_t i = 1; i < bounds.size(); ++i) EXPECT_LT(bounds[i - 1], bounds[i]);
}

TEST(WindowBuckets, AValueCountsInTheFirstBucketItDoesNotExceed) {
  EXPECT_EQ(bucket_index(0.0), 0);
  EXPECT_EQ(bucket_index(0.05), 0);  // the bound is inclusive, like Prometheus' `le`
  EXPECT_EQ(bucket_index(0.050001), 1);
  EXPECT_EQ(bucket_index(0.2), 2);
  EXPECT_EQ(bucket_index(300.0), 22);
  EXPECT_EQ(bucket_index(300.5), 23);  // the open bucket
  EXPECT_EQ(bucket_index(std::numeric_limits<double>::infinity()), 23);
  EXPECT_EQ(bucket_index(-1.0), 0);
  EXPECT_EQ(bucket_index(std::nan("")), -1);
}

TEST(WindowBuckets, JsonRoundTripsAndToleratesGarbage) {
  const std::vector<int64_t> buckets = {0, 3, 12345678901, 0};
  EXPECT_EQ(buckets_to_json(buckets), "[0,3,12345678901,0]");
  EXPECT_EQ(buckets_from_json(buckets_to_json(buckets)), buckets);
  EXPECT_TRUE(buckets_from_json("").empty());
  EXPECT_TRUE(buckets_from_json("not json").empty());
  EXPECT_TRUE(buckets_from_json("{\"a\":1}").empty());
  EXPECT_TRUE(buckets_from_json("[1,\"two\"]").empty());
}

TEST(WindowTotals, AddSumsCountsAndPadsBucketsOfAnotherLength) {
  WindowTotals sum;
  sum.requests = 3;
  sum.errors = 1;
  sum.successes = 2;
  sum.prompt_tokens = 30;
  sum.completion_tokens = 7;
  sum.latency_buckets = {1, 1};
  WindowTotals other;
  other.requests = 2;
  other.errors = 2;
  other.prompt_tokens = 5;
  other.completion_tokens = 1;
  other.latency_buckets = {0, 2, 4};
  other.ttft_buckets = {5};
  sum.add(other);
  EXPECT_EQ(sum.requests, 5);
  EXPECT_EQ(sum.errors, 3);
  EXPECT_EQ(sum.successes, 2);
  EXPECT_EQ(sum.prompt_tokens, 35);
  EXPECT_EQ(sum.completion_tokens, 8);
  EXPECT_EQ(sum.latency_buckets, (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(sum.ttft_buckets, (std::vector<int64_t>{5}));
}

TEST(WindowTotals, ErrorRateIsAbsentWithoutRequests) {
  WindowTotals totals;
  EXPECT_FALSE(totals.error_rate().has_value());
  totals.requests = 8;
  totals.errors = 2;
  ASSERT_TRUE(totals.error_rate().has_value());
  EXPECT_DOUBLE_EQ(*totals.error_rate(), 0.25);
}

TEST(WindowTotals, QuantileIsAbsentWithoutSamples) {
  EXPECT_FALSE(WindowTotals{}.latency_quantile(0.95).has_value());
  EXPECT_FALSE(latencies(buckets_with({})).latency_quantile(0.5).has_value());
}

TEST(WindowTotals, QuantileInterpolatesInsideTheBucket) {
  // Ten samples in (0.1, 0.25]: the median is halfway through it.
  const WindowTotals totals = latencies(buckets_with({{2, 10}}));
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.5), 0.175);
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.9), 0.1 + 0.15 * 0.9);
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(1.0), 0.25);
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.0), 0.1);  // the lowest non-empty bucket's start
}

TEST(WindowTotals, QuantileFindsTheBucketOfTheRank) {
  // Four in (0, 0.05], four in (0.25, 0.5].
  const WindowTotals totals = latencies(buckets_with({{0, 4}, {3, 4}}));
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.25), 0.025);  // the first bucket starts at 0
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.5), 0.05);    // the rank ends the first bucket
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.75), 0.375);  // empty buckets are skipped
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.0), 0.0);
}

TEST(WindowTotals, QuantileInTheOpenBucketIsTheHighestBound) {
  // One fast answer, nine slower than five minutes.
  const WindowTotals totals = latencies(buckets_with({{0, 1}, {23, 9}}));
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.95), 300.0);
  EXPECT_DOUBLE_EQ(*totals.latency_quantile(0.1), 0.05);
}

TEST(WindowTotals, TtftQuantileReadsTheTtftBuckets) {
  WindowTotals totals = latencies(buckets_with({{23, 1}}));
  EXPECT_FALSE(totals.ttft_quantile(0.5).has_value());
  totals.ttft_buckets = buckets_with({{1, 2}});
  EXPECT_DOUBLE_EQ(*totals.ttft_quantile(0.5), 0.075);
}

TEST(WindowTotals, QuantileOutsideZeroToOneIsRefused) {
  const WindowTotals totals = latencies(buckets_with({{2, 10}}));
  EXPECT_THROW(totals.latency_quantile(1.5), std::invalid_argument);
  EXPECT_THROW(totals.latency_quantile(-0.1), std::invalid_argument);
  EXPECT_THROW(totals.latency_quantile(std::nan("")), std::invalid_argument);
}

TEST(WindowTotals, QuantileOfLongerPaddedBucketsTreatsTheExtraAsOpen) {
  std::vector<int64_t> buckets = buckets_with({});
  buckets.push_back(4);  // one past the usual open bucket
  EXPECT_DOUBLE_EQ(*latencies(buckets).latency_quantile(0.5), 300.0);
}

}  // namespace
}  // namespace slipway::monitor
