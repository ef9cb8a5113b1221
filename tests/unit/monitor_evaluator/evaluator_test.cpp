// The monitor evaluator on a fake clock over both stores: drift and quality findings become
// alerts once across replicas, stay while the condition lasts, resolve when it clears, run
// their action once, and show up in the metrics.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "evaluator_test_support.h"
#include "monitor/drift/drift_recorder.h"
#include "monitor/monitor_evaluator.h"

namespace slipway::monitor::test {
namespace {

constexpr int64_t kDriftWindow = 10 * kMinute;

class FakeActions : public AlertActions {
 public:
  struct Call {
    std::string action, route, version, reason;
  };
  explicit FakeActions(bool fail = false) : fail_(fail) {}

  std::string pause_rollout(const std::string& route, const std::string& version,
                            const std::string& reason) override {
    return act("pause_rollout", route, version, reason, "paused rollout 3");
  }
  std::string roll_back(const std::string& route, const std::string& version,
                        const std::string& reason) override {
    return act("rollback", route, version, reason, "rolled back to " + route + "/1");
  }
  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::string act(const char* action, const std::string& route, const std::string& version,
                  const std::string& reason, const std::string& result) {
    std::lock_guard lock(mutex_);
    calls_.push_back({action, route, version, reason});
    if (fail_) throw std::runtime_error("the route has no earlier version to roll back to");
    return result;
  }

  bool fail_;
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
};

class EvaluatorTest : public MonitorStoreTest {
 protected:
  void SetUp() override {
    MonitorStoreTest::SetUp();
    DriftRecorderOptions options;
    options.slot_ms = kMinute;
    options.flush_interval_ms = 3'600'000;  // the tests flush when they mean to
    options.replica_id = "replica-a";
    recorder_ = std::make_unique<DriftRecorder>(
        *store_, std::make_shared<PhraseMatcher>(PhraseLists::defaults()), options, clock());
  }
  void TearDown() override { recorder_.reset(); }

  // `count` answers spread over the ten minutes before `window_end` (which becomes the clock),
  // with `tokens(i)` completion tokens each.
  template <class Tokens>
  void answers(const std::string& version, const std::string& arm, int count, Tokens tokens,
               const std::string& finish, int64_t window_end = kDec1 + kDriftWindow,
               const std::string& route = "support") {
    now_ms_ = window_end;
    static const char* const kTexts[] = {
        "Your parcel ships from the harbour warehouse within two days.",
        "Refunds reach the original card after the inspection of the returned item.",
        "The harbour office opens at nine and closes at five on weekdays.",
        "Change the delivery address from the orders page before the parcel ships.",
        "Tracking numbers arrive by email once the carrier scans the parcel."};
    for (int i = 0; i < count; ++i) {
      ObservedAnswer answer;
      answer.id = "chatcmpl-" + arm + "-" + std::to_string(++next_id_);
      answer.route = route;
      answer.version = version;
      answer.arm = arm;
      answer.prompt = "Where is my parcel and when does it ship?";
      answer.response = kTexts[i % 5];
      answer.finish_reason = finish;
      answer.completion_tokens = tokens(i);
      answer.created_ms = window_end - kDriftWindow + (i % 10) * kMinute + 1'000;
      recorder_->record(answer);
    }
    recorder_->flush();
  }
  // A stable arm of 10-60 token answers that stop, and a canary cut at 4 tokens.
  void stable_answers(int count = 100, int64_t window_end = kDec1 + kDriftWindow,
                      const std::string& route = "support") {
    answers(
        route + "/1", "stable", count, [](int i) { return 10 + (i * 7) % 51; }, "stop", window_end,
        route);
  }
  void truncated_canary(int count = 100, int64_t window_end = kDec1 + kDriftWindow,
                        const std::string& route = "support") {
    answers(
        route + "/2", "canary", count, [](int) { return 4; }, "length", window_end, route);
  }
  void healthy_canary(int64_t window_end) {
    answers(
        "support/2", "canary", 100, [](int i) { return 10 + (i * 7) % 51; }, "stop", window_end);
  }

  EvaluatorOptions drift_options(AlertAction action = AlertAction::Rollback) {
    EvaluatorOptions options;
    options.drift.window_ms = kDriftWindow;
    options.drift.slot_ms = kMinute;
    AlertRule rule;
    rule.name = "canary-drift";
    rule.kind = "drift";
    rule.arms = {"canary"};
    rule.action = action;
    options.rules = {rule};
    return options;
  }

  std::unique_ptr<MonitorEvaluator> evaluator(EvaluatorOptions options,
                                              std::shared_ptr<AlertActions> actions = nullptr) {
    return std::make_unique<MonitorEvaluator>(*store_, std::move(options), std::move(actions),
                                              nullptr, clock());
  }

  std::vector<AlertRecord> alerts(const std::string& state = "") {
    AlertFilter filter;
    filter.state = state;
    return list_alerts(*store_, filter);
  }

  static const SeriesStatus* find_series(const EvaluationSummary& summary,
                                         const std::string& version, const std::string& arm) {
    for (const SeriesStatus& series : summary.series) {
      if (series.version == version && series.arm == arm) return &series;
    }
    return nullptr;
  }

  std::unique_ptr<DriftRecorder> recorder_;
};

TEST_P(EvaluatorTest, ATruncatedCanaryFiresOnceAcrossTwoReplicasWithItsEvidence) {
  stable_answers();
  truncated_canary();
  auto actions_a = std::make_shared<FakeActions>();
  auto actions_b = std::make_shared<FakeActions>();
  auto replica_a = evaluator(drift_options(), actions_a);
  auto replica_b = evaluator(drift_options(), actions_b);

  EvaluationSummary summary_a, summary_b;
  std::thread thread_a([&] { summary_a = replica_a->evaluate(); });
  std::thread thread_b([&] { summary_b = replica_b->evaluate(); });
  thread_a.join();
  thread_b.join();

  EXPECT_TRUE(summary_a.errors.empty()) << summary_a.errors.front();
  EXPECT_TRUE(summary_b.errors.empty()) << summary_b.errors.front();
  EXPECT_EQ(summary_a.fired + summary_b.fired, 1);
  EXPECT_EQ(summary_a.refreshed + summary_b.refreshed, 1);
  auto calls = actions_a->calls();
  for (const auto& call : actions_b->calls()) calls.push_back(call);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].action, "rollback");
  EXPECT_EQ(calls[0].route, "support");
  EXPECT_EQ(calls[0].version, "support/2");

  const auto active = alerts("active");
  ASSERT_EQ(active.size(), 1u);
  const AlertRecord& alert = active[0];
  EXPECT_EQ(alert.rule, "canary-drift");
  EXPECT_EQ(alert.kind, "drift");
  EXPECT_EQ(alert.severity, "critical");
  EXPECT_EQ(alert.version, "support/2");
  EXPECT_EQ(alert.action, "rollback");
  EXPECT_EQ(alert.action_result, "rolled back to support/1");
  EXPECT_EQ(calls[0].reason, alert.summary);

  const nlohmann::json& evidence = alert.evidence;
  EXPECT_EQ(evidence["window"]["since_ms"], kDec1);
  EXPECT_EQ(evidence["window"]["until_ms"], kDec1 + kDriftWindow);
  EXPECT_EQ(evidence["window"]["answers"], 100);
  EXPECT_EQ(evidence["baseline"]["source"], "stable arm, same window");
  EXPECT_EQ(evidence["baseline"]["answers"], 100);
  EXPECT_TRUE(evidence["report"].is_object());
  std::vector<std::string> names;
  std::string sentences;
  for (const auto& check : evidence["checks"]) {
    names.push_back(check["name"]);
    EXPECT_NE(check["state"], "ok");
    sentences += (sentences.empty() ? "" : "; ") + check["sentence"].get<std::string>();
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "length_psi"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "finish_reasons"), names.end());
  EXPECT_EQ(alert.summary, sentences);

  // The stable arm has no previous window yet: measured, never alerted on.
  const SeriesStatus* stable = find_series(summary_a, "support/1", "stable");
  ASSERT_NE(stable, nullptr);
  ASSERT_TRUE(stable->drift.has_value());
  EXPECT_EQ(stable->drift_baseline, "previous window");
  EXPECT_EQ(stable->drift->state(), DriftState::Insufficient);
}

TEST_P(EvaluatorTest, TheAlertStaysWhileDriftLastsAndResolvesWhenItClears) {
  stable_answers();
  truncated_canary();
  auto actions = std::make_shared<FakeActions>();
  auto replica = evaluator(drift_options(), actions);
  ASSERT_EQ(replica->evaluate().fired, 1);
  const std::string id = alerts("active").at(0).id;

  now_ms_ = kDec1 + kDriftWindow + kMinute;  // the window slides one slot: 90 answers left
  const EvaluationSummary still = replica->evaluate();
  EXPECT_EQ(still.fired, 0);
  EXPECT_EQ(still.refreshed, 1);
  const auto active = alerts("active");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].id, id);
  EXPECT_EQ(active[0].last_seen_ms, kDec1 + kDriftWindow + kMinute);

  // Twenty minutes later the canary answers like the stable arm.
  const int64_t later = kDec1 + 3 * kDriftWindow;
  stable_answers(100, later);
  healthy_canary(later);
  const EvaluationSummary cleared = replica->evaluate();
  EXPECT_EQ(cleared.resolved, 1);
  EXPECT_EQ(cleared.fired, 0);
  EXPECT_TRUE(alerts("active").empty());
  const auto resolved = get_alert(*store_, id);
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(resolved->state, "resolved");
  EXPECT_EQ(resolved->resolution, "condition cleared");
  EXPECT_EQ(actions->calls().size(), 1u);  // the action ran when the alert was created only

  EXPECT_EQ(replica->evaluate().resolved, 0);  // nothing left to resolve
}

TEST_P(EvaluatorTest, TooFewAnswersRaiseNoAlert) {
  stable_answers(20);
  truncated_canary(20);
  auto actions = std::make_shared<FakeActions>();
  const EvaluationSummary summary = evaluator(drift_options(), actions)->evaluate();
  EXPECT_EQ(summary.fired, 0);
  const SeriesStatus* canary = find_series(summary, "support/2", "canary");
  ASSERT_NE(canary, nullptr);
  ASSERT_TRUE(canary->drift.has_value());
  EXPECT_EQ(canary->drift->state(), DriftState::Insufficient);
  EXPECT_TRUE(alerts().empty());
  EXPECT_TRUE(actions->calls().empty());
}

TEST_P(EvaluatorTest, InsufficientDataLeavesAnActiveAlertAsItIs) {
  stable_answers();
  truncated_canary();
  auto replica = evaluator(drift_options());
  ASSERT_EQ(replica->evaluate().fired, 1);
  now_ms_ = kDec1 + 5 * kDriftWindow;  // nothing recorded since: no series in the window
  const EvaluationSummary quiet = replica->evaluate();
  EXPECT_EQ(quiet.resolved, 0);
  EXPECT_EQ(alerts("active").size(), 1u);
}

TEST_P(EvaluatorTest, QualityFiresAfterThreeBadWindowsNotTwoAndResolves) {
  for (int hour = 0; hour < 8; ++hour) judged("support", "support/1", "stable", hour, 10, 8.0);
  for (int hour : {1, 2, 3}) judged("support", "support/2", "canary", hour, 10, 7.4);
  judged("support", "support/2", "canary", 4, 10, 8.0);
  auto replica = evaluator(EvaluatorOptions{});  // the default rules and thresholds

  now_ms_ = kDec1 + 3 * kHour;
  const EvaluationSummary two = replica->evaluate();
  EXPECT_EQ(two.fired, 0);
  const SeriesStatus* canary = find_series(two, "support/2", "canary");
  ASSERT_NE(canary, nullptr);
  ASSERT_TRUE(canary->quality.has_value());
  EXPECT_EQ(canary->quality->consecutive_below, 2);
  EXPECT_FALSE(canary->drift.has_value());
  EXPECT_TRUE(alerts().empty());

  now_ms_ = kDec1 + 4 * kHour;
  const EvaluationSummary three = replica->evaluate();
  EXPECT_EQ(three.fired, 1);
  const auto active = alerts("active");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].rule, "quality");
  EXPECT_EQ(active[0].kind, "quality");
  EXPECT_EQ(active[0].version, "support/2");
  EXPECT_EQ(active[0].severity, "warning");  // 7.4 is not below 8 − 2 · 5%
  EXPECT_EQ(active[0].evidence["state"], "degraded");
  EXPECT_EQ(active[0].summary, "mean 7.4 below 7.6 (baseline 8 − 5%) for 3 windows");
  EXPECT_EQ(active[0].action_result, "");  // the default rules do not act

  now_ms_ = kDec1 + 5 * kHour;  // hour 4 was good
  EXPECT_EQ(replica->evaluate().resolved, 1);
  EXPECT_TRUE(alerts("active").empty());
}

TEST_P(EvaluatorTest, AFarDropIsCritical) {
  for (int hour = 0; hour < 4; ++hour) judged("support", "support/1", "stable", hour, 10, 8.0);
  for (int hour : {1, 2, 3}) judged("support", "support/2", "canary", hour, 10, 5.0);
  now_ms_ = kDec1 + 4 * kHour;
  EXPECT_EQ(evaluator(EvaluatorOptions{})->evaluate().fired, 1);
  EXPECT_EQ(alerts("active").at(0).severity, "critical");
}

TEST_P(EvaluatorTest, AFailingActionIsRecordedAndEvaluationGoesOn) {
  stable_answers(100, kDec1 + kDriftWindow, "support");
  truncated_canary(100, kDec1 + kDriftWindow, "support");
  stable_answers(100, kDec1 + kDriftWindow, "sales");
  truncated_canary(100, kDec1 + kDriftWindow, "sales");
  auto actions = std::make_shared<FakeActions>(true);
  const EvaluationSummary summary = evaluator(drift_options(), actions)->evaluate();
  EXPECT_EQ(summary.fired, 2);
  EXPECT_TRUE(summary.errors.empty());
  EXPECT_EQ(actions->calls().size(), 2u);
  const auto active = alerts("active");
  ASSERT_EQ(active.size(), 2u);
  for (const AlertRecord& alert : active) {
    EXPECT_EQ(alert.action_result, "failed: the route has no earlier version to roll back to");
  }
}

TEST_P(EvaluatorTest, ASeriesThatFailsIsReportedAndTheOthersStillRun) {
  stable_answers();
  truncated_canary();
  // A row no recorder writes (no route): reading its series fails.
  store_->write([](store::Transaction& tx) {
    tx.execute(
        "INSERT INTO monitor_drift_slots (replica, route, version, arm, slot_ms, answers, "
        "updated_ms) VALUES ('elsewhere', '', 'ghost/1', 'canary', ?, 5, 0)",
        {kDec1});
  });
  const EvaluationSummary summary = evaluator(drift_options())->evaluate();
  EXPECT_EQ(summary.fired, 1);
  ASSERT_EQ(summary.errors.size(), 1u);
  EXPECT_NE(summary.errors[0].find("ghost/1"), std::string::npos) << summary.errors[0];
  EXPECT_EQ(alerts("active").size(), 1u);
}

TEST_P(EvaluatorTest, WithoutActionsAnAlertSaysItsActionDidNotRun) {
  stable_answers();
  truncated_canary();
  EXPECT_EQ(evaluator(drift_options(AlertAction::PauseRollout))->evaluate().fired, 1);
  const auto active = alerts("active");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].action, "pause_rollout");
  EXPECT_NE(active[0].action_result.find("not run"), std::string::npos);
}

TEST_P(EvaluatorTest, MetricsTextShowsTheSeriesAndAlerts) {
  stable_answers();
  truncated_canary();
  auto replica = evaluator(drift_options(), std::make_shared<FakeActions>());
  replica->evaluate();
  const std::string text = replica->metrics_text();
  const auto has = [&](const std::string& line) {
    EXPECT_NE(text.find(line), std::string::npos) << "no `" << line << "` in:\n" << text;
  };
  has("# TYPE slipway_drift_statistic gauge");
  has("slipway_drift_statistic{route=\"support\",version=\"support/2\",arm=\"canary\","
      "check=\"length_psi\"} ");
  has("slipway_drift_state{route=\"support\",version=\"support/2\",arm=\"canary\","
      "check=\"finish_reasons\"} 2");
  has("slipway_drift_state{route=\"support\",version=\"support/1\",arm=\"stable\","
      "check=\"length_psi\"} -1");
  has("slipway_alerts_active{rule=\"canary-drift\",route=\"support\",version=\"support/2\","
      "severity=\"critical\"} 1");
  has("slipway_alerts_fired_total{rule=\"canary-drift\"} 1");
  has("slipway_monitor_evaluations_total{result=\"ok\"} 1");
  has("slipway_monitor_evaluations_total{result=\"failed\"} 0");
  has("# TYPE slipway_quality_mean gauge");
  const nlohmann::json json = evaluation_summary_to_json(replica->last());
  EXPECT_EQ(json["fired"], 1);
  EXPECT_EQ(json["series"].size(), 2u);
}

TEST_P(EvaluatorTest, QualityMetricsShowTheNewestWindow) {
  for (int hour = 0; hour < 3; ++hour) judged("support", "support/1", "stable", hour, 10, 8.0);
  judged("support", "support/2", "canary", 2, 12, 6.5);
  now_ms_ = kDec1 + 3 * kHour;
  auto replica = evaluator(EvaluatorOptions{});
  replica->evaluate();
  const std::string text = replica->metrics_text();
  EXPECT_NE(text.find("slipway_quality_mean{route=\"support\",version=\"support/2\"} 6.5"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("slipway_quality_baseline{route=\"support\",version=\"support/2\"} 8"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("slipway_quality_samples{route=\"support\",version=\"support/2\"} 12"),
            std::string::npos)
      << text;
}

TEST_P(EvaluatorTest, AStoreFailureFailsTheWholeEvaluation) {
  stable_answers();
  auto replica = evaluator(drift_options());
  store_->write([](store::Transaction& tx) { tx.execute("DROP TABLE monitor_drift_slots"); });
  EXPECT_THROW(replica->evaluate(), store::StoreError);
  EXPECT_NE(replica->metrics_text().find("slipway_monitor_evaluations_total{result=\"failed\"} 1"),
            std::string::npos);
}

TEST_P(EvaluatorTest, BadOptionsAreRejected) {
  EvaluatorOptions options = drift_options();
  options.drift.window_ms = kDriftWindow + 1;  // not a whole number of slots
  EXPECT_THROW(evaluator(options), std::invalid_argument);
  options = drift_options();
  options.rules.push_back(options.rules.front());  // a repeated name
  EXPECT_THROW(evaluator(options), std::invalid_argument);
  options = drift_options();
  options.quality.windows = 0;
  EXPECT_THROW(evaluator(options), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Stores, EvaluatorTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
