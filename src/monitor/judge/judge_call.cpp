// A judge call: the request's sink and the runner thread waiting on it.
#include "monitor/judge/judge_call.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>

#include "monitor/judge/judge_text.h"

namespace slipway::monitor {

using backends::ApiError;
using backends::Json;

struct JudgeCall::Shared {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<Json> body;
  std::optional<ApiError> error;
  std::string finish_reason;
  bool done = false;
  bool aborted = false;
  std::shared_ptr<backends::RequestControl> control;

  void finish(std::optional<ApiError> failure = std::nullopt) {
    {
      std::lock_guard lock(mutex);
      if (failure && !error) error = std::move(failure);
      done = true;
    }
    changed.notify_all();
  }

  // Cancels outside the lock: a backend may call on_done from cancel().
  void cancel() {
    std::shared_ptr<backends::RequestControl> to_cancel;
    {
      std::lock_guard lock(mutex);
      to_cancel = std::exchange(control, nullptr);
    }
    if (!to_cancel) return;
    try {
      to_cancel->cancel();
    } catch (...) {  // the call is over for us either way
    }
  }
};

namespace {

class CallSink : public backends::ResponseSink {
 public:
  explicit CallSink(std::shared_ptr<JudgeCall::Shared> shared) : shared_(std::move(shared)) {}
  void on_chunk(Json /*chunk*/) override {}  // asked with "stream": false
  void on_response(Json body) override {
    std::lock_guard lock(shared_->mutex);
    shared_->body = std::move(body);
  }
  void on_error(ApiError error) override {
    std::lock_guard lock(shared_->mutex);
    shared_->error = std::move(error);
  }
  void on_done(const backends::CompletionStats& stats) override {
    {
      std::lock_guard lock(shared_->mutex);
      shared_->finish_reason = stats.finish_reason;
    }
    shared_->finish();
  }

 private:
  std::shared_ptr<JudgeCall::Shared> shared_;
};

JudgeReply failed(std::string why) {
  return {JudgeReply::Kind::Failed, std::move(why), {}};
}

}  // namespace

JudgeCall::JudgeCall() : shared_(std::make_shared<Shared>()) {}

void JudgeCall::start(backends::Backend& backend, backends::ApiRequest request) {
  started_ = std::chrono::steady_clock::now();
  std::shared_ptr<backends::RequestControl> control;
  try {
    control = backend.start(std::move(request), std::make_shared<CallSink>(shared_));
  } catch (const std::exception& e) {
    shared_->finish(ApiError::internal(std::string("the judge backend failed: ") + e.what()));
    return;
  } catch (...) {
    shared_->finish(ApiError::internal("the judge backend failed"));
    return;
  }
  bool cancel_now = false;
  {
    std::lock_guard lock(shared_->mutex);
    if (!shared_->done) shared_->control = control;
    cancel_now = shared_->aborted;
  }
  if (cancel_now) shared_->cancel();
}

JudgeReply JudgeCall::wait(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(shared_->mutex);
  const bool over = shared_->changed.wait_until(lock, deadline,
                                                [&] { return shared_->done || shared_->aborted; });
  const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  JudgeReply reply;
  if (!over || !shared_->done) {
    const bool aborted = shared_->aborted;
    lock.unlock();
    shared_->cancel();
    reply = failed(aborted ? "the judge runner stopped before the judge answered"
                           : "the judge did not answer in time");
  } else if (shared_->error) {
    reply = failed("the judge answered with an error (HTTP " +
                   std::to_string(shared_->error->status) + "): " + shared_->error->message);
  } else if (shared_->body) {
    reply = reply_from_body(*shared_->body);
  } else {
    reply = failed("the judge finished without an answer (finish reason \"" +
                   shared_->finish_reason + "\")");
  }
  reply.latency = latency;
  return reply;
}

void JudgeCall::abort() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->aborted = true;
  }
  shared_->changed.notify_all();
  shared_->cancel();
}

JudgeReply reply_from_body(const Json& body) {
  const Json* content = nullptr;
  if (body.is_object() && body.contains("choices") && body["choices"].is_array() &&
      !body["choices"].empty()) {
    const Json& choice = body["choices"][0];
    if (choice.is_object() && choice.contains("message") && choice["message"].is_object() &&
        choice["message"].contains("content")) {
      content = &choice["message"]["content"];
    }
  }
  if (content != nullptr && content->is_string()) {
    return {JudgeReply::Kind::Answered, content->get<std::string>(), {}};
  }
  constexpr std::size_t kShownBytes = 200;
  const std::string shown = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return {JudgeReply::Kind::NoText,
          "the judge's answer has no text content: " + cut_utf8(shown, kShownBytes),
          {}};
}

}  // namespace slipway::monitor
