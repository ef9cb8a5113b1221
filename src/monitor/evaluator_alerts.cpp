// From findings to alerts: rule matching, deduplication, actions and notifications.
#include "monitor/evaluator_alerts.h"

#include <algorithm>
#include <exception>
#include <map>
#include <tuple>
#include <utility>

namespace slipway::monitor {

namespace {

const char* const kWarning = "warning";
const char* const kCritical = "critical";

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool rule_covers(const AlertRule& rule, const char* kind, const SeriesStatus& series) {
  return rule.kind == kind && (rule.route.empty() || rule.route == series.route) &&
         (rule.arms.empty() || contains(rule.arms, series.arm));
}

Finding blank_finding(const AlertRule& rule, const SeriesStatus& series) {
  Finding finding;
  finding.rule = &rule;
  finding.firing.rule = rule.name;
  finding.firing.kind = rule.kind;
  finding.firing.route = series.route;
  finding.firing.version = series.version;
  finding.firing.action = alert_action_name(rule.action);
  return finding;
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

nlohmann::json check_json(const DriftCheck& check) {
  return {{"name", check.name},
          {"state", drift_state_name(check.state)},
          {"value", optional_json(check.value)},
          {"baseline", optional_json(check.baseline)},
          {"current", optional_json(check.current)},
          {"warning", check.warning},
          {"critical", check.critical},
          {"detail", check.detail},
          {"sentence", check.sentence}};
}

nlohmann::json range_json(const TimeRange& range) {
  return {{"since_ms", range.since_ms}, {"until_ms", range.until_ms}};
}

std::string run_action(const AlertRule& rule, const AlertRecord& alert, AlertActions* actions) {
  if (actions == nullptr) return "not run: this replica has no route actions";
  try {
    return rule.action == AlertAction::PauseRollout
               ? actions->pause_rollout(alert.route, alert.version, alert.summary)
               : actions->roll_back(alert.route, alert.version, alert.summary);
  } catch (const std::exception& error) {
    return std::string("failed: ") + error.what();
  } catch (...) {
    return "failed: unknown error";
  }
}

int severity_rank(const std::string& severity) {
  return severity == kCritical ? 2 : severity == kWarning ? 1 : 0;
}

}  // namespace

std::optional<Finding> drift_finding(const AlertRule& rule, const SeriesStatus& series,
                                     const TimeRange& window) {
  if (!series.drift || !rule_covers(rule, "drift", series)) return std::nullopt;
  const bool critical_only = rule.min_severity == kCritical;
  std::vector<const DriftCheck*> crossings;
  bool measured = false;  // some check the rule watches had enough answers
  for (const DriftCheck& check : series.drift->checks) {
    if (!rule.checks.empty() && !contains(rule.checks, check.name)) continue;
    if (check.state != DriftState::Insufficient) measured = true;
    const bool crossed = check.state == DriftState::Critical ||
                         (check.state == DriftState::Warning && !critical_only);
    if (crossed) crossings.push_back(&check);
  }
  if (!measured) return std::nullopt;

  Finding finding = blank_finding(rule, series);
  if (crossings.empty()) return finding;
  finding.fire = true;
  const bool any_critical = std::any_of(crossings.begin(), crossings.end(), [](const auto* check) {
    return check->state == DriftState::Critical;
  });
  finding.firing.severity = any_critical ? kCritical : kWarning;
  nlohmann::json checks = nlohmann::json::array();
  std::string summary;
  for (const DriftCheck* check : crossings) {
    checks.push_back(check_json(*check));
    summary += (summary.empty() ? "" : "; ") + check->sentence;
  }
  finding.firing.summary = summary;
  nlohmann::json baseline = range_json(drift_baseline_window(series.arm, window));
  baseline["source"] = series.drift_baseline;
  baseline["answers"] = series.drift->baseline_answers;
  nlohmann::json current = range_json(window);
  current["answers"] = series.drift->current_answers;
  finding.firing.evidence = {{"arm", series.arm},
                             {"window", std::move(current)},
                             {"baseline", std::move(baseline)},
                             {"checks", std::move(checks)},
                             {"report", drift_report_to_json(*series.drift)}};
  return finding;
}

std::optional<Finding> quality_finding(const AlertRule& rule, const SeriesStatus& series,
                                       const QualitySettings& settings) {
  if (!series.quality || !rule_covers(rule, "quality", series)) return std::nullopt;
  const QualityTrend& trend = *series.quality;
  if (trend.state == QualityState::Insufficient) return std::nullopt;
  Finding finding = blank_finding(rule, series);
  if (trend.state == QualityState::Ok) return finding;
  // Severity goes by the newest window's mean.
  const std::optional<double> mean =
      trend.points.empty() ? std::nullopt : trend.points.back().window.mean();
  const bool critical =
      trend.baseline && mean && *mean < *trend.baseline * (1 - 2 * settings.max_drop);
  if (!critical && rule.min_severity == kCritical) {
    return finding;  // degraded, but not as far as this rule cares about: cleared for it
  }
  finding.fire = true;
  finding.firing.severity = critical ? kCritical : kWarning;
  finding.firing.summary = trend.sentence;
  finding.firing.evidence = quality_trend_to_json(trend);
  return finding;
}

std::vector<Finding> merge_findings(std::vector<Finding> findings) {
  using Key = std::tuple<std::string, std::string, std::string>;  // rule, route, version
  std::map<Key, Finding> merged;
  std::vector<Key> order;
  for (Finding& finding : findings) {
    Key key{finding.firing.rule, finding.firing.route, finding.firing.version};
    auto found = merged.find(key);
    if (found == merged.end()) {
      order.push_back(key);
      merged.emplace(std::move(key), std::move(finding));
      continue;
    }
    Finding& kept = found->second;
    const bool stronger = finding.fire && (!kept.fire || severity_rank(finding.firing.severity) >
                                                             severity_rank(kept.firing.severity));
    if (stronger) kept = std::move(finding);
  }
  std::vector<Finding> result;
  result.reserve(order.size());
  for (const Key& key : order) result.push_back(std::move(merged.at(key)));
  return result;
}

AlertOutcome apply_finding(store::Store& store, const Finding& finding, AlertActions* actions,
                           WebhookNotifier* webhooks, int64_t now_ms) {
  AlertOutcome outcome;
  if (!finding.fire) {
    const auto resolved = resolve_alert(store, finding.firing.rule, finding.firing.route,
                                        finding.firing.version, "condition cleared", now_ms);
    if (!resolved) return outcome;
    outcome.resolved = true;
    if (webhooks != nullptr) {
      webhooks->post(*resolved, AlertEvent::Resolved);
      mark_alert_notified(store, resolved->id, true);
    }
    return outcome;
  }

  const FireOutcome fired = fire_alert(store, finding.firing, now_ms);
  if (!fired.created) {
    outcome.refreshed = true;
    return outcome;
  }
  outcome.fired = true;
  AlertRecord alert = fired.alert;
  if (finding.rule->action != AlertAction::None) {
    alert.action_result = run_action(*finding.rule, alert, actions);
    set_alert_action_result(store, alert.id, alert.action_result);
  }
  if (webhooks != nullptr) {
    webhooks->post(alert, AlertEvent::Fired);
    mark_alert_notified(store, alert.id, false);
  }
  return outcome;
}

}  // namespace slipway::monitor
