// Reading drift slots back: the query's filters and range, damaged rows, and the series list.
#include <gtest/gtest.h>

#include <stdexcept>

#include "drift_store_test_support.h"
#include "monitor/monitor_schema.h"

namespace slipway::monitor::test {
namespace {

class DriftReaderTest : public DriftStoreTest {
 protected:
  // One answer per call, flushed, in the slot of `created_ms`.
  void seed(const std::string& route, const std::string& version, const std::string& arm,
            int64_t created_ms, int64_t tokens = 12) {
    if (!drift_) drift_ = recorder(quiet());
    ObservedAnswer observed = answer(route, created_ms);
    observed.version = version;
    observed.arm = arm;
    observed.completion_tokens = tokens;
    drift_->record(observed);
    drift_->flush();
  }

  std::unique_ptr<DriftRecorder> drift_;
};

TEST_P(DriftReaderTest, FiltersByVersionAndArm) {
  seed("support", "support/1", "stable", kDec1, 10);
  seed("support", "support/2", "canary", kDec1, 20);
  seed("support", "support/2", "shadow", kDec1, 30);
  seed("sales", "sales/1", "stable", kDec1, 40);

  EXPECT_EQ(read({.route = "support"}).lengths, (ValueCounts{{10, 1}, {20, 1}, {30, 1}}));
  EXPECT_EQ(read({.route = "support", .version = "support/2"}).lengths,
            (ValueCounts{{20, 1}, {30, 1}}));
  EXPECT_EQ(read({.route = "support", .arm = "canary"}).lengths, (ValueCounts{{20, 1}}));
  EXPECT_EQ(read({.route = "support", .version = "support/1", .arm = "canary"}).answers, 0);
  EXPECT_EQ(read({.route = "sales"}).lengths, (ValueCounts{{40, 1}}));
  EXPECT_EQ(read({.route = "nobody"}).answers, 0);
}

TEST_P(DriftReaderTest, SlotsStartingInTheRangeCountWhole) {
  seed("support", "support/1", "stable", kDec1 - kMinute + 30'000, 1);  // slot kDec1 - 1 min
  seed("support", "support/1", "stable", kDec1, 2);
  seed("support", "support/1", "stable", kDec1 + 59'999, 3);
  seed("support", "support/1", "stable", kDec1 + kMinute, 4);
  seed("support", "support/1", "stable", kDec1 + 2 * kMinute, 5);

  // [kDec1 + 30 s, ...): the slot starting at kDec1 began before the range.
  EXPECT_EQ(read({.route = "support", .since_ms = kDec1 + 30'000}).lengths,
            (ValueCounts{{4, 1}, {5, 1}}));
  EXPECT_EQ(read({.route = "support", .since_ms = kDec1, .until_ms = kDec1 + kMinute}).lengths,
            (ValueCounts{{2, 1}, {3, 1}}));
  EXPECT_EQ(read({.route = "support", .since_ms = kDec1, .until_ms = kDec1 + kMinute + 1}).answers,
            3);
  EXPECT_EQ(read({.route = "support", .since_ms = kDec1, .until_ms = kDec1}).answers, 0);
  EXPECT_EQ(read({.route = "support"}).answers, 5);  // until 0: no end
}

TEST_P(DriftReaderTest, EveryReplicasRowsAreSummed) {
  seed("support", "support/1", "stable", kDec1, 10);
  execute(
      "INSERT INTO monitor_drift_slots (replica, route, version, arm, slot_ms, answers, refusals, "
      "uncertain, length_counts, finish_reasons, prompt_terms, response_terms, updated_ms) "
      "VALUES ('replica-b', 'support', 'support/1', 'stable', 1796083200000, 3, 1, 2, "
      "'{\"10\": 1, \"7\": 2}', '{\"stop\": 2, \"length\": 1}', '{\"router\": 3}', "
      "'{\"modem\": 2}', 0)");
  const DriftSample sample = read();
  EXPECT_EQ(sample.answers, 4);
  EXPECT_EQ(sample.refusals, 1);
  EXPECT_EQ(sample.uncertain, 2);
  EXPECT_EQ(sample.lengths, (ValueCounts{{7, 2}, {10, 2}}));
  EXPECT_EQ(sample.finish_reasons, (LabelCounts{{"length", 1}, {"stop", 3}}));
  EXPECT_EQ(sample.prompt_terms.at("router"), 4);
  EXPECT_EQ(sample.response_terms, (LabelCounts{{"modem", 2}, {"restart", 1}, {"router", 1}}));
}

TEST_P(DriftReaderTest, DamagedColumnsReadAsNoCountsInsteadOfFailing) {
  migrate_monitor(*store_);
  execute(
      "INSERT INTO monitor_drift_slots (replica, route, version, arm, slot_ms, answers, "
      "length_counts, finish_reasons, prompt_terms, response_terms, updated_ms) VALUES "
      "('replica-b', 'support', 'support/1', 'stable', 1796083200000, 2, 'not json', "
      "'{\"stop\": \"two\", \"length\": 2, \"tool_calls\": -1}', '[1, 2]', "
      "'{\"x1\": 1, \"modem\": 1.5}', 0)");
  execute(
      "INSERT INTO monitor_drift_slots (replica, route, version, arm, slot_ms, answers, "
      "length_counts, updated_ms) VALUES ('replica-c', 'support', 'support/1', 'stable', "
      "1796083200000, 1, '{\"12\": 1, \"twelve\": 4, \"3.5\": 2}', 0)");
  const DriftSample sample = read();
  EXPECT_EQ(sample.answers, 3);
  EXPECT_EQ(sample.lengths, (ValueCounts{{12, 1}}));
  EXPECT_EQ(sample.finish_reasons, (LabelCounts{{"length", 2}}));
  EXPECT_TRUE(sample.prompt_terms.empty());
  EXPECT_EQ(sample.response_terms, (LabelCounts{{"x1", 1}}));
}

TEST_P(DriftReaderTest, BadQueriesAreRefused) {
  EXPECT_THROW(read_drift_sample(*store_, {}), std::invalid_argument);
  EXPECT_THROW(read({.route = "support", .since_ms = kDec1, .until_ms = kDec1 - 1}),
               std::invalid_argument);
  EXPECT_THROW(list_drift_series(*store_, kDec1, kDec1 - 1), std::invalid_argument);
}

TEST_P(DriftReaderTest, ListsTheSeriesOfARangeSortedByBytes) {
  seed("beta", "beta/1", "stable", kDec1);
  seed("alpha", "alpha/2", "canary", kDec1);
  seed("alpha", "alpha/1", "stable", kDec1);
  seed("alpha", "alpha/1", "stable", kDec1 + kMinute);  // the same series again
  seed("Alpha", "Alpha/1", "stable", kDec1);
  seed("gamma", "gamma/1", "stable", kDec1 + 2 * kMinute);

  const auto names = [](const std::vector<DriftSeries>& series) {
    std::vector<std::string> joined;
    for (const DriftSeries& one : series)
      joined.push_back(one.route + " " + one.version + " " + one.arm);
    return joined;
  };
  EXPECT_EQ(names(list_drift_series(*store_, kDec1, kDec1 + 2 * kMinute)),
            (std::vector<std::string>{"Alpha Alpha/1 stable", "alpha alpha/1 stable",
                                      "alpha alpha/2 canary", "beta beta/1 stable"}));
  EXPECT_EQ(names(list_drift_series(*store_, kDec1 + kMinute, 0)),
            (std::vector<std::string>{"alpha alpha/1 stable", "gamma gamma/1 stable"}));
  EXPECT_TRUE(list_drift_series(*store_, kDec1 + 3 * kMinute, 0).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, DriftReaderTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
