#pragma once
// The monitor's periodic evaluation, on every replica: for each route, version and arm with
// recent data, the drift report (a canary or shadow against the route's stable arm over the
// same window; the stable arm against its own previous window) and the quality trend; findings
// go through the alert rules to fire, refresh or resolve alerts (deduplicated in the store);
// whoever creates an alert runs its action and posts it to the webhooks. Evaluation reads the
// store only: it never touches a request. The clock is injectable, so a week runs in a test.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "monitor/alerts/alert_actions.h"
#include "monitor/alerts/alert_rules.h"
#include "monitor/alerts/alert_store.h"
#include "monitor/alerts/webhook_notifier.h"
#include "monitor/drift/drift_recorder.h"
#include "monitor/drift/drift_report.h"
#include "monitor/quality_trend.h"
#include "store/clock.h"
#include "store/store.h"

namespace slipway::monitor {

struct DriftSettings {
  int64_t window_ms = 3'600'000;  // a multiple of the drift recorder's slot
  int64_t slot_ms = 60'000;       // the recorder's slot (windows end on a slot boundary)
  DriftThresholds thresholds;
};

struct EvaluatorOptions {
  QualitySettings quality;
  DriftSettings drift;
  std::vector<AlertRule> rules = default_alert_rules();
  int64_t lookback_ms = 86'400'000;  // series with data this recent are evaluated
};

// One series' latest evaluation, for /metrics, the admin API and the dashboard.
struct SeriesStatus {
  std::string route, version, arm;
  std::optional<DriftReport> drift;     // absent when the series has no drift data
  std::string drift_baseline;           // "stable arm, same window" / "previous window"
  std::optional<QualityTrend> quality;  // absent when nothing of it was judged
};

struct EvaluationSummary {
  int64_t evaluated_ms = 0;
  std::vector<SeriesStatus> series;
  int fired = 0;  // alerts this evaluation created
  int refreshed = 0;
  int resolved = 0;
  std::vector<std::string> errors;  // a series that could not be evaluated, and why
};
nlohmann::json evaluation_summary_to_json(const EvaluationSummary& summary);

// The drift of one series over [since, until) against its baseline as the evaluator picks it
// (arm "stable": its own previous window of the same length; other arms: the route's stable
// arm over the same window). The admin API uses it for history (earlier windows).
SeriesStatus evaluate_drift_series(store::Store& store, const DriftSeries& series, int64_t since_ms,
                                   int64_t until_ms, const DriftThresholds& thresholds);

class MonitorEvaluator {
 public:
  // actions and webhooks may be null (alerts are then only stored).
  MonitorEvaluator(store::Store& store, EvaluatorOptions options,
                   std::shared_ptr<AlertActions> actions, std::shared_ptr<WebhookNotifier> webhooks,
                   store::WallClock clock = store::system_now_ms);

  // One evaluation at clock(). Throws store::StoreError when the store is down (the caller
  // logs and retries at the next tick); a failing action or webhook is recorded, never thrown.
  EvaluationSummary evaluate();
  // The last evaluate()'s summary (empty before the first). Thread-safe.
  EvaluationSummary last() const;
  // Prometheus text: slipway_drift_statistic{route,version,arm,check},
  // slipway_drift_state{route,version,arm,check} (0 ok, 1 warning, 2 critical, -1
  // insufficient), slipway_quality_mean{route,version}, slipway_quality_baseline{route,version},
  // slipway_quality_samples{route,version}, slipway_alerts_active{rule,route,version,severity}
  // (1 per active alert this replica saw), slipway_alerts_fired_total{rule},
  // slipway_monitor_evaluations_total{result="ok|failed"}.
  std::string metrics_text() const;
  const EvaluatorOptions& options() const { return options_; }

 private:
  store::Store& store_;
  EvaluatorOptions options_;
  std::shared_ptr<AlertActions> actions_;
  std::shared_ptr<WebhookNotifier> webhooks_;
  store::WallClock clock_;
  mutable std::mutex mutex_;
  EvaluationSummary last_;
  std::vector<AlertRecord> active_;  // as of the last evaluation
  std::map<std::string, uint64_t> fired_by_rule_;
  uint64_t evaluations_ok_ = 0;
  uint64_t evaluations_failed_ = 0;
};

}  // namespace slipway::monitor
