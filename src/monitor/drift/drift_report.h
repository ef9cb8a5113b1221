#pragma once
// One drift comparison: a window's signals against a baseline window's, each detector's figure
// next to its thresholds, and a state: ok, warning, critical, or insufficient (too few answers
// on either side: shown, never alerted on). Pure, so the thresholds are tested on tables.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "monitor/drift/drift_sample.h"

namespace slipway::monitor {

struct DriftThresholds {
  int64_t min_answers = 50;  // on each side; fewer: every check is insufficient
  int length_bins = 10;
  double psi_warning = 0.1;  // output length PSI
  double psi_critical = 0.2;
  double ks_alpha = 0.01;  // K-S p-value below this (and D >= ks_min_statistic): warning
  double ks_min_statistic = 0.1;
  double refusal_increase = 0.05;      // refusal rate rise (absolute) for a warning; 2x: critical
  double uncertainty_increase = 0.05;  // the same for uncertainty expressions
  int top_terms = 50;
  double topic_warning = 0.3;  // Jensen-Shannon distance of response terms (and prompt terms)
  double topic_critical = 0.5;
  double finish_warning = 0.1;  // total variation distance of finish reasons
  double finish_critical = 0.25;
};

enum class DriftState { Ok, Insufficient, Warning, Critical };
const char* drift_state_name(DriftState state);  // "ok", "insufficient", "warning", "critical"

struct DriftCheck {
  std::string name;  // "length_psi", "length_ks", "refusal_rate", "uncertainty_rate",
                     // "response_topics", "prompt_topics", "finish_reasons"
  DriftState state = DriftState::Insufficient;
  std::optional<double> value;                       // the statistic (PSI, D, rate delta, distance)
  std::optional<double> baseline;                    // for rates: the baseline rate; else absent
  std::optional<double> current;                     // for rates: the current rate; else absent
  double warning = 0;                                // thresholds as applied
  double critical = 0;                               // 0: this check has no critical level
  nlohmann::json detail = nlohmann::json::object();  // e.g. PSI bins, KS p-value, top terms
  std::string sentence;  // "length PSI 0.31 >= 0.2 (baseline mean 22.4, now 4.0 tokens)"
};

struct DriftReport {
  int64_t baseline_answers = 0;
  int64_t current_answers = 0;
  std::vector<DriftCheck> checks;  // in the order of the names above
  DriftState state() const;        // the worst check (Insufficient only when all are)
  std::vector<const DriftCheck*> crossings() const;  // Warning or Critical checks
};

// Throws std::invalid_argument naming the first threshold out of range (min_answers < 1,
// length_bins outside 1..1000, a warning not positive or above its critical, ks_alpha outside
// (0, 1), an increase outside (0, 1], top_terms < 1). Config readers call it at load time.
void validate_drift_thresholds(const DriftThresholds& thresholds);

// Throws std::invalid_argument for thresholds validate_drift_thresholds rejects.
DriftReport compare_drift(const DriftSample& baseline, const DriftSample& current,
                          const DriftThresholds& thresholds);
nlohmann::json drift_report_to_json(const DriftReport& report);

}  // namespace slipway::monitor
