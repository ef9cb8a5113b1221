// The recorder on a fake clock: what it counts, how it flushes, merges and retries.
#include <gtest/gtest.h>

#include <stdexcept>

#include "store/store_error.h"
#include "window_test_support.h"

namespace slipway::monitor::test {
namespace {

using RecorderTest = WindowStoreTest;

TEST_P(RecorderTest, RecordFlushReadRoundTrip) {
  WindowRecorder recorder(*store_, quiet(), clock());
  EXPECT_EQ(recorder.replica_id(), "replica-a");
  recorder.record(answer("support", 0.2));
  recorder.record(answer("support", 0.2));
  EXPECT_EQ(totals().requests, 0);  // nothing reaches the store before a flush

  recorder.flush();
  const WindowTotals read = totals();
  EXPECT_EQ(read.requests, 2);
  EXPECT_EQ(read.successes, 2);
  EXPECT_EQ(read.errors, 0);
  EXPECT_EQ(read.prompt_tokens, 20);
  EXPECT_EQ(read.completion_tokens, 10);
  ASSERT_EQ(read.latency_buckets.size(), window_latency_bounds().size() + 1);
  EXPECT_EQ(read.latency_buckets[2], 2);  // (0.1, 0.25]
  EXPECT_EQ(read.ttft_buckets[0], 2);     // 0.02 s
  EXPECT_DOUBLE_EQ(*read.latency_quantile(0.5), 0.175);
  EXPECT_EQ(recorder.counters().flushes, 1u);
  EXPECT_EQ(recorder.counters().rows_written, 1u);
  EXPECT_EQ(recorder.counters().flush_failures, 0u);
}

TEST_P(RecorderTest, ErrorsAreServerErrorsAndRateLimitsLatenciesOnlySuccesses) {
  WindowRecorder recorder(*store_, quiet(), clock());
  for (int status : {200, 200, 429, 500, 503, 499, 404, 400}) {
    recorder.record(answer("support", 1.2, status));
  }
  WindowSample no_ttft = answer("support", 0.03);
  no_ttft.first_token_seconds.reset();
  recorder.record(no_ttft);
  recorder.flush();

  const WindowTotals read = totals();
  EXPECT_EQ(read.requests, 9);
  EXPECT_EQ(read.errors, 3);
  EXPECT_EQ(read.successes, 3);
  EXPECT_DOUBLE_EQ(*read.error_rate(), 3.0 / 9.0);
  EXPECT_EQ(read.latency_buckets[6], 2);  // the two 200s of 1.2 s in (1, 1.5]
  EXPECT_EQ(read.latency_buckets[0], 1);
  int64_t latencies = 0, ttfts = 0;
  for (int64_t count : read.latency_buckets) latencies += count;
  for (int64_t count : read.ttft_buckets) ttfts += count;
  EXPECT_EQ(latencies, 3);
  EXPECT_EQ(ttfts, 2);
  EXPECT_EQ(read.prompt_tokens, 90);  // tokens count for every answer
}

TEST_P(RecorderTest, ReflushingRewritesTheMinuteInsteadOfAddingToIt) {
  WindowRecorder recorder(*store_, quiet(), clock());
  recorder.record(answer());
  recorder.record(answer());
  recorder.flush();
  recorder.flush();  // nothing changed: nothing written
  EXPECT_EQ(recorder.counters().rows_written, 1u);
  EXPECT_EQ(totals().requests, 2);

  recorder.record(answer());
  recorder.flush();
  EXPECT_EQ(totals().requests, 3);
  EXPECT_EQ(totals().latency_buckets[2], 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows"), 1);
  EXPECT_EQ(recorder.counters().rows_written, 2u);
}

TEST_P(RecorderTest, TwoReplicasOnOneStoreMerge) {
  WindowRecorder first(*store_, quiet("replica-a"), clock());
  WindowRecorder second(*store_, quiet("replica-b"), clock());
  first.record(answer("support", 0.2));
  second.record(answer("support", 0.2));
  second.record(answer("support", 0.6, 500));
  first.flush();
  second.flush();

  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows"), 2);
  const WindowTotals read = totals();
  EXPECT_EQ(read.requests, 3);
  EXPECT_EQ(read.errors, 1);
  EXPECT_EQ(read.latency_buckets[2], 2);
}

TEST_P(RecorderTest, EachMinuteIsItsOwnRowAlignedToTheMinute) {
  WindowRecorder recorder(*store_, quiet(), clock());
  now_ms_ = kDec1 + 59'999;
  recorder.record(answer());
  now_ms_ = kDec1 + kMinute;
  recorder.record(answer());
  recorder.record(answer());
  recorder.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows WHERE minute_ms = 1796083200000 AND "
                  "requests = 1"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows WHERE minute_ms = 1796083260000 AND "
                  "requests = 2"),
            1);
}

TEST_P(RecorderTest, RoutesVersionsAndArmsAreSeparateRows) {
  WindowRecorder recorder(*store_, quiet(), clock());
  recorder.record(answer("support", 0.2, 200, "stable"));
  recorder.record(answer("support", 0.2, 200, "canary"));
  recorder.record(answer("sales", 0.2, 200, "stable"));
  WindowSample other_version = answer("support");
  other_version.version = "support/2";
  recorder.record(other_version);
  recorder.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows"), 4);
  EXPECT_EQ(recorder.counters().rows_written, 4u);
}

TEST_P(RecorderTest, TheDestructorFlushes) {
  {
    WindowRecorder recorder(*store_, quiet(), clock());
    recorder.record(answer());
  }
  EXPECT_EQ(totals().requests, 1);
}

TEST_P(RecorderTest, ARandomReplicaIdWhenNoneIsGiven) {
  WindowRecorder first(*store_, quiet(""), clock());
  WindowRecorder second(*store_, quiet(""), clock());
  EXPECT_FALSE(first.replica_id().empty());
  EXPECT_NE(first.replica_id(), second.replica_id());
}

TEST_P(RecorderTest, BadOptionsAreRefused) {
  WindowRecorderOptions options = quiet();
  options.flush_interval_ms = 0;
  EXPECT_THROW(WindowRecorder(*store_, options, clock()), std::invalid_argument);
  options = quiet();
  options.retention_days = 0;
  EXPECT_THROW(WindowRecorder(*store_, options, clock()), std::invalid_argument);
  EXPECT_THROW(WindowRecorder(*store_, quiet(), store::WallClock{}), std::invalid_argument);
}

TEST_P(RecorderTest, AFailedFlushIsCountedAndTheNextOneWritesTheData) {
  WindowRecorder recorder(*store_, quiet(), clock());
  recorder.record(answer());
  execute("ALTER TABLE monitor_windows RENAME TO monitor_windows_away");
  EXPECT_THROW(recorder.flush(), store::StoreError);
  recorder.record(answer());
  EXPECT_THROW(recorder.flush(), store::StoreError);
  EXPECT_EQ(recorder.counters().flush_failures, 2u);
  EXPECT_EQ(recorder.counters().flushes, 0u);

  execute("ALTER TABLE monitor_windows_away RENAME TO monitor_windows");
  recorder.flush();
  EXPECT_EQ(totals().requests, 2);
  EXPECT_EQ(recorder.counters().flushes, 1u);
  EXPECT_EQ(recorder.counters().flush_failures, 2u);
}

TEST_P(RecorderTest, TheFlushThreadWritesAndSurvivesFailures) {
  WindowRecorderOptions options = quiet();
  options.flush_interval_ms = 10;
  WindowRecorder recorder(*store_, options, clock());
  recorder.record(answer());
  ASSERT_TRUE(eventually([&] { return recorder.counters().rows_written >= 1; }));
  EXPECT_EQ(totals().requests, 1);

  execute("ALTER TABLE monitor_windows RENAME TO monitor_windows_away");
  recorder.record(answer());
  ASSERT_TRUE(eventually([&] { return recorder.counters().flush_failures >= 1; }));
  execute("ALTER TABLE monitor_windows_away RENAME TO monitor_windows");
  ASSERT_TRUE(eventually([&] { return recorder.counters().rows_written >= 2; }));
  EXPECT_EQ(totals().requests, 2);
}

TEST_P(RecorderTest, RetentionDeletesOldRowsAtMostHourly) {
  WindowRecorderOptions options = quiet();
  options.retention_days = 1;
  WindowRecorder recorder(*store_, options, clock());
  recorder.record(answer("old"));
  recorder.flush();

  now_ms_ = kDec1 + 2 * kDay;
  recorder.record(answer("new"));
  recorder.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows WHERE route = 'old'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows WHERE route = 'new'"), 1);

  // Another replica's row, as old: it waits for the next hourly purge.
  execute(
      "INSERT INTO monitor_windows (replica, route, version, arm, minute_ms, requests, "
      "updated_ms) VALUES ('replica-b', 'old', 'old/1', 'stable', 1796083200000, 1, 0)");
  now_ms_ = kDec1 + 2 * kDay + 30 * kMinute;
  recorder.record(answer("new"));
  recorder.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows WHERE route = 'old'"), 1);

  now_ms_ = kDec1 + 2 * kDay + kHour;
  recorder.flush();  // nothing recorded, yet the purge is due
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows WHERE route = 'old'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_windows WHERE route = 'new'"), 2);  // 2 minutes
}

INSTANTIATE_TEST_SUITE_P(Backends, RecorderTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
