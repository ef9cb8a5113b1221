// The judge's metrics: counts by outcome, score and latency histograms, pair
// verdicts, and their Prometheus text.
#include "metrics/prometheus_text.h"
#include "monitor/judge/judge_runner_state.h"

namespace slipway::monitor {

namespace {

using metrics::Labels;

// Histogram lines for `labels`, from the judge's tallies.
void histogram_lines(metrics::PrometheusText& out, const char* name, const Labels& labels,
                     const std::vector<double>& bounds, const Histogram& histogram) {
  out.histogram(name, labels, bounds, histogram.counts, histogram.sum, histogram.count);
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
  metrics::PrometheusText out;
  out.family("slipway_judge_requests_total", "counter",
             "Answers sampled for the judge by route, version and outcome "
             "(scored, unparsable, failed, dropped).");
  for (const auto& [key, count] : tallies.requests) {
    const auto& [route, version, outcome] = key;
    out.sample("slipway_judge_requests_total",
               {{"route", route}, {"version", version}, {"outcome", outcome}}, count);
  }
  out.family("slipway_judge_score", "histogram", "Judge scores (0-10) by route and version.");
  for (const auto& [key, histogram] : tallies.scores) {
    histogram_lines(out, "slipway_judge_score", {{"route", key.first}, {"version", key.second}},
                    judge_score_bounds(), histogram);
  }
  out.family("slipway_judge_latency_seconds", "histogram",
             "Time from a judge call's start to its answer, error or timeout.");
  histogram_lines(out, "slipway_judge_latency_seconds", {}, judge_latency_bounds(),
                  tallies.latency);
  out.family("slipway_judge_queue_depth", "gauge", "Judge jobs waiting for a worker.")
      .sample("slipway_judge_queue_depth", {}, static_cast<uint64_t>(state_->queue.size()));
  out.family("slipway_judge_in_flight", "gauge", "Judge jobs being worked on now.")
      .sample("slipway_judge_in_flight", {}, static_cast<uint64_t>(state_->totals.in_flight));
  out.family("slipway_judge_pairs_total", "counter",
             "Judged shadow pairs by route and verdict (primary, shadow, "
             "tie, unparsable, "
             "failed, dropped).");
  for (const auto& [key, count] : tallies.pairs) {
    out.sample("slipway_judge_pairs_total", {{"route", key.first}, {"verdict", key.second}}, count);
  }
  return std::move(out).text();
}

}  // namespace slipway::monitor
