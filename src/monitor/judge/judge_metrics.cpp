// The judge's metrics: counts by outcome, score and latency histograms, pair
// verdicts, and their Prometheus text.
#include <cstdio>

#include "monitor/judge/judge_runner_state.h"

namespace slipway::monitor {

namespace {

// Prometheus label values: backslash, double quote and newline escaped.
std::string escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string header(const char* name, const char* type, const char* help) {
  return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

// A histogram's _bucket, _sum and _count lines; `labels` is "" or
// `key="value",...`.
std::string histogram_lines(const std::string& name, const std::string& labels,
                            const std::vector<double>& bounds, const Histogram& histogram) {
  const std::string prefix = labels.empty() ? "" : labels + ",";
  std::string out;
  uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += histogram.counts[i];
    const std::string le = i < bounds.size() ? number(bounds[i]) : "+Inf";
    out += name + "_bucket{" + prefix + "le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + number(histogram.sum) + "\n";
  out += name + "_count" + braces + " " + std::to_string(histogram.count) + "\n";
  return out;
}

}  // namespace

const std::vector<double>& judge_score_bounds() {
  static const std::vector<double> bounds{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  return bounds;
}

const std::vector<double>& judge_latency_bounds() {
  static const std::vector<double> bounds{0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120};
  return bounds;
}

void Histogram::observe(const std::vector<double>& bounds, double value) {
  std::size_t bucket = 0;
  while (bucket < bounds.size() && value > bounds[bucket]) ++bucket;
  ++counts[bucket];
  sum += value;
  ++count;
}

JudgeTallies::JudgeTallies() : latency(judge_latency_bounds()) {}

void JudgeRunner::State::count_score(const JudgeScoreRow& row) {
  ++tallies.requests[{row.route, row.version, judge_outcome_name(row.outcome)}];
  switch (row.outcome) {
    case JudgeOutcome::Scored: {
      ++totals.scored;
      auto [it, fresh] = tallies.scores.try_emplace({row.route, row.version}, judge_score_bounds());
      it->second.observe(judge_score_bounds(), row.score.value_or(0));
      break;
    }
    case JudgeOutcome::Unparsable:
      ++totals.unparsable;
      break;
    case JudgeOutcome::Failed:
      ++totals.failed;
      break;
  }
}

void JudgeRunner::State::count_dropped(const ObservedAnswer& answer, bool pair) {
  ++totals.dropped;
  if (pair) {
    ++tallies.pairs[{answer.route, "dropped"}];
  } else {
    ++tallies.requests[{answer.route, answer.version, "dropped"}];
  }
}

void JudgeRunner::State::count_pair(const std::string& route, const std::string& verdict) {
  ++tallies.pairs[{route, verdict}];
  if (verdict == "failed") {
    ++totals.failed;
  } else {
    ++totals.pairs_judged;
  }
}

void JudgeRunner::State::count_latency(std::chrono::milliseconds latency) {
  tallies.latency.observe(judge_latency_bounds(), static_cast<double>(latency.count()) / 1000.0);
}

std::string JudgeRunner::metrics_text() const {
  std::lock_guard lock(state_->mutex);
  const JudgeTallies& tallies = state_->tallies;
  std::string out = header("slipway_judge_requests_total", "counter",
                           "Answers sampled for the judge by route, version and outcome "
                           "(scored, unparsable, failed, dropped).");
  for (const auto& [key, count] : tallies.requests) {
    const auto& [route, version, outcome] = key;
    out += "slipway_judge_requests_total{route=\"" + escaped(route) + "\",version=\"" +
           escaped(version) + "\",outcome=\"" + outcome + "\"} " + std::to_string(count) + "\n";
  }
  out += header("slipway_judge_score", "histogram", "Judge scores (0-10) by route and version.");
  for (const auto& [key, histogram] : tallies.scores) {
    const std::string labels =
        "route=\"" + escaped(key.first) + "\",version=\"" + escaped(key.second) + "\"";
    out += histogram_lines("slipway_judge_score", labels, judge_score_bounds(), histogram);
  }
  out += header("slipway_judge_latency_seconds", "histogram",
                "Time from a judge call's start to its answer, error or timeout.");
  out +=
      histogram_lines("slipway_judge_latency_seconds", "", judge_latency_bounds(), tallies.latency);
  out += header("slipway_judge_queue_depth", "gauge", "Judge jobs waiting for a worker.");
  out += "slipway_judge_queue_depth " + std::to_string(state_->queue.size()) + "\n";
  out += header("slipway_judge_in_flight", "gauge", "Judge jobs being worked on now.");
  out += "slipway_judge_in_flight " + std::to_string(state_->totals.in_flight) + "\n";
  out += header("slipway_judge_pairs_total", "counter",
                "Judged shadow pairs by route and verdict (primary, shadow, "
                "tie, unparsable, "
                "failed, dropped).");
  for (const auto& [key, count] : tallies.pairs) {
    out += "slipway_judge_pairs_total{route=\"" + escaped(key.first) + "\",verdict=\"" +
           key.second + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace slipway::monitor
