// Reading windows back: range edges, filters, steps, and rows the recorder did not write.
#include <gtest/gtest.h>

#include <stdexcept>

#include "window_test_support.h"

namespace slipway::monitor::test {
namespace {

class ReaderTest : public WindowStoreTest {
 protected:
  // One answer per entry, at kDec1 + minute * 1 minute (+ 30 s, inside the minute).
  void record_at_minutes(WindowRecorder& recorder, std::initializer_list<int64_t> minutes,
                         const WindowSample& sample = answer()) {
    for (int64_t minute : minutes) {
      now_ms_ = kDec1 + minute * kMinute + 30'000;
      recorder.record(sample);
    }
    recorder.flush();
  }

  WindowQuery range(int64_t since_ms, int64_t until_ms) {
    WindowQuery query;
    query.since_ms = since_ms;
    query.until_ms = until_ms;
    return query;
  }
};

TEST_P(ReaderTest, ARangeCountsTheMinutesThatStartInIt) {
  WindowRecorder recorder(*store_, quiet(), clock());
  record_at_minutes(recorder, {0, 1, 1, 2});
  EXPECT_EQ(totals(range(kDec1, kDec1 + 3 * kMinute)).requests, 4);
  EXPECT_EQ(totals(range(kDec1, kDec1 + kMinute)).requests, 1);  // until is exclusive
  EXPECT_EQ(totals(range(kDec1 + kMinute, kDec1 + 2 * kMinute)).requests, 2);
  EXPECT_EQ(totals(range(kDec1 + 1, kDec1 + 2 * kMinute)).requests, 2);  // minute 0 started before
  EXPECT_EQ(totals(range(kDec1 + kMinute - 1, 0)).requests, 3);          // 0: no end
  EXPECT_EQ(totals(range(kDec1 + 3 * kMinute, 0)).requests, 0);
  EXPECT_EQ(totals(range(kDec1 + 2 * kMinute, kDec1)).requests, 0);  // an empty range
}

TEST_P(ReaderTest, FiltersSelectRouteVersionAndArm) {
  WindowRecorder recorder(*store_, quiet(), clock());
  record_at_minutes(recorder, {0}, answer("support", 0.2, 200, "stable"));
  record_at_minutes(recorder, {0, 1}, answer("support", 0.2, 200, "canary"));
  record_at_minutes(recorder, {0, 1, 2}, answer("sales", 0.2, 200, "stable"));

  WindowQuery query;
  EXPECT_EQ(totals(query).requests, 6);
  query.route = "support";
  EXPECT_EQ(totals(query).requests, 3);
  query.arm = "canary";
  EXPECT_EQ(totals(query).requests, 2);
  query.version = "support/1";
  EXPECT_EQ(totals(query).requests, 2);
  query.version = "support/2";
  EXPECT_EQ(totals(query).requests, 0);
  WindowQuery stable;
  stable.arm = "stable";
  EXPECT_EQ(totals(stable).requests, 4);
}

TEST_P(ReaderTest, EmptyStoreReadsAsNothing) {
  migrate_monitor(*store_);
  const WindowTotals read = totals();
  EXPECT_EQ(read.requests, 0);
  EXPECT_FALSE(read.error_rate().has_value());
  EXPECT_FALSE(read.latency_quantile(0.95).has_value());
  EXPECT_TRUE(read_window_series(*store_, {}, kMinute).empty());
}

TEST_P(ReaderTest, SeriesGroupsMinutesByStep) {
  WindowRecorder recorder(*store_, quiet(), clock());
  record_at_minutes(recorder, {0, 1, 4, 5, 7, 7, 15});
  const auto series = read_window_series(*store_, {}, 5 * kMinute);
  ASSERT_EQ(series.size(), 3u);  // the empty step at minute 10 is absent
  EXPECT_EQ(series[0].start_ms, kDec1);
  EXPECT_EQ(series[0].totals.requests, 3);
  EXPECT_EQ(series[1].start_ms, kDec1 + 5 * kMinute);
  EXPECT_EQ(series[1].totals.requests, 3);
  EXPECT_EQ(series[1].totals.latency_buckets[2], 3);
  EXPECT_EQ(series[2].start_ms, kDec1 + 15 * kMinute);
  EXPECT_EQ(series[2].totals.requests, 1);

  const auto minutes =
      read_window_series(*store_, range(kDec1 + kMinute, kDec1 + 7 * kMinute), kMinute);
  ASSERT_EQ(minutes.size(), 3u);  // minutes 1, 4, 5
  EXPECT_EQ(minutes[0].start_ms, kDec1 + kMinute);
  EXPECT_EQ(minutes[2].start_ms, kDec1 + 5 * kMinute);
}

TEST_P(ReaderTest, SeriesStepMustBeWholeMinutes) {
  migrate_monitor(*store_);
  EXPECT_THROW(read_window_series(*store_, {}, 0), std::invalid_argument);
  EXPECT_THROW(read_window_series(*store_, {}, -kMinute), std::invalid_argument);
  EXPECT_THROW(read_window_series(*store_, {}, 90'000), std::invalid_argument);
}

TEST_P(ReaderTest, RowsWithShortOrBrokenBucketsStillCount) {
  WindowRecorder recorder(*store_, quiet(), clock());
  record_at_minutes(recorder, {0});
  execute(
      "INSERT INTO monitor_windows (replica, route, version, arm, minute_ms, requests, "
      "latency_buckets, ttft_buckets, updated_ms) VALUES ('old-binary', 'support', "
      "'support/1', 'stable', 1796083200000, 2, '[0, 0, 2]', 'garbage', 0)");
  const WindowTotals read = totals();
  EXPECT_EQ(read.requests, 3);
  ASSERT_EQ(read.latency_buckets.size(), window_latency_bounds().size() + 1);
  EXPECT_EQ(read.latency_buckets[2], 3);
  EXPECT_EQ(read.ttft_buckets[0], 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReaderTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
