#pragma once
// A judge model for runner tests: answers each chat request as its script says (a text, an
// error, a body without text, silence), or holds calls until the test releases them; counts
// how many calls run at once and which were cancelled.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backends/backend.h"

namespace slipway::monitor::test {

struct FakeAnswer {
  enum class Kind { Text, Error, NoText, Silent, Held };
  Kind kind = Kind::Text;
  std::string text;  // Text: the content; Error: the message
  int status = 503;  // Error

  static FakeAnswer say(std::string text) { return {Kind::Text, std::move(text)}; }
  static FakeAnswer error(std::string message, int status = 503) {
    return {Kind::Error, std::move(message), status};
  }
  static FakeAnswer no_text() { return {Kind::NoText, {}}; }
  static FakeAnswer silent() { return {Kind::Silent, {}}; }
  static FakeAnswer held() { return {Kind::Held, {}}; }
};

class FakeJudge : public backends::Backend, public std::enable_shared_from_this<FakeJudge> {
 public:
  using Script = std::function<FakeAnswer(const std::string& rendered)>;
  explicit FakeJudge(Script script) : script_(std::move(script)) {}

  const std::string& name() const override { return name_; }
  backends::Json model_card() const override { return {{"id", name_}}; }

  std::shared_ptr<backends::RequestControl> start(
      backends::ApiRequest request, std::shared_ptr<backends::ResponseSink> sink) override {
    const std::string rendered = request.body["messages"][0]["content"].get<std::string>();
    FakeAnswer answer = script_(rendered);
    auto call = std::make_shared<Call>(shared_from_this(), std::move(sink));
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      max_running_ = std::max(max_running_, ++running_);
      if (answer.kind == FakeAnswer::Kind::Held) {
        if (released_) {
          answer = release_answer_;
        } else {
          held_.push_back(call);
        }
      }
    }
    if (answer.kind != FakeAnswer::Kind::Held && answer.kind != FakeAnswer::Kind::Silent) {
      call->answer(answer);
    }
    return call;
  }
  void check_health(std::chrono::milliseconds,
                    std::function<void(backends::HealthStatus)> done) override {
    done({true, "ok"});
  }
  backends::BackendStats stats() const override { return {}; }

  // Answers every held call (and every later one) with `answer`.
  void release(const FakeAnswer& answer) {
    std::vector<std::shared_ptr<Call>> held;
    {
      std::lock_guard lock(mutex_);
      released_ = true;
      release_answer_ = answer;
      held.swap(held_);
    }
    for (const auto& call : held) call->answer(answer);
  }

  int running() const {
    std::lock_guard lock(mutex_);
    return running_;
  }
  int max_running() const {
    std::lock_guard lock(mutex_);
    return max_running_;
  }
  int cancelled() const { return cancelled_.load(); }
  std::vector<backends::ApiRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::string> rendered() const {
    std::vector<std::string> texts;
    for (const auto& request : requests()) {
      texts.push_back(request.body["messages"][0]["content"].get<std::string>());
    }
    return texts;
  }

 private:
  class Call : public backends::RequestControl {
   public:
    Call(std::shared_ptr<FakeJudge> judge, std::shared_ptr<backends::ResponseSink> sink)
        : judge_(std::move(judge)), sink_(std::move(sink)) {}

    void answer(const FakeAnswer& answer) {
      if (!finish()) return;
      if (answer.kind == FakeAnswer::Kind::Error) {
        backends::ApiError error;
        error.status = answer.status;
        error.message = answer.text;
        sink_->on_error(error);
      } else if (answer.kind == FakeAnswer::Kind::NoText) {
        sink_->on_response({{"choices", {{{"message", {{"content", nullptr}}}}}}});
      } else {
        sink_->on_response(
            {{"choices", {{{"message", {{"role", "assistant"}, {"content", answer.text}}}}}}});
      }
      backends::CompletionStats stats;
      stats.finish_reason = "stop";
      sink_->on_done(stats);
    }
    void cancel() override {
      if (!finish()) return;
      ++judge_->cancelled_;
      backends::CompletionStats stats;
      stats.finish_reason = "abort";
      sink_->on_done(stats);
    }

   private:
    // True for the first of answer/cancel: the call stops running.
    bool finish() {
      if (done_.exchange(true)) return false;
      std::lock_guard lock(judge_->mutex_);
      --judge_->running_;
      return true;
    }
    std::shared_ptr<FakeJudge> judge_;
    std::shared_ptr<backends::ResponseSink> sink_;
    std::atomic<bool> done_{false};
  };

  Script script_;
  std::string name_ = "fake-judge";
  mutable std::mutex mutex_;
  std::vector<backends::ApiRequest> requests_;
  std::vector<std::shared_ptr<Call>> held_;
  bool released_ = false;
  FakeAnswer release_answer_;
  int running_ = 0;
  int max_running_ = 0;
  std::atomic<int> cancelled_{0};
};

// Waits (real time) for a condition other threads bring about; false after 10 seconds.
inline bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

}  // namespace slipway::monitor::test
