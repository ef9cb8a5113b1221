#pragma once
// A backend for the shadow mirror's tests: it records what it was asked and answers only when
// the test says so, fails to start, or never answers (with or without honouring cancel).
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace slipway::traffic::test {

class FakeShadowBackend : public backends::Backend {
 public:
  enum class Mode {
    Manual,      // the test answers with respond() / fail() / finish()
    Throw,       // start() throws
    Cancelable,  // never answers; cancel() ends it with finish reason "abort"
    Deaf,        // never answers, ignores cancel()
  };

  explicit FakeShadowBackend(Mode mode = Mode::Manual) : mode_(mode) {}

  const std::string& name() const override { return name_; }
  backends::Json model_card() const override { return {{"id", name_}}; }

  std::shared_ptr<backends::RequestControl> start(
      backends::ApiRequest request, std::shared_ptr<backends::ResponseSink> sink) override {
    if (mode_ == Mode::Throw) throw std::runtime_error("connection refused");
    std::lock_guard lock(mu_);
    calls_.push_back({std::move(request), std::move(sink)});
    return std::make_shared<Control>(this, calls_.size() - 1);
  }

  void check_health(std::chrono::milliseconds,
                    std::function<void(backends::HealthStatus)> done) override {
    done({true, "fake"});
  }
  backends::BackendStats stats() const override { return {}; }

  std::size_t calls() const {
    std::lock_guard lock(mu_);
    return calls_.size();
  }
  backends::ApiRequest request(std::size_t i) const {
    std::lock_guard lock(mu_);
    return calls_.at(i).request;
  }
  int cancels() const {
    std::lock_guard lock(mu_);
    return cancels_;
  }

  // Answers call i whole, as a non-streaming request is answered.
  void respond(std::size_t i, backends::Json body, backends::CompletionStats stats = finished()) {
    auto sink = take(i);
    sink->on_response(std::move(body));
    sink->on_done(stats);
  }
  void fail(std::size_t i, backends::ApiError error) {
    auto sink = take(i);
    sink->on_error(std::move(error));
    sink->on_done(finished());
  }
  // Ends call i with nothing but on_done (after optional stream chunks).
  void finish(std::size_t i, const std::string& finish_reason, int chunks = 0) {
    auto sink = take(i);
    for (int c = 0; c < chunks; ++c) sink->on_chunk({{"chunk", c}});
    backends::CompletionStats stats;
    stats.finish_reason = finish_reason;
    sink->on_done(stats);
  }

  static backends::CompletionStats finished() {
    backends::CompletionStats stats;
    stats.finish_reason = "stop";
    stats.prompt_tokens = 7;
    stats.completion_tokens = 3;
    return stats;
  }

 private:
  struct Call {
    backends::ApiRequest request;
    std::shared_ptr<backends::ResponseSink> sink;
  };

  class Control : public backends::RequestControl {
   public:
    Control(FakeShadowBackend* backend, std::size_t index) : backend_(backend), index_(index) {}
    void cancel() override { backend_->cancel(index_); }

   private:
    FakeShadowBackend* backend_;
    std::size_t index_;
  };

  std::shared_ptr<backends::ResponseSink> take(std::size_t i) {
    std::lock_guard lock(mu_);
    auto sink = std::move(calls_.at(i).sink);
    if (!sink) throw std::logic_error("call " + std::to_string(i) + " was already answered");
    return sink;
  }

  void cancel(std::size_t i) {
    {
      std::lock_guard lock(mu_);
      ++cancels_;
      if (mode_ == Mode::Deaf || !calls_.at(i).sink) return;
    }
    finish(i, "abort");
  }

  const Mode mode_;
  const std::string name_ = "fake-shadow";
  mutable std::mutex mu_;
  std::vector<Call> calls_;
  int cancels_ = 0;
};

}  // namespace slipway::traffic::test
