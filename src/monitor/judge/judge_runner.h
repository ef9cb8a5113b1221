#pragma once
// LLM-as-judge: a sampled share of answers (and of shadow pairs) is sent to a judge model
// asynchronously, in the background: a bounded queue (full: dropped and counted), its own
// concurrency limit, a deadline per call, requests at the judge priority (the embedded
// scheduler runs them only in room users leave). Scores and pair verdicts go to the store;
// counts, latencies and scores are metrics. Observing never blocks and never fails a request.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "backends/backend.h"
#include "monitor/judge/judge_prompt.h"
#include "monitor/judge/judge_scores.h"
#include "monitor/observed_answer.h"
#include "store/clock.h"
#include "store/store.h"

namespace slipway::monitor {

struct JudgeOptions {
  std::string judge_name;                     // recorded with each result, e.g. the model name
  std::string judge_model;                    // the "model" sent in the judge's requests
  double sample_rate = 0.05;                  // share of answers judged, every route
  std::map<std::string, double> route_rates;  // per-route overrides
  double pair_rate = 0.05;                    // share of shadow pairs judged (by primary id)
  std::size_t max_queue = 256;                // jobs waiting; beyond: dropped
  int concurrency = 2;                        // judge calls at once
  std::chrono::milliseconds timeout{60'000};  // per judge call
  int64_t max_tokens = 512;                   // the judge's answer budget
  std::size_t max_text_bytes = 8'192;     // prompt and response are cut to this in the judge prompt
  int64_t pair_wait_ms = 300'000;         // how long half a shadow pair waits for the other half
  std::size_t max_pending_pairs = 1'024;  // halves waiting; beyond: the oldest are dropped
};

// Where judge calls go; returns null while the judge is not available (each job then fails
// with "judge unavailable"). Called from the runner's threads.
using JudgeBackendSource = std::function<std::shared_ptr<backends::Backend>()>;

// A decisive pair verdict (not a tie), for the feedback part's judgments (wired by `app`).
struct PairPreference {
  std::string chosen_id, rejected_id;
  std::string judge, detail;
};
using PairPreferenceSink = std::function<void(const PairPreference&)>;

class JudgeRunner {
 public:
  // Runs the monitor's migrations and starts `concurrency` worker threads. Throws
  // std::invalid_argument for options out of range.
  JudgeRunner(store::Store& store, JudgeOptions options, JudgeTemplate score_template,
              JudgeTemplate pair_template, JudgeBackendSource backend,
              PairPreferenceSink preferences = {}, store::WallClock clock = store::system_now_ms);
  // Stops taking jobs, cancels the calls in flight and joins the workers.
  ~JudgeRunner();
  JudgeRunner(const JudgeRunner&) = delete;
  JudgeRunner& operator=(const JudgeRunner&) = delete;

  // Samples the answer (by id, at its route's rate) and queues a score job; a shadow copy or a
  // primary is also matched with its other half for a pair job (sampled by the primary's id at
  // pair_rate). Never blocks: a full queue drops the job and counts it.
  void observe(const ObservedAnswer& answer);
  // Waits until the queue is empty and no call is in flight (tests, shutdown); false on timeout.
  bool wait_idle(std::chrono::milliseconds timeout);

  struct Counters {
    uint64_t sampled = 0;
    uint64_t scored = 0;
    uint64_t unparsable = 0;
    uint64_t failed = 0;   // the judge errored, timed out or was unavailable
    uint64_t dropped = 0;  // the queue was full
    uint64_t pairs_judged = 0;
    uint64_t pairs_dropped = 0;  // a half that waited past pair_wait_ms or was pushed out
    int64_t queued = 0;
    int64_t in_flight = 0;
  };
  Counters counters() const;
  // Prometheus text: slipway_judge_requests_total{route,version,outcome} (outcome scored,
  // unparsable, failed, dropped), slipway_judge_score{route,version} (a histogram, buckets 1..10),
  // slipway_judge_latency_seconds (histogram), slipway_judge_queue_depth,
  // slipway_judge_in_flight, slipway_judge_pairs_total{route,verdict}.
  std::string metrics_text() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace slipway::monitor
