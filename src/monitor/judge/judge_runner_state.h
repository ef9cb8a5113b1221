#pragma once
// The JudgeRunner's shared state, split over judge_runner.cpp (queue and workers),
// judge_jobs.cpp (one job: the calls, the parse, the store), pair matching (pair_matcher.h)
// and judge_metrics.cpp (counts and histograms, Prometheus text).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "monitor/judge/judge_call.h"
#include "monitor/judge/judge_runner.h"
#include "monitor/judge/pair_matcher.h"

namespace slipway::monitor {

// Per-bucket counts with their upper bounds; rendered cumulatively.
struct Histogram {
  explicit Histogram(const std::vector<double>& bounds) : counts(bounds.size() + 1, 0) {}
  void observe(const std::vector<double>& bounds, double value);
  std::vector<uint64_t> counts;  // the last one: above every bound
  double sum = 0;
  uint64_t count = 0;
};

// What the metrics show, guarded by the state's mutex.
struct JudgeTallies {
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> requests;  // outcome
  std::map<std::pair<std::string, std::string>, Histogram> scores;  // by route, version
  Histogram latency;
  std::map<std::pair<std::string, std::string>, uint64_t> pairs;  // by route, verdict
  JudgeTallies();
};

struct JudgeJob {
  ObservedAnswer answer;  // the answer to score, or the primary of a pair
  std::optional<ObservedAnswer> shadow;
};

struct JudgeRunner::State {
  State(store::Store& store, JudgeOptions options, JudgeTemplate score_template,
        JudgeTemplate pair_template, JudgeBackendSource backend, PairPreferenceSink preferences,
        store::WallClock clock);

  store::Store& store;
  const JudgeOptions options;
  const JudgeTemplate score_template, pair_template;
  const JudgeBackendSource backend_source;
  const PairPreferenceSink preferences;
  const store::WallClock clock;

  mutable std::mutex mutex;
  std::condition_variable work;  // a job was queued, or stopping
  std::condition_variable idle;  // a job finished
  std::deque<JudgeJob> queue;
  PairMatcher matcher;
  Counters totals;
  JudgeTallies tallies;
  std::map<uint64_t, std::shared_ptr<JudgeCall>> live_calls;  // for abort on stop
  uint64_t next_call = 0;
  bool stopping = false;
  std::vector<std::thread> workers;

  // judge_runner.cpp
  void observe(const ObservedAnswer& answer);
  void enqueue(JudgeJob job);  // with the lock held
  void work_loop();
  void stop();

  // judge_jobs.cpp
  void judge_score(const ObservedAnswer& answer);
  void judge_pair(const ObservedAnswer& primary, const ObservedAnswer& shadow);
  // One call to the judge with `rendered` as the user message; Failed when unavailable or
  // stopping.
  JudgeReply ask(backends::Backend& backend, std::string rendered);

  // judge_metrics.cpp (with the lock held)
  void count_score(const JudgeScoreRow& row);
  void count_dropped(const ObservedAnswer& answer, bool pair);
  void count_pair(const std::string& route, const std::string& verdict);
  void count_latency(std::chrono::milliseconds latency);
};

const std::vector<double>& judge_score_bounds();
const std::vector<double>& judge_latency_bounds();

}  // namespace slipway::monitor
