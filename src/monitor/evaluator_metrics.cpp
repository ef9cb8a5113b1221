// The evaluator's figures in the Prometheus text format: what the last evaluation measured,
// the alerts it saw active, and how evaluations went.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "metrics/prometheus_text.h"
#include "monitor/monitor_evaluator.h"

namespace slipway::monitor {

namespace {

using metrics::Labels;
using metrics::PrometheusText;

double state_value(DriftState state) {
  switch (state) {
    case DriftState::Ok:
      return 0;
    case DriftState::Warning:
      return 1;
    case DriftState::Critical:
      return 2;
    case DriftState::Insufficient:
      return -1;
  }
  return -1;
}

void drift_metrics(PrometheusText& text, const std::vector<SeriesStatus>& series) {
  text.family("slipway_drift_statistic", "gauge",
              "The drift check's statistic (PSI, K-S D, rate increase, distance) over the last "
              "window against its baseline.");
  for (const SeriesStatus& status : series) {
    if (!status.drift) continue;
    for (const DriftCheck& check : status.drift->checks) {
      if (!check.value) continue;
      text.sample("slipway_drift_statistic",
                  {{"route", status.route},
                   {"version", status.version},
                   {"arm", status.arm},
                   {"check", check.name}},
                  *check.value);
    }
  }
  text.family("slipway_drift_state", "gauge",
              "The drift check's state: 0 ok, 1 warning, 2 critical, -1 too few answers.");
  for (const SeriesStatus& status : series) {
    if (!status.drift) continue;
    for (const DriftCheck& check : status.drift->checks) {
      text.sample("slipway_drift_state",
                  {{"route", status.route},
                   {"version", status.version},
                   {"arm", status.arm},
                   {"check", check.name}},
                  state_value(check.state));
    }
  }
}

void quality_metrics(PrometheusText& text, const std::vector<SeriesStatus>& series) {
  // A version on several arms has one trend: shown once.
  std::map<std::pair<std::string, std::string>, const QualityTrend*> trends;
  for (const SeriesStatus& status : series) {
    if (status.quality)
      trends.emplace(std::make_pair(status.route, status.version), &*status.quality);
  }
  auto labels = [](const QualityTrend& trend) {
    return Labels{{"route", trend.route}, {"version", trend.version}};
  };
  text.family("slipway_quality_mean", "gauge",
              "The judge's mean score over the newest complete window.");
  for (const auto& [key, trend] : trends) {
    if (trend->points.empty() || !trend->points.back().window.mean()) continue;
    text.sample("slipway_quality_mean", labels(*trend), *trend->points.back().window.mean());
  }
  text.family("slipway_quality_baseline", "gauge",
              "The quality baseline (the stable arm's trailing mean, or a pinned value).");
  for (const auto& [key, trend] : trends) {
    if (trend->baseline) text.sample("slipway_quality_baseline", labels(*trend), *trend->baseline);
  }
  text.family("slipway_quality_samples", "gauge", "Scored answers in the newest complete window.");
  for (const auto& [key, trend] : trends) {
    const double scored = trend->points.empty() ? 0 : trend->points.back().window.scored;
    text.sample("slipway_quality_samples", labels(*trend), scored);
  }
}

}  // namespace

std::string MonitorEvaluator::metrics_text() const {
  std::lock_guard lock(mutex_);
  PrometheusText text;
  drift_metrics(text, last_.series);
  quality_metrics(text, last_.series);

  text.family("slipway_alerts_active", "gauge", "1 for each active alert the last evaluation saw.");
  for (const AlertRecord& alert : active_) {
    text.sample("slipway_alerts_active",
                {{"rule", alert.rule},
                 {"route", alert.route},
                 {"version", alert.version},
                 {"severity", alert.severity}},
                uint64_t{1});
  }
  text.family("slipway_alerts_fired_total", "counter", "Alerts this replica created, by rule.");
  std::map<std::string, uint64_t> fired;
  for (const AlertRule& rule : options_.rules) fired[rule.name] = 0;
  for (const auto& [rule, count] : fired_by_rule_) fired[rule] = count;
  for (const auto& [rule, count] : fired) {
    text.sample("slipway_alerts_fired_total", {{"rule", rule}}, count);
  }
  text.family("slipway_monitor_evaluations_total", "counter",
              "Monitor evaluations on this replica, by result.");
  text.sample("slipway_monitor_evaluations_total", {{"result", "ok"}}, evaluations_ok_);
  text.sample("slipway_monitor_evaluations_total", {{"result", "failed"}}, evaluations_failed_);
  return std::move(text).text();
}

}  // namespace slipway::monitor
