// The monitoring part's lifecycle: parts built in dependency order, the evaluator on its own
// thread, old rows purged daily.
#include "monitor/monitor_service.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <stdexcept>

#include "metrics/prometheus_text.h"
#include "monitor/judge/judge_scores.h"

namespace slipway::monitor {

namespace {

constexpr int64_t kDayMs = 86'400'000;

void check_options(const MonitorServiceOptions& options) {
  if (options.evaluate_interval_ms < 100) {
    throw std::invalid_argument("monitoring.evaluate_every must be at least 0.1 s");
  }
  if (options.max_pending_answers < 1) {
    throw std::invalid_argument("the monitor's answer queue must hold at least one answer");
  }
  if (options.judge_retention_days < 1 || options.alert_retention_days < 1) {
    throw std::invalid_argument("monitoring retention must be at least 1 day");
  }
  if (options.evaluator.drift.window_ms < options.drift.slot_ms ||
      options.evaluator.drift.window_ms % options.drift.slot_ms != 0) {
    throw std::invalid_argument("monitoring.drift.window must be a whole number of slots (" +
                                std::to_string(options.drift.slot_ms) + " ms)");
  }
}

}  // namespace

MonitorService::MonitorService(store::Store& store, MonitorServiceOptions options,
                               std::shared_ptr<const PhraseMatcher> phrases,
                               std::optional<JudgeSetup> judge,
                               std::shared_ptr<AlertActions> actions, store::WallClock clock)
    : store_(store), options_(std::move(options)), clock_(std::move(clock)) {
  options_.evaluator.drift.slot_ms = options_.drift.slot_ms;
  check_options(options_);
  drift_ = std::make_unique<DriftRecorder>(store_, std::move(phrases), options_.drift, clock_);
  if (!options_.webhooks.empty()) {
    webhooks_ = std::make_shared<WebhookNotifier>(options_.webhooks, options_.webhook_options);
  }
  evaluator_ = std::make_unique<MonitorEvaluator>(store_, options_.evaluator, std::move(actions),
                                                  webhooks_, clock_);
  if (judge) {
    judge_name_ = judge->options.judge_name;
    judge_ = std::make_unique<JudgeRunner>(
        store_, judge->options, std::move(judge->score_template), std::move(judge->pair_template),
        std::move(judge->backend), std::move(judge->preferences), clock_);
  }
  observer_ = std::thread([this] { run_observer(); });
}

MonitorService::~MonitorService() {
  stop();
  {
    std::lock_guard lock(answers_mutex_);
    answers_stop_ = true;
  }
  answers_wake_.notify_all();
  observer_.join();  // counts what was queued before it stops
  judge_.reset();
  evaluator_.reset();
  webhooks_.reset();
  drift_.reset();
}

void MonitorService::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { run(); });
}

void MonitorService::stop() {
  observing_ = false;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void MonitorService::observe(ObservedAnswer answer) {
  if (!observing_) return;
  {
    std::lock_guard lock(answers_mutex_);
    if (answers_.size() >= options_.max_pending_answers) {
      ++counters_.dropped;
      return;
    }
    answers_.push_back(std::move(answer));
  }
  answers_wake_.notify_all();
}

bool MonitorService::wait_observed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(answers_mutex_);
  return answers_wake_.wait_for(lock, timeout,
                                [this] { return answers_.empty() && !worker_busy_; });
}

MonitorService::Counters MonitorService::counters() const {
  std::lock_guard lock(answers_mutex_);
  return counters_;
}

void MonitorService::run_observer() {
  std::unique_lock lock(answers_mutex_);
  for (;;) {
    answers_wake_.wait(lock, [this] { return answers_stop_ || !answers_.empty(); });
    if (answers_.empty()) return;  // stopping, and nothing is left
    std::deque<ObservedAnswer> batch;
    batch.swap(answers_);
    worker_busy_ = true;
    lock.unlock();
    for (const ObservedAnswer& answer : batch) {
      drift_->record(answer);
      if (judge_) judge_->observe(answer);
    }
    lock.lock();
    worker_busy_ = false;
    counters_.observed += batch.size();
    answers_wake_.notify_all();
  }
}

EvaluationSummary MonitorService::evaluate_now() {
  wait_observed(std::chrono::seconds(5));
  drift_->flush();
  return evaluator_->evaluate();
}

void MonitorService::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::milliseconds(options_.evaluate_interval_ms),
                   [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    try {
      // Flushed first, so this replica's newest slots are part of what it evaluates.
      drift_->flush();
      evaluator_->evaluate();
      purge_old_rows();
    } catch (const std::exception& e) {
      spdlog::warn("monitor: evaluation failed: {}", e.what());
    }
    lock.lock();
  }
}

void MonitorService::purge_old_rows() {
  const int64_t now = clock_();
  if (now - last_purge_ms_ < kDayMs / 24) return;
  last_purge_ms_ = now;
  purge_judge_rows(store_, now - options_.judge_retention_days * kDayMs);
  purge_resolved_alerts(store_, now - options_.alert_retention_days * kDayMs);
}

std::string MonitorService::metrics_text() const {
  const Counters counts = counters();
  std::string text =
      metrics::PrometheusText()
          .family("slipway_monitor_answers_total", "counter",
                  "Served answers the monitor counted (observed) or dropped because its queue "
                  "was full")
          .sample("slipway_monitor_answers_total", {{"result", "observed"}}, counts.observed)
          .sample("slipway_monitor_answers_total", {{"result", "dropped"}}, counts.dropped)
          .text();
  text += evaluator_->metrics_text();
  if (judge_) text += judge_->metrics_text();
  if (webhooks_) text += webhooks_->metrics_text();
  return text;
}

}  // namespace slipway::monitor
