#pragma once
// Test doubles for the failover layer: a clock tests step by hand, a backend that answers as
// scripted (or hangs, or never answers its health checks), and a sink that records events.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/resilience/circuit_breaker.h"

namespace slipway::backends::testing {

class FakeClock {
 public:
  SteadyClock function() const {
    return [state = state_] {
      std::lock_guard lock(state->mutex);
      return state->now;
    };
  }
  void advance(std::chrono::milliseconds step) {
    std::lock_guard lock(state_->mutex);
    state_->now += step;
  }

 private:
  struct State {
    std::mutex mutex;
    std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

class RecordingSink : public ResponseSink {
 public:
  void on_chunk(Json chunk) override {
    std::lock_guard lock(mutex_);
    chunks.push_back(std::move(chunk));
  }
  void on_response(Json body) override {
    std::lock_guard lock(mutex_);
    responses.push_back(std::move(body));
  }
  void on_error(ApiError error) override {
    std::lock_guard lock(mutex_);
    errors.push_back(std::move(error));
  }
  void on_done(const CompletionStats& stats) override {
    std::lock_guard lock(mutex_);
    done.push_back(stats);
  }

  std::vector<Json> chunks;
  std::vector<Json> responses;
  std::vector<ApiError> errors;
  std::vector<CompletionStats> done;

 private:
  std::mutex mutex_;
};

// How the scripted backend answers requests and health checks.
enum class Answer { Respond, Stream, Fail, FailAfterChunks, Hang, Throw };
enum class Health { Healthy, Unhealthy, Silent };

class ScriptedBackend : public Backend {
 public:
  explicit ScriptedBackend(std::string name = "demo/1") : name_(std::move(name)) {}

  void answer(Answer answer, int status = 502) {
    std::lock_guard lock(mutex_);
    answer_ = answer;
    status_ = status;
  }
  void health(Health health) {
    std::lock_guard lock(mutex_);
    health_ = health;
  }

  const std::string& name() const override { return name_; }
  Json model_card() const override { return Json{{"id", name_}, {"object", "model"}}; }
  std::shared_ptr<RequestControl> start(ApiRequest, std::shared_ptr<ResponseSink> sink) override;
  void check_health(std::chrono::milliseconds, std::function<void(HealthStatus)> done) override;
  BackendStats stats() const override {
    BackendStats stats;
    stats.running = 3;
    return stats;
  }

  int starts() const {
    std::lock_guard lock(mutex_);
    return starts_;
  }
  int health_calls() const {
    std::lock_guard lock(mutex_);
    return health_calls_;
  }
  // Answers the health checks a Silent backend kept; false when there were none.
  bool answer_silent_checks(HealthStatus status);

 private:
  std::string name_;
  mutable std::mutex mutex_;
  Answer answer_ = Answer::Respond;
  int status_ = 502;
  Health health_ = Health::Healthy;
  int starts_ = 0;
  int health_calls_ = 0;
  std::vector<std::function<void(HealthStatus)>> silent_checks_;
};

// A hanging request: cancel() ends it with finish_reason "abort", once.
class HungRequest : public RequestControl {
 public:
  explicit HungRequest(std::shared_ptr<ResponseSink> sink) : sink_(std::move(sink)) {}
  void cancel() override {
    std::shared_ptr<ResponseSink> sink;
    {
      std::lock_guard lock(mutex_);
      sink = std::move(sink_);
    }
    if (!sink) return;
    CompletionStats stats;
    stats.finish_reason = "abort";
    sink->on_done(stats);
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<ResponseSink> sink_;
};

inline std::shared_ptr<RequestControl> ScriptedBackend::start(ApiRequest,
                                                              std::shared_ptr<ResponseSink> sink) {
  Answer answer;
  int status;
  {
    std::lock_guard lock(mutex_);
    ++starts_;
    answer = answer_;
    status = status_;
  }
  CompletionStats stats;
  stats.served_by = name_;
  stats.finish_reason = "stop";
  ApiError error;
  error.status = status;
  error.message = "scripted failure";
  switch (answer) {
    case Answer::Respond:
      sink->on_response(Json{{"id", "chatcmpl-1"}, {"object", "chat.completion"}});
      break;
    case Answer::Stream:
      sink->on_chunk(Json{{"delta", "Hel"}});
      sink->on_chunk(Json{{"delta", "lo"}});
      break;
    case Answer::Fail:
      sink->on_error(error);
      stats.finish_reason = "error";
      break;
    case Answer::FailAfterChunks:
      sink->on_chunk(Json{{"delta", "Hel"}});
      sink->on_error(error);
      stats.finish_reason = "error";
      break;
    case Answer::Hang:
      return std::make_shared<HungRequest>(std::move(sink));
    case Answer::Throw:
      throw std::runtime_error("scripted crash");
  }
  sink->on_done(stats);
  return nullptr;
}

inline void ScriptedBackend::check_health(std::chrono::milliseconds,
                                          std::function<void(HealthStatus)> done) {
  Health health;
  {
    std::lock_guard lock(mutex_);
    ++health_calls_;
    health = health_;
    if (health == Health::Silent) {
      silent_checks_.push_back(std::move(done));
      return;
    }
  }
  if (health == Health::Healthy) {
    done(HealthStatus{true, "pong"});
  } else {
    done(HealthStatus{false, "connection refused"});
  }
}

inline bool ScriptedBackend::answer_silent_checks(HealthStatus status) {
  std::vector<std::function<void(HealthStatus)>> checks;
  {
    std::lock_guard lock(mutex_);
    checks.swap(silent_checks_);
  }
  for (auto& check : checks) check(status);
  return !checks.empty();
}

}  // namespace slipway::backends::testing
