#include "feedback/shadow_figures.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "feedback/export_rows.h"

namespace slipway::feedback::detail {

namespace {

bool is_space(char ch) {
  return std::isspace(static_cast<unsigned char>(ch)) != 0;
}

bool is_word_char(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_';
}

double mean_of(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  p = std::clamp(p, 0.0, 100.0);
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const auto upper = std::min(lower + 1, values.size() - 1);
  const double fraction = rank - static_cast<double>(lower);
  return values[lower] + (values[upper] - values[lower]) * fraction;
}

SampleSummary summarize(const std::vector<double>& values) {
  SampleSummary summary;
  summary.count = static_cast<int64_t>(values.size());
  summary.mean = mean_of(values);
  summary.p50 = percentile(values, 50);
  summary.p95 = percentile(values, 95);
  return summary;
}

void PairedSamples::add(std::optional<double> primary_value, std::optional<double> shadow_value) {
  if (!primary_value || !shadow_value) return;
  primary.push_back(*primary_value);
  shadow.push_back(*shadow_value);
}

PairedFigure PairedSamples::figure() const {
  PairedFigure figure;
  figure.pairs = static_cast<int64_t>(primary.size());
  figure.primary = summarize(primary);
  figure.shadow = summarize(shadow);
  // Both sides hold the same pairs, so the mean of the deltas is the delta of the means.
  figure.mean_delta = figure.shadow.mean - figure.primary.mean;
  if (figure.pairs > 0 && figure.primary.mean != 0) {
    figure.ratio = figure.shadow.mean / figure.primary.mean;
  }
  return figure;
}

std::optional<std::string> first_output_text(const std::string& outputs_json) {
  const Json outputs = Json::parse(outputs_json, nullptr, false);
  if (outputs.is_discarded() || !outputs.is_array() || outputs.empty()) return std::nullopt;
  const Json& output = outputs.front();
  if (!output.is_object()) return std::nullopt;
  std::string text;
  for (const char* key : {"content", "text"}) {
    const auto it = output.find(key);
    if (it == output.end() || it->is_null()) continue;
    text = it->is_string() ? it->get<std::string>() : sorted_dump(*it);
    break;
  }
  // Two answers that call different tools are different answers even with equal content.
  const auto tool_calls = output.find("tool_calls");
  if (tool_calls != output.end() && tool_calls->is_array() && !tool_calls->empty()) {
    text += "\n" + sorted_dump(*tool_calls);
  }
  return text;
}

bool says_tie(const std::string& detail) {
  for (std::size_t at = 0; at + 3 <= detail.size(); ++at) {
    const bool word = std::tolower(static_cast<unsigned char>(detail[at])) == 't' &&
                      std::tolower(static_cast<unsigned char>(detail[at + 1])) == 'i' &&
                      std::tolower(static_cast<unsigned char>(detail[at + 2])) == 'e';
    const bool starts = at == 0 || !is_word_char(detail[at - 1]);
    const bool ends = at + 3 == detail.size() || !is_word_char(detail[at + 3]);
    if (word && starts && ends) return true;
  }
  return false;
}

}  // namespace slipway::feedback::detail

namespace slipway::feedback {

std::string normalize_whitespace(const std::string& text) {
  std::string normalized;
  normalized.reserve(text.size());
  bool pending_space = false;
  for (char ch : text) {
    if (detail::is_space(ch)) {
      pending_space = !normalized.empty();
      continue;
    }
    if (pending_space) normalized += ' ';
    pending_space = false;
    normalized += ch;
  }
  return normalized;
}

}  // namespace slipway::feedback
