// The drift recorder on a fake clock: what it reads from answers, which slot they land in, and
// how it flushes, merges replicas, retries, purges and shuts down.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "drift_store_test_support.h"
#include "store/store_error.h"

namespace slipway::monitor::test {
namespace {

using DriftRecorderTest = DriftStoreTest;

TEST_P(DriftRecorderTest, RecordsEachAnswersSignals) {
  auto drift = recorder(quiet());
  drift->record(answer("support", kDec1, "I can't help with the router router"));
  drift->record(answer("support", kDec1, "I'm not sure: restart the modem"));
  ObservedAnswer truncated = answer("support", kDec1, "Restart");
  truncated.finish_reason = "";
  truncated.completion_tokens = 4;
  drift->record(truncated);
  drift->flush();

  const DriftSample sample = read();
  EXPECT_EQ(sample.answers, 3);
  EXPECT_EQ(sample.refusals, 1);
  EXPECT_EQ(sample.uncertain, 1);
  EXPECT_EQ(sample.lengths, (ValueCounts{{4, 1}, {12, 2}}));
  EXPECT_EQ(sample.finish_reasons, (LabelCounts{{"stop", 2}, {"unknown", 1}}));
  // "router" twice in one answer counts once; stopwords and short words are left out.
  EXPECT_EQ(sample.response_terms, (LabelCounts{{"can't", 1},
                                                {"help", 1},
                                                {"i'm", 1},
                                                {"modem", 1},
                                                {"not", 1},
                                                {"restart", 2},
                                                {"router", 1},
                                                {"sure", 1}}));
  EXPECT_EQ(sample.prompt_terms, (LabelCounts{{"router", 3}, {"offline", 3}}));
  EXPECT_EQ(drift->counters().recorded, 3u);
  EXPECT_EQ(drift->counters().flushes, 1u);
}

TEST_P(DriftRecorderTest, NegativeTokenCountsAreZeroAndRoutelessAnswersAreIgnored) {
  auto drift = recorder(quiet());
  ObservedAnswer odd = answer();
  odd.completion_tokens = -5;
  drift->record(odd);
  drift->record(answer(""));
  drift->flush();
  EXPECT_EQ(read().lengths, (ValueCounts{{0, 1}}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots"), 1);
  EXPECT_EQ(drift->counters().recorded, 1u);
}

TEST_P(DriftRecorderTest, SlotsAreAssignedByArrivalTimeNotByTheClock) {
  auto options = quiet();
  options.slot_ms = 5 * kMinute;
  auto drift = recorder(options);
  now_ms_ = kDec1 + 7 * kMinute;
  drift->record(answer("support", kDec1 + 5 * kMinute - 1));
  drift->record(answer("support", kDec1 + 5 * kMinute));
  drift->record(answer("support", kDec1 + 6 * kMinute));
  drift->flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots WHERE slot_ms = 1796083200000 AND "
                  "answers = 1"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots WHERE slot_ms = 1796083500000 AND "
                  "answers = 2"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots"), 2);
}

TEST_P(DriftRecorderTest, AnAnswerWithoutArrivalTimeCountsNow) {
  auto drift = recorder(quiet());
  drift->record(answer("support", 0));
  drift->flush();
  EXPECT_EQ(count("SELECT slot_ms FROM monitor_drift_slots"), kDec1 + kMinute);
}

TEST_P(DriftRecorderTest, RoutesVersionsAndArmsAreSeparateRows) {
  auto drift = recorder(quiet());
  drift->record(answer("support"));
  drift->record(answer("sales"));
  ObservedAnswer canary = answer("support");
  canary.arm = "canary";
  drift->record(canary);
  ObservedAnswer other_version = answer("support");
  other_version.version = "support/2";
  drift->record(other_version);
  drift->flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots"), 4);
}

TEST_P(DriftRecorderTest, FlushingTwiceRewritesTheSlotInsteadOfAddingToIt) {
  auto drift = recorder(quiet());
  drift->record(answer());
  drift->record(answer());
  drift->flush();
  now_ms_ = kDec1 + 2 * kMinute;
  drift->flush();  // nothing changed: nothing written
  EXPECT_EQ(read().answers, 2);
  EXPECT_EQ(count("SELECT updated_ms FROM monitor_drift_slots"), kDec1 + kMinute);
  EXPECT_EQ(drift->counters().flushes, 1u);

  drift->record(answer());
  drift->flush();
  drift->flush();
  const DriftSample sample = read();
  EXPECT_EQ(sample.answers, 3);
  EXPECT_EQ(sample.lengths, (ValueCounts{{12, 3}}));
  EXPECT_EQ(sample.response_terms.at("router"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots"), 1);
  EXPECT_EQ(count("SELECT updated_ms FROM monitor_drift_slots"), kDec1 + 2 * kMinute);
}

TEST_P(DriftRecorderTest, TwoReplicasOnOneStoreSum) {
  auto first = recorder(quiet("replica-a"));
  auto second = recorder(quiet("replica-b"));
  first->record(answer());
  second->record(answer());
  second->record(answer("support", kDec1, "I can't help"));
  first->flush();
  second->flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots"), 2);
  const DriftSample sample = read();
  EXPECT_EQ(sample.answers, 3);
  EXPECT_EQ(sample.refusals, 1);
  EXPECT_EQ(sample.response_terms.at("restart"), 2);
}

TEST_P(DriftRecorderTest, ARandomReplicaIdWhenNoneIsGiven) {
  auto first = recorder(quiet(""));
  auto second = recorder(quiet(""));
  EXPECT_EQ(first->options().replica_id.size(), 16u);
  EXPECT_NE(first->options().replica_id, second->options().replica_id);
  first->record(answer());
  second->record(answer());
  first->flush();
  second->flush();
  EXPECT_EQ(count("SELECT COUNT(DISTINCT replica) FROM monitor_drift_slots"), 2);
}

TEST_P(DriftRecorderTest, TermMapsAreTrimmedOnWrite) {
  auto options = quiet();
  options.terms_per_slot = 2;
  auto drift = recorder(options);
  drift->record(answer("support", kDec1, "alpha beta gamma", "delta"));
  drift->record(answer("support", kDec1, "alpha beta", "delta epsilon"));
  drift->record(answer("support", kDec1, "alpha", "delta epsilon zeta"));
  drift->flush();
  const DriftSample sample = read();
  EXPECT_EQ(sample.response_terms, (LabelCounts{{"alpha", 3}, {"beta", 2}}));
  EXPECT_EQ(sample.prompt_terms, (LabelCounts{{"delta", 3}, {"epsilon", 2}}));
  EXPECT_EQ(sample.answers, 3);  // only the terms are trimmed
}

TEST_P(DriftRecorderTest, RecordingNeverTouchesTheStore) {
  auto drift = recorder(quiet());
  execute("DROP TABLE monitor_drift_slots");
  drift->record(answer());  // no table, no error: recording is in memory only
  EXPECT_EQ(drift->counters().recorded, 1u);
  EXPECT_THROW(drift->flush(), store::StoreError);
}

TEST_P(DriftRecorderTest, NothingIsWrittenBeforeAFlush) {
  auto drift = recorder(quiet());
  drift->record(answer());
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots"), 0);
  drift->flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots"), 1);
}

TEST_P(DriftRecorderTest, TheDestructorFlushes) {
  {
    auto drift = recorder(quiet());
    drift->record(answer());
  }
  EXPECT_EQ(read().answers, 1);
}

TEST_P(DriftRecorderTest, AFailedFlushIsCountedAndTheNextOneWritesTheData) {
  auto drift = recorder(quiet());
  drift->record(answer());
  execute("ALTER TABLE monitor_drift_slots RENAME TO monitor_drift_slots_away");
  EXPECT_THROW(drift->flush(), store::StoreError);
  drift->record(answer());
  EXPECT_THROW(drift->flush(), store::StoreError);
  EXPECT_EQ(drift->counters().flush_failures, 2u);
  EXPECT_EQ(drift->counters().flushes, 0u);

  execute("ALTER TABLE monitor_drift_slots_away RENAME TO monitor_drift_slots");
  drift->flush();
  EXPECT_EQ(read().answers, 2);
  EXPECT_EQ(drift->counters().flushes, 1u);
}

TEST_P(DriftRecorderTest, TheFlushThreadWrites) {
  auto options = quiet();
  options.flush_interval_ms = 10;
  auto drift = recorder(options);
  drift->record(answer());
  ASSERT_TRUE(eventually([&] { return drift->counters().flushes >= 1; }));
  EXPECT_EQ(read().answers, 1);
}

TEST_P(DriftRecorderTest, AnswersRecordedWhileTheThreadFlushesAreNotLost) {
  auto options = quiet();
  options.flush_interval_ms = 1;
  auto drift = recorder(options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) drift->record(answer());
    });
  }
  for (std::thread& thread : threads) thread.join();
  drift->flush();
  EXPECT_EQ(read().answers, 1000);
  EXPECT_EQ(read().response_terms.at("router"), 1000);
}

TEST_P(DriftRecorderTest, AnswersForAClosedSlotAreDroppedAndCounted) {
  auto drift = recorder(quiet());
  drift->record(answer("support", kDec1));
  drift->flush();

  // The slot [kDec1, +1 min) stays open for answers until 15 minutes after its end.
  now_ms_ = kDec1 + 16 * kMinute - 1;
  drift->record(answer("support", kDec1));
  drift->flush();
  EXPECT_EQ(read().answers, 2);

  now_ms_ = kDec1 + 16 * kMinute;
  drift->flush();  // the closed, written slot leaves memory
  drift->record(answer("support", kDec1));
  drift->flush();
  EXPECT_EQ(read().answers, 2);  // the row was not rewritten from a fresh slot
  EXPECT_EQ(drift->counters().late, 1u);
  EXPECT_EQ(drift->counters().recorded, 2u);
}

TEST_P(DriftRecorderTest, RetentionDeletesOldSlotsAtMostHourly) {
  auto options = quiet();
  options.retention_days = 1;
  auto drift = recorder(options);
  drift->record(answer("old", kDec1));
  drift->flush();

  now_ms_ = kDec1 + 2 * kDay;
  drift->record(answer("new", kDec1 + 2 * kDay));
  drift->flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots WHERE route = 'old'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots WHERE route = 'new'"), 1);

  // Another replica's slot, as old: it waits for the next hourly purge.
  execute(
      "INSERT INTO monitor_drift_slots (replica, route, version, arm, slot_ms, answers, "
      "updated_ms) VALUES ('replica-b', 'old', 'old/1', 'stable', 1796083200000, 1, 0)");
  now_ms_ = kDec1 + 2 * kDay + 30 * kMinute;
  drift->flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots WHERE route = 'old'"), 1);

  now_ms_ = kDec1 + 2 * kDay + kHour;
  drift->flush();  // nothing recorded, yet the purge is due
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots WHERE route = 'old'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM monitor_drift_slots WHERE route = 'new'"), 1);
}

TEST_P(DriftRecorderTest, BadOptionsAreRefused) {
  const auto refused = [&](const DriftRecorderOptions& options) {
    EXPECT_THROW(DriftRecorder(*store_, test_phrases(), options, clock()), std::invalid_argument);
  };
  auto options = quiet();
  options.slot_ms = 999;
  refused(options);
  options = quiet();
  options.flush_interval_ms = 0;
  refused(options);
  options = quiet();
  options.retention_days = 0;
  refused(options);
  options.retention_days = 36'501;
  refused(options);
  options = quiet();
  options.terms_per_slot = 0;
  refused(options);
  EXPECT_THROW(DriftRecorder(*store_, nullptr, quiet(), clock()), std::invalid_argument);
  EXPECT_THROW(DriftRecorder(*store_, test_phrases(), quiet(), store::WallClock{}),
               std::invalid_argument);
  options = quiet();
  options.slot_ms = 1'000;
  options.retention_days = 36'500;
  EXPECT_NO_THROW(DriftRecorder(*store_, test_phrases(), options, clock()));
}

INSTANTIATE_TEST_SUITE_P(Backends, DriftRecorderTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
