#include "monitor/drift/drift_report.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "monitor/drift/drift_checks.h"

namespace slipway::monitor {
namespace {

// Worse states rank higher; Insufficient ranks lowest, so it wins only when every check is.
int severity(DriftState state) {
  switch (state) {
    case DriftState::Insufficient:
      return 0;
    case DriftState::Ok:
      return 1;
    case DriftState::Warning:
      return 2;
    case DriftState::Critical:
      return 3;
  }
  return 0;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("drift thresholds: " + message);
}

// Positive and finite, with critical (when it has one) at least warning.
void require_pair(double warning, double critical, const std::string& name) {
  require(std::isfinite(warning) && warning > 0, name + " warning must be positive");
  require(std::isfinite(critical) && critical >= warning,
          name + " critical must be at least its warning");
}

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

const char* drift_state_name(DriftState state) {
  switch (state) {
    case DriftState::Ok:
      return "ok";
    case DriftState::Insufficient:
      return "insufficient";
    case DriftState::Warning:
      return "warning";
    case DriftState::Critical:
      return "critical";
  }
  return "insufficient";
}

void validate_drift_thresholds(const DriftThresholds& t) {
  require(t.min_answers >= 1, "min_answers must be at least 1");
  require(t.length_bins >= 1 && t.length_bins <= 1000, "length_bins must be 1 to 1000");
  require_pair(t.psi_warning, t.psi_critical, "psi");
  require(t.ks_alpha > 0 && t.ks_alpha < 1, "ks_alpha must be between 0 and 1");
  require(t.ks_min_statistic >= 0 && t.ks_min_statistic <= 1,
          "ks_min_statistic must be between 0 and 1");
  require(t.refusal_increase > 0 && t.refusal_increase <= 1,
          "refusal_increase must be above 0 and at most 1");
  require(t.uncertainty_increase > 0 && t.uncertainty_increase <= 1,
          "uncertainty_increase must be above 0 and at most 1");
  require(t.top_terms >= 1, "top_terms must be at least 1");
  require_pair(t.topic_warning, t.topic_critical, "topic");
  require_pair(t.finish_warning, t.finish_critical, "finish");
}

DriftState DriftReport::state() const {
  DriftState worst = DriftState::Insufficient;
  for (const auto& check : checks) {
    if (severity(check.state) > severity(worst)) worst = check.state;
  }
  return worst;
}

std::vector<const DriftCheck*> DriftReport::crossings() const {
  std::vector<const DriftCheck*> out;
  for (const auto& check : checks) {
    if (check.state == DriftState::Warning || check.state == DriftState::Critical) {
      out.push_back(&check);
    }
  }
  return out;
}

DriftReport compare_drift(const DriftSample& baseline, const DriftSample& current,
                          const DriftThresholds& thresholds) {
  validate_drift_thresholds(thresholds);
  namespace checks = drift_checks;
  DriftReport report;
  report.baseline_answers = baseline.answers;
  report.current_answers = current.answers;
  report.checks.push_back(checks::length_psi(baseline, current, thresholds));
  report.checks.push_back(checks::length_ks(baseline, current, thresholds));
  report.checks.push_back(checks::rate_rise("refusal_rate", "refusal rate", baseline.refusals,
                                            baseline.answers, current.refusals, current.answers,
                                            thresholds.refusal_increase, thresholds.min_answers));
  report.checks.push_back(checks::rate_rise(
      "uncertainty_rate", "uncertainty rate", baseline.uncertain, baseline.answers,
      current.uncertain, current.answers, thresholds.uncertainty_increase, thresholds.min_answers));
  report.checks.push_back(checks::topic_shift("response_topics", "response topics",
                                              baseline.response_terms, current.response_terms,
                                              baseline.answers, current.answers, thresholds));
  report.checks.push_back(checks::topic_shift("prompt_topics", "prompt topics",
                                              baseline.prompt_terms, current.prompt_terms,
                                              baseline.answers, current.answers, thresholds));
  report.checks.push_back(checks::finish_mix(baseline, current, thresholds));
  return report;
}

nlohmann::json drift_report_to_json(const DriftReport& report) {
  auto checks = nlohmann::json::array();
  for (const auto& check : report.checks) {
    checks.push_back({{"name", check.name},
                      {"state", drift_state_name(check.state)},
                      {"value", optional_number(check.value)},
                      {"baseline", optional_number(check.baseline)},
                      {"current", optional_number(check.current)},
                      {"warning", check.warning},
                      {"critical", check.critical},
                      {"detail", check.detail},
                      {"sentence", check.sentence}});
  }
  return {{"state", drift_state_name(report.state())},
          {"baseline_answers", report.baseline_answers},
          {"current_answers", report.current_answers},
          {"checks", std::move(checks)}};
}

}  // namespace slipway::monitor
