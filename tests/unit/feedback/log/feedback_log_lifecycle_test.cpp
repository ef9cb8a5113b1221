// The writer's limits and lifetime: disabled log, full queue, shutdown, store failures,
// concurrent callers and the metrics they leave.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "feedback/feedback_log.h"
#include "log_test_support.h"

namespace slipway::feedback::test {
namespace {

using Status = SubmitResult::Status;

class FeedbackLogLifecycleTest : public StoreTest {};

TEST_P(FeedbackLogLifecycleTest, ADisabledLogDropsAndCounts) {
  LogSettings settings = quiet_settings();
  settings.enabled = false;
  FeedbackLog log(*store_, settings, clock());
  EXPECT_FALSE(log.log(chat_answer("chatcmpl-1")));
  EXPECT_FALSE(log.log(chat_answer("chatcmpl-2")));
  const SubmitResult result = log.submit_and_wait(thumbs("chatcmpl-1", 1));
  EXPECT_EQ(result.status, Status::Unavailable);
  EXPECT_NE(result.error.find("disabled"), std::string::npos) << result.error;
  log.flush();
  EXPECT_EQ(log.counters().answers_dropped, 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 0);
}

TEST_P(FeedbackLogLifecycleTest, AFullQueueDropsNewAnswers) {
  LogSettings settings = quiet_settings();
  settings.max_pending = 5;
  FeedbackLog log(*store_, settings, clock());
  int accepted = 0;
  for (int i = 0; i < 7; ++i) accepted += log.log(chat_answer("chatcmpl-" + std::to_string(i)));
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(log.counters().pending, 5u);
  EXPECT_EQ(log.counters().answers_dropped, 2u);
  log.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 5);
  EXPECT_TRUE(log.log(chat_answer("chatcmpl-after")));  // room again once written
}

TEST_P(FeedbackLogLifecycleTest, TheDestructorWritesWhatIsQueued) {
  std::atomic<int> recorded{0};
  {
    FeedbackLog log(*store_, quiet_settings(), clock());
    for (int i = 0; i < 20; ++i) log.log(chat_answer("chatcmpl-" + std::to_string(i)));
    log.submit(thumbs("chatcmpl-19", 1, "alice"), [&](SubmitResult result) {
      if (result.status == Status::Recorded) ++recorded;
    });
  }
  EXPECT_EQ(recorded.load(), 1);
  store_.reset();
  store_ = store::Store::open(location_);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 20);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_ratings"), 1);
  // A new log on the same database finds the answers of the old one.
  FeedbackLog again(*store_, quiet_settings(), clock());
  EXPECT_EQ(again.submit_and_wait(thumbs("chatcmpl-3", -1)).status, Status::Recorded);
}

TEST_P(FeedbackLogLifecycleTest, AStoreFailureMakesRatingsUnavailable) {
  FeedbackLog log(*store_, quiet_settings(), clock());
  log.log(chat_answer("chatcmpl-1"));
  log.flush();
  store_->write([](store::Transaction& tx) { tx.execute("DROP TABLE feedback_ratings"); });
  log.log(chat_answer("chatcmpl-2"));  // lost with the failed batch
  const SubmitResult result = log.submit_and_wait(thumbs("chatcmpl-1", 1));
  EXPECT_EQ(result.status, Status::Unavailable);
  EXPECT_NE(result.error.find("feedback_ratings"), std::string::npos) << result.error;
  const LogCounters counters = log.counters();
  EXPECT_EQ(counters.write_failures, 1u);
  EXPECT_EQ(counters.answers_logged, 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 1);
  // The writer keeps going: later answers are written.
  log.log(chat_answer("chatcmpl-3"));
  log.flush();
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), 2);
}

TEST_P(FeedbackLogLifecycleTest, ConcurrentLogAndSubmitAreAllDurable) {
  LogSettings settings;  // the real flush interval: batches form while threads race
  settings.purge_interval_ms = 0;
  settings.max_batch = 16;
  FeedbackLog log(*store_, settings, clock());
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> recorded{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string user = "user-" + std::to_string(t);
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "chatcmpl-" + std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE(log.log(chat_answer(id, user)));
        log.submit(thumbs(id, i % 2 == 0 ? 1 : -1, user), [&](SubmitResult result) {
          ++(result.status == Status::Recorded ? recorded : other);
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  log.flush();
  EXPECT_EQ(recorded.load(), kThreads * kEach);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_responses"), kThreads * kEach);
  EXPECT_EQ(count("SELECT COUNT(*) FROM feedback_ratings"), kThreads * kEach);
  EXPECT_EQ(log.counters().answers_logged, static_cast<uint64_t>(kThreads * kEach));
}

TEST_P(FeedbackLogLifecycleTest, MetricsTextHasEveryCounter) {
  LogSettings settings = quiet_settings();
  settings.max_pending = 1;
  FeedbackLog log(*store_, settings, clock());
  log.log(chat_answer("chatcmpl-1"));
  log.log(chat_answer("chatcmpl-2"));  // dropped
  log.submit_and_wait(thumbs("chatcmpl-1", 1));
  log.submit_and_wait(thumbs("chatcmpl-x", 1));
  const std::string text = log.metrics_text();
  for (const std::string line :
       {"# TYPE slipway_response_log_answers_total counter", "slipway_response_log_answers_total 1",
        "slipway_response_log_dropped_total 1",
        "slipway_response_log_bodies_total{kept=\"true\"} 1",
        "slipway_response_log_bodies_total{kept=\"false\"} 0",
        "slipway_response_log_batches_total 2", "slipway_response_log_write_failures_total 0",
        "# TYPE slipway_response_log_commit_seconds_total counter",
        "# TYPE slipway_response_log_pending gauge", "slipway_response_log_pending 0",
        "slipway_feedback_ratings_total{result=\"recorded\"} 1",
        "slipway_feedback_ratings_total{result=\"unknown\"} 1",
        "slipway_response_log_purged_rows_total 0",
        "# HELP slipway_response_log_purged_rows_total"}) {
    EXPECT_NE(text.find(line + (line[0] == '#' ? "" : "\n")), std::string::npos) << line << "\n"
                                                                                 << text;
  }
}

TEST_P(FeedbackLogLifecycleTest, ABadRedactionPatternIsRefusedAtConstruction) {
  LogSettings settings = quiet_settings();
  settings.redaction.push_back({"broken", "(", "x"});
  EXPECT_THROW(FeedbackLog(*store_, settings, clock()), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedbackLogLifecycleTest, slipway::test::kBothBackends,
                         backend_name);

}  // namespace
}  // namespace slipway::feedback::test
