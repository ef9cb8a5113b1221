// One evaluation: discover the series, measure each, then let the rules fire or resolve alerts.
#include "monitor/monitor_evaluator.h"

#include <exception>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "monitor/evaluator_alerts.h"
#include "monitor/evaluator_series.h"
#include "monitor/monitor_schema.h"

namespace slipway::monitor {

namespace {

// Enough for every active alert a dashboard shows; more would mean the rules are wrong.
constexpr int64_t kActiveAlertsRead = 1000;

void check_options(const EvaluatorOptions& options) {
  const DriftSettings& drift = options.drift;
  if (drift.slot_ms < 1000) {
    throw std::invalid_argument("monitor evaluator: the drift slot must be at least 1000 ms, got " +
                                std::to_string(drift.slot_ms));
  }
  if (drift.window_ms < drift.slot_ms || drift.window_ms % drift.slot_ms != 0) {
    throw std::invalid_argument(
        "monitor evaluator: the drift window (" + std::to_string(drift.window_ms) +
        " ms) must be a whole number of slots of " + std::to_string(drift.slot_ms) + " ms");
  }
  if (options.lookback_ms < 1) {
    throw std::invalid_argument("monitor evaluator: the lookback must be positive, got " +
                                std::to_string(options.lookback_ms));
  }
  validate_quality_settings(options.quality);
  validate_drift_thresholds(options.drift.thresholds);
  validate_alert_rules(options.rules);
}

std::string series_name(const SeriesStatus& series) {
  return series.route + " " + series.version + " (" + series.arm + ")";
}

std::string error_text(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& caught) {
    return caught.what();
  } catch (...) {
    return "unknown error";
  }
}

// Runs `step`; an exception becomes one line of the summary's errors.
template <class Step>
void guarded(EvaluationSummary& summary, const std::string& what, Step&& step) {
  try {
    step();
  } catch (...) {
    summary.errors.push_back(what + ": " + error_text(std::current_exception()));
  }
}

void measure(store::Store& store, const EvaluatorOptions& options, const TimeRange& window,
             int64_t now_ms, EvaluationSummary& summary) {
  // A version's trend is read once even when it runs on several arms.
  using Version = std::pair<std::string, std::string>;
  std::map<Version, std::optional<QualityTrend>> trends;
  for (SeriesStatus& series : summary.series) {
    guarded(summary, series_name(series) + " drift",
            [&] { evaluate_series_drift(store, options.drift, window, series); });
    const Version version{series.route, series.version};
    if (trends.count(version) == 0) {
      auto& trend = trends[version];
      guarded(summary, series.route + " " + series.version + " quality", [&] {
        trend = evaluate_version_quality(store, options, series.route, series.version, now_ms);
      });
    }
    series.quality = trends[version];
  }
}

std::vector<Finding> collect_findings(const EvaluatorOptions& options, const TimeRange& window,
                                      const EvaluationSummary& summary) {
  std::vector<Finding> findings;
  for (const AlertRule& rule : options.rules) {
    for (const SeriesStatus& series : summary.series) {
      if (auto finding = drift_finding(rule, series, window)) findings.push_back(*finding);
      if (auto finding = quality_finding(rule, series, options.quality)) {
        findings.push_back(*finding);
      }
    }
  }
  return merge_findings(std::move(findings));
}

nlohmann::json series_to_json(const SeriesStatus& series) {
  return {{"route", series.route},
          {"version", series.version},
          {"arm", series.arm},
          {"drift", series.drift ? drift_report_to_json(*series.drift) : nlohmann::json()},
          {"drift_baseline", series.drift_baseline},
          {"quality", series.quality ? quality_trend_to_json(*series.quality) : nlohmann::json()}};
}

}  // namespace

nlohmann::json evaluation_summary_to_json(const EvaluationSummary& summary) {
  nlohmann::json series = nlohmann::json::array();
  for (const SeriesStatus& status : summary.series) series.push_back(series_to_json(status));
  return {{"evaluated_ms", summary.evaluated_ms},
          {"series", std::move(series)},
          {"fired", summary.fired},
          {"refreshed", summary.refreshed},
          {"resolved", summary.resolved},
          {"errors", summary.errors}};
}

MonitorEvaluator::MonitorEvaluator(store::Store& store, EvaluatorOptions options,
                                   std::shared_ptr<AlertActions> actions,
                                   std::shared_ptr<WebhookNotifier> webhooks,
                                   store::WallClock clock)
    : store_(store),
      options_(std::move(options)),
      actions_(std::move(actions)),
      webhooks_(std::move(webhooks)),
      clock_(std::move(clock)) {
  check_options(options_);
  if (!clock_) throw std::invalid_argument("monitor evaluator: a clock is required");
  migrate_monitor(store_);
}

EvaluationSummary MonitorEvaluator::evaluate() {
  EvaluationSummary summary;
  std::vector<AlertRecord> active;
  std::map<std::string, uint64_t> fired_now;
  try {
    const int64_t now_ms = clock_();
    summary.evaluated_ms = now_ms;
    const TimeRange window = drift_window(options_.drift, now_ms);
    summary.series = discover_series(store_, options_, window, now_ms);
    measure(store_, options_, window, now_ms, summary);

    for (const Finding& finding : collect_findings(options_, window, summary)) {
      const AlertFiring& key = finding.firing;
      guarded(summary, "rule " + key.rule + " on " + key.route + " " + key.version, [&] {
        const AlertOutcome outcome =
            apply_finding(store_, finding, actions_.get(), webhooks_.get(), now_ms);
        summary.fired += outcome.fired ? 1 : 0;
        summary.refreshed += outcome.refreshed ? 1 : 0;
        summary.resolved += outcome.resolved ? 1 : 0;
        if (outcome.fired) ++fired_now[key.rule];
      });
    }

    AlertFilter filter;
    filter.state = "active";
    filter.limit = kActiveAlertsRead;
    active = list_alerts(store_, filter);
  } catch (...) {
    std::lock_guard lock(mutex_);
    ++evaluations_failed_;
    throw;
  }

  std::lock_guard lock(mutex_);
  ++evaluations_ok_;
  for (const auto& [rule, count] : fired_now) fired_by_rule_[rule] += count;
  active_ = std::move(active);
  last_ = summary;
  return summary;
}

EvaluationSummary MonitorEvaluator::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

}  // namespace slipway::monitor
