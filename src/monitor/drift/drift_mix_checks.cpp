// The checks on what answers say: refusal and hedging rates, topics, finish reasons.
#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "monitor/drift/drift_checks.h"

namespace slipway::monitor::drift_checks {
namespace {

constexpr std::size_t kDetailTerms = 10;   // per side, for the dashboard
constexpr std::size_t kSentenceTerms = 3;  // per side, in the alert's sentence

std::vector<std::pair<std::string, int64_t>> ranked(const LabelCounts& counts, std::size_t keep) {
  std::vector<std::pair<std::string, int64_t>> out(counts.begin(), counts.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (out.size() > keep) out.resize(keep);
  return out;
}

nlohmann::json top_terms_json(const LabelCounts& counts) {
  auto out = nlohmann::json::array();
  for (const auto& [term, count] : ranked(counts, kDetailTerms)) {
    out.push_back({{"term", term}, {"count", count}});
  }
  return out;
}

std::string term_list(const LabelCounts& counts) {
  std::string out;
  for (const auto& [term, count] : ranked(counts, kSentenceTerms)) {
    out += (out.empty() ? "" : ", ") + term;
  }
  return out.empty() ? "none" : out;
}

nlohmann::json shares(const LabelCounts& counts) {
  const auto total = static_cast<double>(total_count(counts));
  auto out = nlohmann::json::object();
  for (const auto& [label, count] : counts) out[label] = total > 0 ? count / total : 0.0;
  return out;
}

double share_of(const LabelCounts& counts, const std::string& label, int64_t total) {
  const auto it = counts.find(label);
  return it == counts.end() || total == 0 ? 0.0 : static_cast<double>(it->second) / total;
}

// "length 4.0% → 100.0%": the finish reason whose share moved most.
std::string largest_move(const LabelCounts& baseline, const LabelCounts& current) {
  const int64_t baseline_total = total_count(baseline);
  const int64_t current_total = total_count(current);
  std::set<std::string> labels;
  for (const auto& [label, count] : baseline) labels.insert(label);
  for (const auto& [label, count] : current) labels.insert(label);
  std::string best;
  double best_move = -1;
  for (const auto& label : labels) {
    const double move = std::abs(share_of(current, label, current_total) -
                                 share_of(baseline, label, baseline_total));
    if (move > best_move) {
      best = label;
      best_move = move;
    }
  }
  return (best.empty() ? "\"\"" : best) + " " + percent(share_of(baseline, best, baseline_total)) +
         " → " + percent(share_of(current, best, current_total));
}

}  // namespace

DriftCheck rate_rise(const std::string& name, const std::string& what, int64_t baseline_count,
                     int64_t baseline_answers, int64_t current_count, int64_t current_answers,
                     double increase, int64_t min_answers) {
  DriftCheck check;
  check.name = name;
  check.warning = increase;
  check.critical = 2 * increase;
  check.detail = {{"baseline_count", baseline_count},
                  {"baseline_answers", baseline_answers},
                  {"current_count", current_count},
                  {"current_answers", current_answers}};
  std::string figure = what;
  if (baseline_answers > 0 && current_answers > 0) {
    check.baseline = static_cast<double>(baseline_count) / static_cast<double>(baseline_answers);
    check.current = static_cast<double>(current_count) / static_cast<double>(current_answers);
    check.value = *check.current - *check.baseline;
    figure += " " + percent(*check.baseline) + " → " + percent(*check.current);
  }
  if (auto why = ungraded_sentence(figure, check.value.has_value(), "answers", baseline_answers,
                                   current_answers, min_answers)) {
    check.sentence = std::move(*why);
    return check;
  }
  check.state = grade(*check.value, check.warning, check.critical);
  const std::string points = fixed(*check.value * 100, 1);
  check.sentence = figure + " (" + (*check.value >= 0 ? "+" : "") + points + " points " +
                   against_thresholds(*check.value * 100, increase * 100, 2 * increase * 100) + ")";
  return check;
}

DriftCheck topic_shift(const std::string& name, const std::string& what,
                       const LabelCounts& baseline, const LabelCounts& current,
                       int64_t baseline_answers, int64_t current_answers,
                       const DriftThresholds& thresholds) {
  DriftCheck check;
  check.name = name;
  check.warning = thresholds.topic_warning;
  check.critical = thresholds.topic_critical;
  check.detail = {{"top_terms", thresholds.top_terms},
                  {"baseline_top", top_terms_json(baseline)},
                  {"current_top", top_terms_json(current)}};
  check.value = jensen_shannon_distance(baseline, current, thresholds.top_terms);
  const std::string figure =
      check.value ? what + " JS distance " + fixed(*check.value, 2) : what + " JS distance";
  if (auto why = ungraded_sentence(figure, check.value.has_value(), "terms", baseline_answers,
                                   current_answers, thresholds.min_answers)) {
    check.sentence = std::move(*why);
    return check;
  }
  check.state = grade(*check.value, check.warning, check.critical);
  check.sentence = figure + " " + against_thresholds(*check.value, check.warning, check.critical) +
                   " (top now: " + term_list(current) + "; before: " + term_list(baseline) + ")";
  return check;
}

DriftCheck finish_mix(const DriftSample& baseline, const DriftSample& current,
                      const DriftThresholds& thresholds) {
  DriftCheck check;
  check.name = "finish_reasons";
  check.warning = thresholds.finish_warning;
  check.critical = thresholds.finish_critical;
  check.detail = {{"baseline", shares(baseline.finish_reasons)},
                  {"current", shares(current.finish_reasons)},
                  {"baseline_counts", baseline.finish_reasons},
                  {"current_counts", current.finish_reasons}};
  check.value = total_variation_distance(baseline.finish_reasons, current.finish_reasons);
  const std::string figure =
      check.value ? "finish reasons TVD " + fixed(*check.value, 2) : "finish reasons TVD";
  if (auto why = ungraded_sentence(figure, check.value.has_value(), "finish reasons",
                                   baseline.answers, current.answers, thresholds.min_answers)) {
    check.sentence = std::move(*why);
    return check;
  }
  check.state = grade(*check.value, check.warning, check.critical);
  check.sentence = figure + " " + against_thresholds(*check.value, check.warning, check.critical) +
                   ": " + largest_move(baseline.finish_reasons, current.finish_reasons);
  return check;
}

}  // namespace slipway::monitor::drift_checks
