// evaluate_quality on hand-made windows: the streak arithmetic, edges and bad settings.
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "monitor/quality_trend.h"

namespace slipway::monitor {
namespace {

constexpr int64_t kHour = 3'600'000;

QualityWindow window(int64_t hour, int64_t scored, double mean) {
  QualityWindow out;
  out.route = "support";
  out.version = "support/2";
  out.start_ms = hour * kHour;
  out.window_ms = kHour;
  out.scored = scored;
  out.score_sum = mean * static_cast<double>(scored);
  return out;
}

QualityTrend evaluate(std::vector<QualityWindow> windows, std::optional<double> baseline = 8.0,
                      const QualitySettings& settings = {}) {
  return evaluate_quality("support", "support/2", std::move(windows), baseline, 100, "pinned",
                          settings);
}

TEST(EvaluateQuality, TheLastWindowsAllBelowDegrade) {
  const QualityTrend trend =
      evaluate({window(0, 10, 8), window(1, 10, 7), window(2, 10, 7), window(3, 10, 7)});
  EXPECT_EQ(trend.state, QualityState::Degraded);
  EXPECT_EQ(trend.consecutive_below, 3);
  EXPECT_FALSE(trend.points[0].below);
  EXPECT_STREQ(quality_state_name(trend.state), "degraded");
}

TEST(EvaluateQuality, AGapBetweenBadWindowsEndsTheStreak) {
  const QualityTrend trend = evaluate({window(0, 10, 7), window(1, 10, 7), window(3, 10, 7)});
  EXPECT_EQ(trend.consecutive_below, 1);
  EXPECT_EQ(trend.state, QualityState::Insufficient);
  EXPECT_EQ(trend.sentence,
            "mean 7 below 7.6 (baseline 8 − 5%) for 1 window (3 windows fire the alert)");
}

TEST(EvaluateQuality, AMeanExactlyAtTheThresholdIsNotBad) {
  // 8 · 0.95 is 7.6000000000000005 in floating point; 7.6 must still pass.
  const QualityTrend trend = evaluate({window(0, 10, 7.6), window(1, 10, 7.6), window(2, 10, 7.6)});
  EXPECT_EQ(trend.consecutive_below, 0);
  EXPECT_EQ(trend.state, QualityState::Ok);
  EXPECT_EQ(trend.sentence, "mean 7.6 at or above 7.6 (baseline 8 − 5%)");
}

TEST(EvaluateQuality, OkGoesByTheNewestWindowWithEnoughScores) {
  // The newest window has 2 scores: the one before it (good) decides.
  const QualityTrend trend = evaluate({window(0, 10, 7), window(1, 10, 8), window(2, 2, 1)});
  EXPECT_EQ(trend.state, QualityState::Ok);
  EXPECT_EQ(evaluate({window(0, 2, 1)}).state, QualityState::Insufficient);
  EXPECT_EQ(evaluate({}).state, QualityState::Insufficient);
  EXPECT_EQ(evaluate({}).sentence, "too few scored answers: no complete window has 10");
}

TEST(EvaluateQuality, WithoutABaselineEveryWindowIsUnjudged) {
  const QualityTrend trend =
      evaluate({window(0, 10, 0), window(1, 10, 0), window(2, 10, 0)}, std::nullopt);
  EXPECT_EQ(trend.state, QualityState::Insufficient);
  for (const QualityPoint& point : trend.points) {
    EXPECT_FALSE(point.threshold.has_value());
    EXPECT_TRUE(point.enough_samples);
    EXPECT_FALSE(point.below);
  }
}

TEST(EvaluateQuality, BadSettingsAreRejectedByName) {
  const auto rejects = [](QualitySettings settings, const std::string& word) {
    try {
      validate_quality_settings(settings);
      ADD_FAILURE() << "accepted settings with a bad " << word;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(word), std::string::npos) << error.what();
    }
    EXPECT_THROW(evaluate({}, 8.0, settings), std::invalid_argument);
  };
  QualitySettings settings;
  settings.window_ms = 0;
  rejects(settings, "window_ms");
  settings = {};
  settings.max_drop = 1.0;
  rejects(settings, "max_drop");
  settings = {};
  settings.windows = 0;
  rejects(settings, "windows");
  settings = {};
  settings.min_samples = 0;
  rejects(settings, "min_samples");
  settings = {};
  settings.pinned_baseline = std::numeric_limits<double>::quiet_NaN();
  rejects(settings, "pinned baseline");
  EXPECT_NO_THROW(validate_quality_settings({}));
}

}  // namespace
}  // namespace slipway::monitor
