#pragma once
// Watches one request's sink events on their way to the caller and, at on_done(), says what
// they mean for the backend's health: a 5xx error is a failure, an answer or a client error
// (4xx: the backend did answer) a success, a request the caller cancelled neither.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "backends/backend.h"

namespace slipway::backends {

enum class RequestOutcome { Success, Failure, Cancelled };

class OutcomeSink : public ResponseSink {
 public:
  // `record` runs once, before the caller's on_done(), with a failure's detail.
  using Recorder = std::function<void(RequestOutcome, const std::string& detail)>;
  OutcomeSink(std::shared_ptr<ResponseSink> caller, Recorder record);

  void on_chunk(Json chunk) override;
  void on_response(Json body) override;
  void on_error(ApiError error) override;
  void on_done(const CompletionStats& stats) override;

  void mark_cancelled();  // the caller called cancel()
  bool done() const { return done_.load(); }

 private:
  RequestOutcome outcome(const CompletionStats& stats) const;

  std::shared_ptr<ResponseSink> caller_;
  Recorder record_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> done_{false};
  mutable std::mutex mutex_;
  std::string failure_;  // the first 5xx error, empty when none
};

// The control handed to the caller: marks the request cancelled, then cancels the inner one.
class OutcomeControl : public RequestControl {
 public:
  OutcomeControl(std::shared_ptr<OutcomeSink> sink, std::shared_ptr<RequestControl> inner);
  void cancel() override;

 private:
  std::shared_ptr<OutcomeSink> sink_;
  std::shared_ptr<RequestControl> inner_;
};

}  // namespace slipway::backends
