// The judge runner's queue and workers: observe() samples and queues without
// blocking; a fixed number of worker threads (the concurrency limit) take jobs
// one at a time.
#include "monitor/judge/judge_runner.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <exception>
#include <stdexcept>

#include "monitor/judge/judge_runner_state.h"
#include "monitor/judge/judge_sampling.h"
#include "monitor/monitor_schema.h"

namespace slipway::monitor {

namespace {

void check_rate(double rate, const std::string& what) {
  if (!(rate >= 0 && rate <= 1)) {
    throw std::invalid_argument(what + " must be between 0 and 1, got " + std::to_string(rate));
  }
}

JudgeOptions checked(JudgeOptions options) {
  check_rate(options.sample_rate, "the judge's sample rate");
  for (const auto& [route, rate] : options.route_rates) {
    check_rate(rate, "the judge's sample rate of route \"" + route + "\"");
  }
  check_rate(options.pair_rate, "the judge's pair rate");
  if (options.max_queue < 1) throw std::invalid_argument("the judge's queue must hold a job");
  if (options.concurrency < 1 || options.concurrency > 256) {
    throw std::invalid_argument("the judge's concurrency must be between 1 and 256, got " +
                                std::to_string(options.concurrency));
  }
  if (options.timeout.count() <= 0) {
    throw std::invalid_argument("the judge's timeout must be positive");
  }
  if (options.max_tokens < 1) {
    throw std::invalid_argument("the judge's max_tokens must be positive, got " +
                                std::to_string(options.max_tokens));
  }
  if (options.max_text_bytes < 1) {
    throw std::invalid_argument("the judge's max_text_bytes must be positive");
  }
  if (options.pair_wait_ms < 0) {
    throw std::invalid_argument("the judge's pair wait must not be negative");
  }
  if (options.judge_name.empty()) {
    options.judge_name = options.judge_model.empty() ? "judge" : options.judge_model;
  }
  return options;
}

double rate_of(const JudgeOptions& options, const std::string& route) {
  auto it = options.route_rates.find(route);
  return it == options.route_rates.end() ? options.sample_rate : it->second;
}

}  // namespace

JudgeRunner::State::State(store::Store& store, JudgeOptions options, JudgeTemplate score_template,
                          JudgeTemplate pair_template, JudgeBackendSource backend,
                          PairPreferenceSink preferences, store::WallClock clock)
    : store(store),
      options(checked(std::move(options))),
      score_template(std::move(score_template)),
      pair_template(std::move(pair_template)),
      backend_source(std::move(backend)),
      preferences(std::move(preferences)),
      clock(std::move(clock)),
      matcher(this->options.pair_wait_ms, this->options.max_pending_pairs) {
  if (this->score_template.kind() != TemplateKind::Score) {
    throw std::invalid_argument("the judge's score template must be a score template");
  }
  if (this->pair_template.kind() != TemplateKind::Pair) {
    throw std::invalid_argument("the judge's pair template must be a pair template");
  }
  if (!this->clock) throw std::invalid_argument("the judge runner needs a clock");
}

void JudgeRunner::State::observe(const ObservedAnswer& answer) {
  // An empty answer is judged too: a model that starts answering nothing has a quality problem.
  const bool score = sampled_for_judge(answer.id, rate_of(options, answer.route));
  const bool shadow_copy = !answer.primary_id.empty();
  const bool pairable = shadow_copy || answer.arm != "shadow";
  const bool pair =
      pairable && sampled_for_judge(shadow_copy ? answer.primary_id : answer.id, options.pair_rate);
  if (!score && !pair) return;
  {
    std::lock_guard lock(mutex);
    if (stopping) return;
    if (score) {
      ++totals.sampled;
      enqueue({answer, std::nullopt});
    }
    if (pair) {
      for (AnswerPair& match : matcher.add(answer, clock())) {
        enqueue({std::move(match.primary), std::move(match.shadow)});
      }
      totals.pairs_dropped = matcher.dropped();
    }
  }
  work.notify_all();
}

void JudgeRunner::State::enqueue(JudgeJob job) {
  if (queue.size() >= options.max_queue) {
    count_dropped(job.answer, job.shadow.has_value());
    return;
  }
  queue.push_back(std::move(job));
}

void JudgeRunner::State::work_loop() {
  while (true) {
    JudgeJob job;
    {
      std::unique_lock lock(mutex);
      work.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) return;
      job = std::move(queue.front());
      queue.pop_front();
      ++totals.in_flight;
    }
    try {
      if (job.shadow) {
        judge_pair(job.answer, *job.shadow);
      } else {
        judge_score(job.answer);
      }
    } catch (const std::exception& e) {  // a worker never dies: the job is lost, not the runner
      spdlog::error("judge job for answer {} failed: {}", job.answer.id, e.what());
    } catch (...) {
      spdlog::error("judge job for answer {} failed", job.answer.id);
    }
    {
      std::lock_guard lock(mutex);
      --totals.in_flight;
    }
    idle.notify_all();
  }
}

void JudgeRunner::State::stop() {
  std::vector<std::shared_ptr<JudgeCall>> calls;
  {
    std::lock_guard lock(mutex);
    stopping = true;
    queue.clear();
    for (const auto& [id, call] : live_calls) calls.push_back(call);
  }
  work.notify_all();
  for (const auto& call : calls) call->abort();
  for (std::thread& worker : workers) {
    if (worker.joinable()) worker.join();
  }
}

JudgeRunner::JudgeRunner(store::Store& store, JudgeOptions options, JudgeTemplate score_template,
                         JudgeTemplate pair_template, JudgeBackendSource backend,
                         PairPreferenceSink preferences, store::WallClock clock)
    : state_(std::make_shared<State>(store, std::move(options), std::move(score_template),
                                     std::move(pair_template), std::move(backend),
                                     std::move(preferences), std::move(clock))) {
  migrate_monitor(store);
  try {
    for (int i = 0; i < state_->options.concurrency; ++i) {
      state_->workers.emplace_back([state = state_.get()] { state->work_loop(); });
    }
  } catch (...) {
    state_->stop();
    throw;
  }
}

JudgeRunner::~JudgeRunner() {
  state_->stop();
}

void JudgeRunner::observe(const ObservedAnswer& answer) {
  try {
    state_->observe(answer);
  } catch (const std::exception& e) {  // observing never fails the request it watches
    spdlog::warn("the judge could not take answer {}: {}", answer.id, e.what());
  } catch (...) {
  }
}

bool JudgeRunner::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->idle.wait_for(
      lock, timeout, [&] { return state_->queue.empty() && state_->totals.in_flight == 0; });
}

JudgeRunner::Counters JudgeRunner::counters() const {
  std::lock_guard lock(state_->mutex);
  Counters counters = state_->totals;
  counters.queued = static_cast<int64_t>(state_->queue.size());
  return counters;
}

}  // namespace slipway::monitor
