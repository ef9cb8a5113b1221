// The quality trend read from stored judge scores on a fake clock: how many bad windows fire,
// what resets a streak, what never counts, and where the baseline comes from.
#include "monitor/quality_trend.h"

#include <gtest/gtest.h>

#include "evaluator_test_support.h"

namespace slipway::monitor::test {
namespace {

class QualityTrendTest : public MonitorStoreTest {
 protected:
  // The stable arm scores 8 (10 answers an hour) for the first `hours` hours: a baseline of
  // 8, so with the default 5% drop a window below 7.6 is bad.
  void stable_scores_8(int hours = 12) {
    for (int hour = 0; hour < hours; ++hour) judged("support", "support/1", "stable", hour, 10, 8);
  }
  void canary(int64_t hour, double score, int count = 10) {
    judged("support", "support/2", "canary", hour, count, score);
  }
  QualityTrend trend_at(int64_t now_ms, const QualitySettings& settings = {}, int history = 0) {
    return read_quality_trend(*store_, "support", "support/2", settings, now_ms, history);
  }
};

TEST_P(QualityTrendTest, ThreeBadWindowsDegradeTwoDoNot) {
  stable_scores_8();
  for (int hour : {1, 2, 3}) canary(hour, 7.0);

  const QualityTrend two = trend_at(kDec1 + 3 * kHour);
  EXPECT_EQ(two.consecutive_below, 2);
  EXPECT_EQ(two.state, QualityState::Insufficient);
  // The third bad hour is not complete one millisecond before it ends.
  EXPECT_EQ(trend_at(kDec1 + 4 * kHour - 1).state, QualityState::Insufficient);

  const QualityTrend three = trend_at(kDec1 + 4 * kHour);
  EXPECT_EQ(three.state, QualityState::Degraded);
  EXPECT_EQ(three.consecutive_below, 3);
  ASSERT_EQ(three.points.size(), 3u);
  EXPECT_EQ(three.points.front().window.start_ms, kDec1 + kHour);
  EXPECT_NEAR(*three.points.back().threshold, 7.6, 1e-9);
  EXPECT_NEAR(*three.baseline, 8.0, 1e-9);
  EXPECT_EQ(three.baseline_source, "stable arm, trailing 24h");
  EXPECT_EQ(three.sentence, "mean 7 below 7.6 (baseline 8 − 5%) for 3 windows");
}

TEST_P(QualityTrendTest, AGoodWindowInBetweenResetsTheStreak) {
  stable_scores_8();
  canary(1, 7.0);
  canary(2, 7.0);
  canary(3, 7.9);
  canary(4, 7.0);
  canary(5, 7.0);

  const QualityTrend recovered = trend_at(kDec1 + 4 * kHour);
  EXPECT_EQ(recovered.state, QualityState::Ok);
  EXPECT_EQ(recovered.consecutive_below, 0);

  const QualityTrend after = trend_at(kDec1 + 6 * kHour, {}, 3);
  EXPECT_EQ(after.points.size(), 5u);
  EXPECT_EQ(after.consecutive_below, 2);
  EXPECT_EQ(after.state, QualityState::Insufficient);

  canary(6, 7.0);
  EXPECT_EQ(trend_at(kDec1 + 7 * kHour).state, QualityState::Degraded);
}

TEST_P(QualityTrendTest, WindowsWithTooFewScoresNeverCountAsBad) {
  stable_scores_8();
  canary(1, 7.0);
  canary(2, 0.0, 9);  // far below, but 9 of the 10 scores a window needs
  canary(3, 7.0);
  canary(4, 7.0);

  const QualityTrend trend = trend_at(kDec1 + 5 * kHour, {}, 1);
  ASSERT_EQ(trend.points.size(), 4u);
  EXPECT_FALSE(trend.points[1].enough_samples);
  EXPECT_FALSE(trend.points[1].below);
  EXPECT_EQ(trend.points[1].window.scored, 9);
  EXPECT_EQ(trend.consecutive_below, 2);
  EXPECT_EQ(trend.state, QualityState::Insufficient);

  // Unparsable and failed judgements are counted but never make a window count.
  for (int i = 0; i < 20; ++i) {
    JudgeScoreRow row;
    row.response_id = "unparsable-" + std::to_string(i);
    row.route = "support";
    row.version = "support/2";
    row.arm = "canary";
    row.judge = "judge-model";
    row.outcome = JudgeOutcome::Unparsable;
    row.answered_ms = kDec1 + 5 * kHour + i * kMinute;
    row.judged_ms = row.answered_ms;
    record_judge_score(*store_, row);
  }
  canary(5, 7.0, 5);
  const QualityTrend newest = trend_at(kDec1 + 6 * kHour);
  EXPECT_EQ(newest.points.back().window.unparsable, 20);
  EXPECT_FALSE(newest.points.back().enough_samples);
  EXPECT_EQ(newest.state, QualityState::Insufficient);
}

TEST_P(QualityTrendTest, AnHourWithoutScoresBreaksTheStreak) {
  stable_scores_8();
  for (int hour : {1, 2, 4, 5}) canary(hour, 7.0);  // nothing judged in hour 3

  const QualityTrend trend = trend_at(kDec1 + 6 * kHour, {}, 2);
  ASSERT_EQ(trend.points.size(), 4u);  // the empty hour is a missing point, not a bad one
  EXPECT_EQ(trend.consecutive_below, 2);
  EXPECT_EQ(trend.state, QualityState::Insufficient);
}

TEST_P(QualityTrendTest, WithoutABaselineNothingIsDegraded) {
  for (int hour : {1, 2, 3}) canary(hour, 1.0);
  const QualityTrend none = trend_at(kDec1 + 4 * kHour);
  EXPECT_FALSE(none.baseline.has_value());
  EXPECT_EQ(none.baseline_source, "none yet");
  EXPECT_EQ(none.state, QualityState::Insufficient);
  EXPECT_EQ(none.consecutive_below, 0);
  EXPECT_NE(none.sentence.find("no baseline yet"), std::string::npos) << none.sentence;

  judged("support", "support/1", "stable", 0, 9, 8);  // one short of min_samples
  const QualityTrend short_baseline = trend_at(kDec1 + 4 * kHour);
  EXPECT_FALSE(short_baseline.baseline.has_value());
  EXPECT_EQ(short_baseline.baseline_samples, 9);
  EXPECT_EQ(short_baseline.state, QualityState::Insufficient);
}

TEST_P(QualityTrendTest, APinnedBaselineReplacesTheStableArm) {
  stable_scores_8();
  for (int hour : {1, 2, 3}) canary(hour, 8.5);
  EXPECT_EQ(trend_at(kDec1 + 4 * kHour).state, QualityState::Ok);  // above 8 − 5%

  QualitySettings pinned;
  pinned.pinned_baseline = 9.0;  // 8.5 is below 9 − 5% = 8.55
  const QualityTrend trend = trend_at(kDec1 + 4 * kHour, pinned);
  EXPECT_EQ(trend.state, QualityState::Degraded);
  EXPECT_EQ(trend.baseline_source, "pinned");
  EXPECT_DOUBLE_EQ(*trend.baseline, 9.0);
}

TEST_P(QualityTrendTest, TheThresholdsAreConfigurable) {
  stable_scores_8();
  for (int hour : {1, 2, 3}) canary(hour, 7.3);  // below 7.6, above 7.2
  QualitySettings settings;
  settings.windows = 2;
  settings.max_drop = 0.1;
  EXPECT_EQ(trend_at(kDec1 + 4 * kHour).state, QualityState::Degraded);
  EXPECT_EQ(trend_at(kDec1 + 4 * kHour, settings).state, QualityState::Ok);

  judged("support", "support/2", "canary", 4, 10, 7.0);
  judged("support", "support/2", "canary", 5, 10, 7.0);
  const QualityTrend two = trend_at(kDec1 + 6 * kHour, settings);
  EXPECT_EQ(two.consecutive_below, 2);
  EXPECT_EQ(two.state, QualityState::Degraded);
  EXPECT_NEAR(*two.points.back().threshold, 7.2, 1e-9);

  settings.min_samples = 11;  // no window has enough scores any more
  EXPECT_EQ(trend_at(kDec1 + 6 * kHour, settings).state, QualityState::Insufficient);
}

TEST_P(QualityTrendTest, TheBaselineIsEveryStableVersionOverTheTrailingWindow) {
  judged("support", "support/1", "stable", 0, 10, 2.0);  // outside a 2-hour baseline window
  judged("support", "support/1", "stable", 1, 10, 8.0);
  judged("support", "support/3", "stable", 2, 10, 6.0);
  judged("support", "support/2", "canary", 2, 10, 1.0);  // not the stable arm
  judged("sales", "sales/1", "stable", 2, 10, 1.0);      // another route
  QualitySettings settings;
  settings.baseline_window_ms = 2 * kHour;
  const QualityTrend trend = trend_at(kDec1 + 3 * kHour, settings);
  ASSERT_TRUE(trend.baseline.has_value());
  EXPECT_NEAR(*trend.baseline, 7.0, 1e-9);
  EXPECT_EQ(trend.baseline_samples, 20);
  EXPECT_EQ(trend.baseline_source, "stable arm, trailing 2h");
}

TEST_P(QualityTrendTest, TheTrendReadsAsJson) {
  stable_scores_8();
  for (int hour : {1, 2, 3}) canary(hour, 7.0);
  const nlohmann::json json = quality_trend_to_json(trend_at(kDec1 + 4 * kHour));
  EXPECT_EQ(json["state"], "degraded");
  EXPECT_EQ(json["route"], "support");
  EXPECT_EQ(json["version"], "support/2");
  EXPECT_EQ(json["consecutive_below"], 3);
  ASSERT_EQ(json["points"].size(), 3u);
  EXPECT_EQ(json["points"][0]["scored"], 10);
  EXPECT_EQ(json["points"][0]["below"], true);
  EXPECT_NEAR(json["baseline"].get<double>(), 8.0, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Stores, QualityTrendTest, slipway::test::kBothBackends, backend_name);

}  // namespace
}  // namespace slipway::monitor::test
