#pragma once
// The monitoring part as a server runs it: answers observed after they were served feed the
// drift recorder and the judge; an evaluator thread turns the store's figures into quality
// trends, drift reports and alerts (with their actions and webhooks) every interval. Observing
// never blocks and never fails a request; the evaluation only reads the store.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
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
  int64_t judge_retention_days = 30;  // judge rows answered before this are deleted
  int64_t alert_retention_days = 90;  // resolved alerts resolved before this are deleted
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
  // Never blocks: counts the answer's drift signals and hands it to the judge's sampler.
  void observe(const ObservedAnswer& answer);
  // Flushes the drift recorder and evaluates now (the admin API's "evaluate", tests).
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
};

}  // namespace slipway::monitor
