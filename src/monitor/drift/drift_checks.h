#pragma once
// The checks compare_drift runs, one function each, and what they share: grading a figure
// against its thresholds, the too-few-answers rule, and how figures read in sentences.
#include <optional>
#include <string>

#include "monitor/drift/drift_report.h"

namespace slipway::monitor::drift_checks {

DriftCheck length_psi(const DriftSample& baseline, const DriftSample& current,
                      const DriftThresholds& thresholds);
DriftCheck length_ks(const DriftSample& baseline, const DriftSample& current,
                     const DriftThresholds& thresholds);
// `what` names the rate in sentences ("refusal rate"); the counts are refusals or hedges.
DriftCheck rate_rise(const std::string& name, const std::string& what, int64_t baseline_count,
                     int64_t baseline_answers, int64_t current_count, int64_t current_answers,
                     double increase, int64_t min_answers);
DriftCheck topic_shift(const std::string& name, const std::string& what,
                       const LabelCounts& baseline, const LabelCounts& current,
                       int64_t baseline_answers, int64_t current_answers,
                       const DriftThresholds& thresholds);
DriftCheck finish_mix(const DriftSample& baseline, const DriftSample& current,
                      const DriftThresholds& thresholds);

// Shared by the checks.
bool enough_answers(int64_t baseline_answers, int64_t current_answers, int64_t min_answers);
// "≥ threshold" that does not fail on rounding: 0.10 − 0.05 is 0.04999... in binary.
bool reaches(double value, double threshold);
// Ok below warning, Warning from it, Critical from critical (when critical > 0).
DriftState grade(double value, double warning, double critical);
// "≥ 0.2" or "< 0.1": the threshold the value crossed, or the one it stayed under.
std::string against_thresholds(double value, double warning, double critical);
std::string too_few(int64_t baseline_answers, int64_t current_answers, int64_t min_answers);
// The sentence of a check that cannot be graded: "<figure> (too few answers: ...)", or
// "<figure>: no <missing> on one side" when there is no figure; nullopt when it can be graded.
std::optional<std::string> ungraded_sentence(const std::string& figure, bool has_value,
                                             const std::string& missing, int64_t baseline_answers,
                                             int64_t current_answers, int64_t min_answers);
std::string fixed(double value, int decimals);
std::string general(double value);  // shortest form: 0.2, 0.01, 1.2e-30
std::string percent(double share);  // 0.125 -> "12.5%"

}  // namespace slipway::monitor::drift_checks
