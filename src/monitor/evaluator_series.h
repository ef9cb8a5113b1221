#pragma once
// The evaluator's reading half (internal to the monitor): which series have recent data, each
// series' drift report against its baseline window, and each version's quality trend.
#include <cstdint>
#include <string>
#include <vector>

#include "monitor/monitor_evaluator.h"
#include "store/store.h"

namespace slipway::monitor {

struct TimeRange {
  int64_t since_ms = 0;
  int64_t until_ms = 0;  // exclusive
};

// The newest complete drift window at `now_ms`: it ends on a slot boundary.
TimeRange drift_window(const DriftSettings& settings, int64_t now_ms);
// What `arm`'s window is compared with: the stable arm against its own previous window, any
// other arm against the route's stable arm over the same window.
TimeRange drift_baseline_window(const std::string& arm, const TimeRange& window);
std::string drift_baseline_name(const std::string& arm);

// Every (route, version, arm) with drift slots in `window` or judge scores in the lookback,
// sorted, with nothing evaluated yet. Throws store::StoreError.
std::vector<SeriesStatus> discover_series(store::Store& store, const EvaluatorOptions& options,
                                          const TimeRange& window, int64_t now_ms);

// Fills series.drift (when it has drift data in the window) and series.drift_baseline.
void evaluate_series_drift(store::Store& store, const DriftSettings& settings,
                           const TimeRange& window, SeriesStatus& series);

// The version's quality trend at `now_ms`, with enough history to cover the lookback.
QualityTrend evaluate_version_quality(store::Store& store, const EvaluatorOptions& options,
                                      const std::string& route, const std::string& version,
                                      int64_t now_ms);

}  // namespace slipway::monitor
