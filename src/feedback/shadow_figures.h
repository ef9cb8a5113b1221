#pragma once
// The arithmetic of the shadow report, apart from its SQL: summaries of samples, paired
// measures, and the text an answer's stored output compares by. Internal to shadow_report.
#include <optional>
#include <string>
#include <vector>

#include "feedback/json.h"
#include "feedback/shadow_report.h"

namespace slipway::feedback::detail {

// p in [0, 100], linear interpolation between the closest ranks; 0 for no values.
double percentile(std::vector<double> values, double p);
SampleSummary summarize(const std::vector<double>& values);

// Both sides' samples of one measure, appended pair by pair.
struct PairedSamples {
  std::vector<double> primary;
  std::vector<double> shadow;
  void add(std::optional<double> primary_value, std::optional<double> shadow_value);
  PairedFigure figure() const;
};

// The text of choice 0 in a stored outputs_json; nullopt when the body holds no such output.
std::optional<std::string> first_output_text(const std::string& outputs_json);

// True when `detail` has "tie" as a word, in any case ("Tie", "TIE: equal", not "entities").
bool says_tie(const std::string& detail);

}  // namespace slipway::feedback::detail
