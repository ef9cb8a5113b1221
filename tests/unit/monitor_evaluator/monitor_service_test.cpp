// MonitorService on SQLite: observed answers reach the drift recorder through the worker, a
// full queue drops and counts, a stopped service ignores answers, evaluate_now sees what was
// queued just before, and its metrics text names its counts.
#include "monitor/monitor_service.h"

#include <gtest/gtest.h>

#include <atomic>

#include "test_dir.h"

namespace slipway::monitor {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

class MonitorServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::Store::open((test::fresh_test_dir("monitor-service", "db") / "m.db").string());
  }

  std::unique_ptr<MonitorService> service(MonitorServiceOptions options = {}) {
    options.drift.slot_ms = 1'000;
    options.evaluator.drift.window_ms = 10'000;
    options.evaluator.drift.thresholds.min_answers = 5;
    return std::make_unique<MonitorService>(
        *store_, options, std::make_shared<const PhraseMatcher>(PhraseLists::defaults()),
        std::nullopt, nullptr, [this] { return now_.load(); });
  }

  static ObservedAnswer answer(int serial, const std::string& arm, int64_t tokens,
                               const std::string& finish) {
    ObservedAnswer a;
    a.id = "chatcmpl-" + std::to_string(serial);
    a.route = "support";
    a.version = arm == "canary" ? "support/2" : "support/1";
    a.arm = arm;
    a.prompt = "Where is my order?";
    a.response = "It ships tomorrow.";
    a.finish_reason = finish;
    a.completion_tokens = tokens;
    a.created_ms = kNow + serial;
    return a;
  }

  std::unique_ptr<store::Store> store_;
  std::atomic<int64_t> now_{kNow};
};

TEST_F(MonitorServiceTest, ObservedAnswersReachTheDriftRecorderThroughTheWorker) {
  auto monitor = service();
  for (int i = 0; i < 20; ++i) monitor->observe(answer(i, "stable", 10 + i, "stop"));
  ASSERT_TRUE(monitor->wait_observed(std::chrono::seconds(10)));
  EXPECT_EQ(monitor->counters().observed, 20u);
  EXPECT_EQ(monitor->counters().dropped, 0u);
  monitor->drift().flush();
  const DriftSample sample = read_drift_sample(*store_, {"support", "", "", 0, 0});
  EXPECT_EQ(sample.answers, 20);
  EXPECT_EQ(sample.finish_reasons.at("stop"), 20);
}

TEST_F(MonitorServiceTest, AFullQueueDropsAndCountsInsteadOfWaiting) {
  MonitorServiceOptions options;
  options.max_pending_answers = 1;
  auto monitor = service(options);
  for (int i = 0; i < 2'000; ++i) monitor->observe(answer(i, "stable", 5, "stop"));
  ASSERT_TRUE(monitor->wait_observed(std::chrono::seconds(10)));
  const auto counts = monitor->counters();
  EXPECT_EQ(counts.observed + counts.dropped, 2'000u);
  EXPECT_GT(counts.dropped, 0u);
  const std::string text = monitor->metrics_text();
  EXPECT_NE(text.find("slipway_monitor_answers_total{result=\"dropped\"} " +
                      std::to_string(counts.dropped)),
            std::string::npos)
      << text;
}

TEST_F(MonitorServiceTest, AStoppedServiceIgnoresAnswers) {
  auto monitor = service();
  monitor->stop();
  monitor->observe(answer(1, "stable", 5, "stop"));
  ASSERT_TRUE(monitor->wait_observed(std::chrono::seconds(10)));
  EXPECT_EQ(monitor->counters().observed, 0u);
}

TEST_F(MonitorServiceTest, EvaluateNowSeesAnswersQueuedJustBefore) {
  auto monitor = service();
  int serial = 0;
  for (int i = 0; i < 30; ++i) monitor->observe(answer(serial++, "stable", 20 + i % 30, "stop"));
  for (int i = 0; i < 30; ++i) monitor->observe(answer(serial++, "canary", 4, "length"));
  now_ = kNow + 5'000;  // the slot of every answer above is complete
  const EvaluationSummary summary = monitor->evaluate_now();
  EXPECT_EQ(summary.fired, 1) << evaluation_summary_to_json(summary).dump(2);
  const auto alerts = list_alerts(*store_, {.state = "active"});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].version, "support/2");
  EXPECT_EQ(alerts[0].kind, "drift");
}

TEST_F(MonitorServiceTest, OptionsOutOfRangeAreRefused) {
  MonitorServiceOptions options;
  options.max_pending_answers = 0;
  EXPECT_THROW(service(options), std::invalid_argument);
  options = {};
  options.evaluate_interval_ms = 10;
  EXPECT_THROW(service(options), std::invalid_argument);
}

}  // namespace
}  // namespace slipway::monitor
