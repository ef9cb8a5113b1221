// The quality trend: complete windows of judge scores against a baseline, and the streak of
// bad windows that fires the quality alert.
#include "monitor/quality_trend.h"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "metrics/decimal_text.h"
#include "monitor/window_buckets.h"

namespace slipway::monitor {

namespace {

using metrics::trimmed_decimal;

// A mean equal to the threshold must not count as bad even when the threshold came out of
// floating-point arithmetic (8 · 0.95 is not exactly 7.6).
constexpr double kEpsilon = 1e-9;

// The span in the largest unit that divides it: "24h", "90m", "45s", "1500ms".
std::string span_text(int64_t ms) {
  constexpr std::pair<int64_t, const char*> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}};
  for (const auto& [unit_ms, suffix] : kUnits) {
    if (ms > 0 && ms % unit_ms == 0) {
      // Whole days read better as hours up to two days ("trailing 24h").
      if (unit_ms == 86'400'000 && ms <= 2 * unit_ms) continue;
      return std::to_string(ms / unit_ms) + suffix;
    }
  }
  return std::to_string(ms) + "ms";
}

void check_settings(const QualitySettings& settings) {
  auto fail = [](const std::string& what) {
    throw std::invalid_argument("quality trend settings: " + what);
  };
  if (settings.window_ms < 1000) {
    fail("window_ms must be at least 1000, got " + std::to_string(settings.window_ms));
  }
  if (!(settings.max_drop >= 0 && settings.max_drop < 1)) {
    fail("max_drop must be in [0, 1), got " + trimmed_decimal(settings.max_drop, 6));
  }
  if (settings.windows < 1) {
    fail("windows must be at least 1, got " + std::to_string(settings.windows));
  }
  if (settings.min_samples < 1) {
    fail("min_samples must be at least 1, got " + std::to_string(settings.min_samples));
  }
  if (settings.baseline_window_ms < 1) {
    fail("baseline_window_ms must be positive, got " + std::to_string(settings.baseline_window_ms));
  }
  if (settings.pinned_baseline && !std::isfinite(*settings.pinned_baseline)) {
    fail("the pinned baseline must be a finite number");
  }
}

// Bad windows at the end of `points`, each directly after the one before it: a window without
// rows is a gap, and a gap ends a streak rather than counting as bad.
int trailing_streak(const std::vector<QualityPoint>& points, int64_t window_ms) {
  int streak = 0;
  for (std::size_t i = points.size(); i > 0 && points[i - 1].below; --i) {
    const bool follows_newer =
        i == points.size() ||
        points[i].window.start_ms - points[i - 1].window.start_ms == window_ms;
    if (!follows_newer) break;
    ++streak;
  }
  return streak;
}

std::string against_text(const QualityTrend& trend, const QualitySettings& settings,
                         double threshold) {
  return trimmed_decimal(threshold, 2) + " (baseline " + trimmed_decimal(*trend.baseline, 2) +
         " − " + trimmed_decimal(settings.max_drop * 100, 2) + "%)";
}

std::string window_count(int count) {
  return std::to_string(count) + (count == 1 ? " window" : " windows");
}

std::string describe(const QualityTrend& trend, const QualitySettings& settings) {
  const std::string needed = std::to_string(settings.min_samples);
  if (!trend.baseline) {
    return "no baseline yet: the stable arm has " + std::to_string(trend.baseline_samples) +
           " scored answers, " + needed + " needed";
  }
  const QualityPoint* newest = nullptr;
  for (auto it = trend.points.rbegin(); it != trend.points.rend() && !newest; ++it) {
    if (it->enough_samples) newest = &*it;
  }
  if (newest == nullptr) {
    return "too few scored answers: no complete window has " + needed;
  }
  const double mean = newest->window.mean().value_or(0);
  const std::string against = against_text(trend, settings, *newest->threshold);
  if (!newest->below) return "mean " + trimmed_decimal(mean, 2) + " at or above " + against;
  if (trend.consecutive_below == 0) {
    return "mean " + trimmed_decimal(mean, 2) + " below " + against +
           ", but the newest window has too few scored answers";
  }
  return "mean " + trimmed_decimal(mean, 2) + " below " + against + " for " +
         window_count(trend.consecutive_below) +
         (trend.state == QualityState::Degraded
              ? ""
              : " (" + window_count(settings.windows) + " fire the alert)");
}

}  // namespace

void validate_quality_settings(const QualitySettings& settings) {
  check_settings(settings);
}

const char* quality_state_name(QualityState state) {
  switch (state) {
    case QualityState::Ok:
      return "ok";
    case QualityState::Insufficient:
      return "insufficient";
    case QualityState::Degraded:
      return "degraded";
  }
  return "insufficient";
}

nlohmann::json quality_trend_to_json(const QualityTrend& trend) {
  nlohmann::json points = nlohmann::json::array();
  for (const QualityPoint& point : trend.points) {
    nlohmann::json entry = quality_window_to_json(point.window);
    entry["threshold"] = point.threshold ? nlohmann::json(*point.threshold) : nlohmann::json();
    entry["enough_samples"] = point.enough_samples;
    entry["below"] = point.below;
    points.push_back(std::move(entry));
  }
  return {{"route", trend.route},
          {"version", trend.version},
          {"baseline", trend.baseline ? nlohmann::json(*trend.baseline) : nlohmann::json()},
          {"baseline_source", trend.baseline_source},
          {"baseline_samples", trend.baseline_samples},
          {"points", std::move(points)},
          {"consecutive_below", trend.consecutive_below},
          {"state", quality_state_name(trend.state)},
          {"sentence", trend.sentence}};
}

QualityTrend evaluate_quality(std::string route, std::string version,
                              std::vector<QualityWindow> windows, std::optional<double> baseline,
                              int64_t baseline_samples, std::string baseline_source,
                              const QualitySettings& settings) {
  check_settings(settings);
  QualityTrend trend;
  trend.route = std::move(route);
  trend.version = std::move(version);
  trend.baseline = baseline;
  trend.baseline_source = std::move(baseline_source);
  trend.baseline_samples = baseline_samples;

  std::optional<double> threshold;
  if (baseline) threshold = *baseline * (1 - settings.max_drop);
  for (QualityWindow& window : windows) {
    QualityPoint point;
    point.threshold = threshold;
    point.enough_samples = window.scored >= settings.min_samples && window.mean().has_value();
    point.below = point.enough_samples && threshold && *window.mean() < *threshold - kEpsilon;
    point.window = std::move(window);
    trend.points.push_back(std::move(point));
  }
  trend.consecutive_below = trailing_streak(trend.points, settings.window_ms);

  const QualityPoint* newest_counted = nullptr;
  for (auto it = trend.points.rbegin(); it != trend.points.rend() && !newest_counted; ++it) {
    if (it->enough_samples) newest_counted = &*it;
  }
  if (baseline && trend.consecutive_below >= settings.windows) {
    trend.state = QualityState::Degraded;
  } else if (baseline && newest_counted != nullptr && !newest_counted->below) {
    trend.state = QualityState::Ok;
  } else {
    trend.state = QualityState::Insufficient;
  }
  trend.sentence = describe(trend, settings);
  return trend;
}

QualityTrend read_quality_trend(store::Store& store, const std::string& route,
                                const std::string& version, const QualitySettings& settings,
                                int64_t now_ms, int history) {
  check_settings(settings);
  if (history < 0) throw std::invalid_argument("quality trend: history must not be negative");
  // A window [s, s + w) is complete once s + w <= now.
  const int64_t until_ms = align_down(now_ms, settings.window_ms);
  QualityQuery windows_query;
  windows_query.route = route;
  windows_query.version = version;
  windows_query.since_ms = until_ms - (settings.windows + history) * settings.window_ms;
  windows_query.until_ms = until_ms;
  windows_query.window_ms = settings.window_ms;
  std::vector<QualityWindow> windows = read_quality_windows(store, windows_query);

  std::optional<double> baseline;
  int64_t baseline_samples = 0;
  std::string source;
  if (settings.pinned_baseline) {
    baseline = settings.pinned_baseline;
    source = "pinned";
  } else {
    QualityQuery stable;
    stable.route = route;
    stable.arm = "stable";
    stable.since_ms = now_ms - settings.baseline_window_ms;
    stable.until_ms = now_ms;
    const QualityWindow total = read_quality_total(store, stable);
    baseline_samples = total.scored;
    if (total.scored >= settings.min_samples && total.mean()) {
      baseline = total.mean();
      source = "stable arm, trailing " + span_text(settings.baseline_window_ms);
    } else {
      source = "none yet";
    }
  }
  return evaluate_quality(route, version, std::move(windows), baseline, baseline_samples,
                          std::move(source), settings);
}

}  // namespace slipway::monitor
