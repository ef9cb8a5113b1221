#include "backends/resilience/outcome_sink.h"

#include <utility>

namespace slipway::backends {

OutcomeSink::OutcomeSink(std::shared_ptr<ResponseSink> caller, Recorder record)
    : caller_(std::move(caller)), record_(std::move(record)) {}

void OutcomeSink::on_chunk(Json chunk) {
  caller_->on_chunk(std::move(chunk));
}

void OutcomeSink::on_response(Json body) {
  caller_->on_response(std::move(body));
}

void OutcomeSink::on_error(ApiError error) {
  if (error.status >= 500) {
    std::lock_guard lock(mutex_);
    if (failure_.empty())
      failure_.append(std::to_string(error.status)).append(" ").append(error.message);
  }
  caller_->on_error(std::move(error));
}

RequestOutcome OutcomeSink::outcome(const CompletionStats& stats) const {
  // A 5xx the backend sent before the caller gave up still says the backend failed.
  if (!failure_.empty()) return RequestOutcome::Failure;
  if (cancelled_.load() || stats.finish_reason == "abort") return RequestOutcome::Cancelled;
  return RequestOutcome::Success;
}

void OutcomeSink::on_done(const CompletionStats& stats) {
  if (!done_.exchange(true)) {
    std::string failure;
    RequestOutcome result;
    {
      std::lock_guard lock(mutex_);
      result = outcome(stats);
      failure = failure_;
    }
    // Recorded first, so whoever sees on_done() sees the circuit it led to.
    if (record_) record_(result, failure);
  }
  caller_->on_done(stats);
}

void OutcomeSink::mark_cancelled() {
  cancelled_.store(true);
}

OutcomeControl::OutcomeControl(std::shared_ptr<OutcomeSink> sink,
                               std::shared_ptr<RequestControl> inner)
    : sink_(std::move(sink)), inner_(std::move(inner)) {}

void OutcomeControl::cancel() {
  sink_->mark_cancelled();
  if (inner_) inner_->cancel();
}

}  // namespace slipway::backends
