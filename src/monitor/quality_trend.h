#pragma once
// The judged-quality trend of a route's version: mean score per window with its sample count,
// against a baseline (the route's stable arm's trailing mean, or a pinned value), and the alert
// condition: more than `max_drop` below baseline for `windows` consecutive complete windows.
// Windows with too few samples, and a missing baseline, are shown but never alert.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "monitor/judge/judge_scores.h"
#include "store/store.h"

namespace slipway::monitor {

struct QualitySettings {
  int64_t window_ms = 3'600'000;            // one trend point
  double max_drop = 0.05;                   // below baseline · (1 − max_drop) is a bad window
  int windows = 3;                          // consecutive bad windows that fire
  int64_t min_samples = 10;                 // scored answers a window (and the baseline) needs
  std::optional<double> pinned_baseline;    // instead of the stable arm's trailing mean
  int64_t baseline_window_ms = 86'400'000;  // the trailing mean's span, ending at `until`
};

enum class QualityState { Ok, Insufficient, Degraded };
const char* quality_state_name(QualityState state);  // "ok", "insufficient", "degraded"

struct QualityPoint {
  QualityWindow window;
  std::optional<double> threshold;  // baseline · (1 − max_drop), when there is a baseline
  bool enough_samples = false;
  bool below = false;  // enough samples and mean < threshold
};

struct QualityTrend {
  std::string route, version;
  std::optional<double> baseline;
  std::string baseline_source;  // "pinned", "stable arm, trailing 24h", "none yet"
  int64_t baseline_samples = 0;
  std::vector<QualityPoint> points;  // complete windows, oldest first
  int consecutive_below = 0;         // bad windows at the end of `points`
  QualityState state = QualityState::Insufficient;
  std::string sentence;  // "mean 5.1 below 7.6 (baseline 8.0 − 5%) for 3 windows"
};
nlohmann::json quality_trend_to_json(const QualityTrend& trend);
// Throws std::invalid_argument naming the setting: window_ms < 1000, max_drop outside [0, 1),
// windows or min_samples < 1, a non-positive baseline window, a pinned baseline not finite.
void validate_quality_settings(const QualitySettings& settings);

// Pure: the trend from windows (one route and version, complete windows only, oldest first)
// and a baseline with its sample count. Degraded when the last `windows` points are all below;
// Ok when the newest point with enough samples is not below; else Insufficient.
QualityTrend evaluate_quality(std::string route, std::string version,
                              std::vector<QualityWindow> windows, std::optional<double> baseline,
                              int64_t baseline_samples, std::string baseline_source,
                              const QualitySettings& settings);

// Reads the store: the complete windows ending at or before `now_ms` (the last
// `windows + history` of them; history adds points for charts), the baseline, then
// evaluate_quality().
QualityTrend read_quality_trend(store::Store& store, const std::string& route,
                                const std::string& version, const QualitySettings& settings,
                                int64_t now_ms, int history = 0);

}  // namespace slipway::monitor
