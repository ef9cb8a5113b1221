// Grading and wording shared by the drift checks.
#include <cstdio>

#include "monitor/drift/drift_checks.h"

namespace slipway::monitor::drift_checks {
bool reaches(double value, double threshold) {
  return value >= threshold - 1e-12;
}

bool enough_answers(int64_t baseline_answers, int64_t current_answers, int64_t min_answers) {
  return baseline_answers >= min_answers && current_answers >= min_answers;
}

DriftState grade(double value, double warning, double critical) {
  if (critical > 0 && reaches(value, critical)) return DriftState::Critical;
  if (reaches(value, warning)) return DriftState::Warning;
  return DriftState::Ok;
}

std::string against_thresholds(double value, double warning, double critical) {
  if (critical > 0 && reaches(value, critical)) return "≥ " + general(critical);
  if (reaches(value, warning)) return "≥ " + general(warning);
  return "< " + general(warning);
}

std::string too_few(int64_t baseline_answers, int64_t current_answers, int64_t min_answers) {
  return "too few answers: " + std::to_string(baseline_answers) + " → " +
         std::to_string(current_answers) + ", need " + std::to_string(min_answers) + " each";
}

std::optional<std::string> ungraded_sentence(const std::string& figure, bool has_value,
                                             const std::string& missing, int64_t baseline_answers,
                                             int64_t current_answers, int64_t min_answers) {
  if (!enough_answers(baseline_answers, current_answers, min_answers)) {
    return figure + " (" + too_few(baseline_answers, current_answers, min_answers) + ")";
  }
  if (!has_value) return figure + ": no " + missing + " on one side";
  return std::nullopt;
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string general(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2g", value);
  return text;
}

std::string percent(double share) {
  return fixed(share * 100, 1) + "%";
}

}  // namespace slipway::monitor::drift_checks
