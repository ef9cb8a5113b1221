// Series discovery, drift reports and quality trends for one evaluation.
#include "monitor/evaluator_series.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "monitor/drift/drift_recorder.h"
#include "monitor/judge/judge_scores.h"
#include "monitor/window_buckets.h"

namespace slipway::monitor {

namespace {

const char* const kStableArm = "stable";
// The arms judge scores are discovered on (QualityWindow sums arms, so each is asked apart).
const char* const kArms[] = {"stable", "canary", "shadow"};

using SeriesKey = std::tuple<std::string, std::string, std::string>;  // route, version, arm

void add_series(std::map<SeriesKey, SeriesStatus>& found, const std::string& route,
                const std::string& version, const std::string& arm) {
  SeriesKey key{route, version, arm};
  if (found.count(key) != 0) return;
  SeriesStatus status;
  status.route = route;
  status.version = version;
  status.arm = arm;
  found.emplace(std::move(key), std::move(status));
}

}  // namespace

TimeRange drift_window(const DriftSettings& settings, int64_t now_ms) {
  TimeRange window;
  window.until_ms = align_down(now_ms, settings.slot_ms);
  window.since_ms = window.until_ms - settings.window_ms;
  return window;
}

TimeRange drift_baseline_window(const std::string& arm, const TimeRange& window) {
  if (arm != kStableArm) return window;
  return {window.since_ms - (window.until_ms - window.since_ms), window.since_ms};
}

std::string drift_baseline_name(const std::string& arm) {
  return arm == kStableArm ? "previous window" : "stable arm, same window";
}

std::vector<SeriesStatus> discover_series(store::Store& store, const EvaluatorOptions& options,
                                          const TimeRange& window, int64_t now_ms) {
  std::map<SeriesKey, SeriesStatus> found;
  for (const DriftSeries& series : list_drift_series(store, window.since_ms, window.until_ms)) {
    add_series(found, series.route, series.version, series.arm);
  }
  for (const char* arm : kArms) {
    QualityQuery query;
    query.arm = arm;
    query.since_ms = now_ms - options.lookback_ms;
    query.until_ms = now_ms;
    query.window_ms = options.quality.window_ms;
    for (const QualityWindow& judged : read_quality_windows(store, query)) {
      add_series(found, judged.route, judged.version, arm);
    }
  }
  std::vector<SeriesStatus> series;
  series.reserve(found.size());
  for (auto& entry : found) series.push_back(std::move(entry.second));
  return series;
}

SeriesStatus evaluate_drift_series(store::Store& store, const DriftSeries& series, int64_t since_ms,
                                   int64_t until_ms, const DriftThresholds& thresholds) {
  SeriesStatus status;
  status.route = series.route;
  status.version = series.version;
  status.arm = series.arm;
  DriftQuery current_query{series.route, series.version, series.arm, since_ms, until_ms};
  const DriftSample current = read_drift_sample(store, current_query);
  if (current.answers == 0) return status;  // judged only: no drift data in this window

  const TimeRange baseline_window = drift_baseline_window(series.arm, {since_ms, until_ms});
  DriftQuery baseline_query;
  baseline_query.route = series.route;
  baseline_query.arm = kStableArm;
  // The stable arm is its own baseline; other arms compare with whatever version is stable.
  if (series.arm == kStableArm) baseline_query.version = series.version;
  baseline_query.since_ms = baseline_window.since_ms;
  baseline_query.until_ms = baseline_window.until_ms;
  const DriftSample baseline = read_drift_sample(store, baseline_query);

  status.drift = compare_drift(baseline, current, thresholds);
  status.drift_baseline = drift_baseline_name(series.arm);
  return status;
}

void evaluate_series_drift(store::Store& store, const DriftSettings& settings,
                           const TimeRange& window, SeriesStatus& series) {
  SeriesStatus measured =
      evaluate_drift_series(store, {series.route, series.version, series.arm}, window.since_ms,
                            window.until_ms, settings.thresholds);
  series.drift = std::move(measured.drift);
  series.drift_baseline = std::move(measured.drift_baseline);
}

QualityTrend evaluate_version_quality(store::Store& store, const EvaluatorOptions& options,
                                      const std::string& route, const std::string& version,
                                      int64_t now_ms) {
  const QualitySettings& quality = options.quality;
  // Enough points to chart the whole lookback; the alert reads only the newest ones.
  const int64_t lookback_windows = options.lookback_ms / quality.window_ms;
  const int history =
      static_cast<int>(std::clamp<int64_t>(lookback_windows - quality.windows, 0, 24 * 31));
  return read_quality_trend(store, route, version, quality, now_ms, history);
}

}  // namespace slipway::monitor
