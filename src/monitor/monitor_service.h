#pragma once
// The monitoring part as a server runs it: answers observed after they were served are queued
// (bounded: dropped and counted when full) for a worker that feeds the drift recorder and the
// judge; an evaluator thread turns the store's figures into quality trends, drift reports and
// alerts (with their actions and webhooks) every interval. Observing costs a request one copy
// and a short lock, never blocks and never fails it; the evaluation only reads the store.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "monitor/alerts/alert_actions.h"
#include "monitor/alerts/webhook_notifier.h"
#include "monitor/drift/drift_recorder.h"
#include "monitor/judge/judge_runner.h"
#include "monitor/monitor_evaluator.h"
#include "monitor/observed_answer.h"
#include "store/clock.h"
#include "store/store.h"

namespace slipway::monitor {

struct JudgeSetup {
  JudgeOptions options;
  JudgeTemplate score_template{default_score_template(), TemplateKind::Score};
  JudgeTemplate pair_template{default_pair_template(), TemplateKind::Pair};
  JudgeBackendSource backend;
  PairPreferenceSink preferences;  // may be empty
};

struct MonitorServiceOptions {
  DriftRecorderOptions drift;
  EvaluatorOptions evaluator;
  int64_t evaluate_interval_ms = 30'000;
  std::vector<WebhookTarget> webhooks;
  WebhookOptions webhook_options;
  int64_t judge_retention_days = 30;         // judge rows answered before this are deleted
  int64_t alert_retention_days = 90;         // resolved alerts resolved before this are deleted
  std::size_t max_pending_answers = 10'000;  // observed answers waiting for the worker
};

class MonitorService {
 public:
  // Runs the monitor's migrations and starts the drift recorder and (with a judge) the judge's
  // workers. The evaluator thread starts with start(). Throws std::invalid_argument for
  // options out of range.
  MonitorService(store::Store& store, MonitorServiceOptions options,
                 std::shared_ptr<const PhraseMatcher> phrases, std::optional<JudgeSetup> judge,
                 std::shared_ptr<AlertActions> actions,
                 store::WallClock clock = store::system_now_ms);
  ~MonitorService();  // stops the evaluator, then the judge, then flushes the drift recorder
  MonitorService(const MonitorService&) = delete;
  MonitorService& operator=(const MonitorService&) = delete;

  void start();  // the evaluator thread (evaluate every interval); idempotent
  // Joins the evaluator (no more alert actions) and ignores answers from now on; the judge's
  // queued work ends with the destructor. For a server shutting down, before the parts the
  // actions reach are destroyed. Idempotent.
  void stop();
  // Never blocks: queues the answer for the worker (drift signals, the judge's sampler), or
  // drops and counts it when max_pending_answers are waiting.
  void observe(ObservedAnswer answer);
  // Waits until the worker has taken every queued answer (tests, benchmarks); false on timeout.
  bool wait_observed(std::chrono::milliseconds timeout);

  struct Counters {
    uint64_t observed = 0;  // answers the worker has counted
    uint64_t dropped = 0;   // answers dropped because the queue was full
  };
  Counters counters() const;
  // Takes the queued answers, flushes the drift recorder and evaluates now (the admin API's
  // "evaluate", tests).
  EvaluationSummary evaluate_now();

  store::Store& store() { return store_; }
  const MonitorServiceOptions& options() const { return options_; }
  MonitorEvaluator& evaluator() { return *evaluator_; }
  JudgeRunner* judge() { return judge_.get(); }  // null without a judge
  const std::string& judge_name() const { return judge_name_; }
  DriftRecorder& drift() { return *drift_; }
  WebhookNotifier* webhooks() { return webhooks_.get(); }  // null without webhooks
  // All of the monitor's metrics (judge, drift, quality, alerts, webhooks), Prometheus text.
  std::string metrics_text() const;

 private:
  void run();
  void run_observer();
  void purge_old_rows();

  store::Store& store_;
  MonitorServiceOptions options_;
  store::WallClock clock_;
  std::string judge_name_;
  std::unique_ptr<DriftRecorder> drift_;
  std::shared_ptr<WebhookNotifier> webhooks_;
  std::unique_ptr<MonitorEvaluator> evaluator_;
  std::unique_ptr<JudgeRunner> judge_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<bool> observing_{true};
  int64_t last_purge_ms_ = 0;
  std::thread thread_;

  mutable std::mutex answers_mutex_;
  std::condition_variable answers_wake_;  // the worker waits for answers, wait_observed for none
  std::deque<ObservedAnswer> answers_;
  bool answers_stop_ = false;
  bool worker_busy_ = false;
  Counters counters_;
  std::thread observer_;
};

}  // namespace slipway::monitor
