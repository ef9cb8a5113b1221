// POST /v1/feedback: the body is checked here, on the connection's strand; the rating is
// queued to the response log's writer thread, whose callback (durable or failed) hands the
// result back through the connection's waiter. On a shared PostgreSQL store an unknown id gets
// a second look after the other replicas' flush interval before it is a 404.
#include <chrono>

#include "feedback/response_view.h"
#include "http/connection.h"
#include "http/coro.h"
#include "http/feedback_body.h"
#include "http/result_slot.h"

namespace slipway::http {

namespace asio = boost::asio;
using backends::ApiError;
using backends::Json;
using feedback::SubmitResult;

namespace {

ApiError feedback_disabled() {
  ApiError error = ApiError::unavailable("Feedback is not enabled on this server.");
  error.code = "feedback_disabled";
  return error;
}

// The answer for a result that is not Recorded.
ApiError submit_error(const SubmitResult& result, const feedback::RatingSubmission& submission) {
  switch (result.status) {
    case SubmitResult::Status::UnknownId: {
      ApiError error = ApiError::not_found(
          "No answer with id `" + submission.response_id + "` was logged, or it was purged.",
          "response_not_found");
      error.param = "id";
      return error;
    }
    case SubmitResult::Status::UnknownChoice:
      return ApiError::invalid_field("The answer `" + submission.response_id +
                                         "` has no choice with index " +
                                         std::to_string(submission.choice_index) + ".",
                                     "choice_index");
    default: {
      ApiError error = ApiError::unavailable(
          result.error.empty() ? "The feedback could not be stored; retry the request."
                               : "The feedback could not be stored: " + result.error);
      error.code = "feedback_unavailable";
      return error;
    }
  }
}

}  // namespace

asio::awaitable<SubmitResult> Connection::submit_rating(
    feedback::FeedbackLog& log, const feedback::RatingSubmission& submission) {
  auto slot = std::make_shared<ResultSlot<SubmitResult>>(waiter_);
  // Runs on the writer thread once the rating is durable (or failed): it must not block.
  log.submit(submission, [slot](SubmitResult result) { slot->set(std::move(result)); });
  co_return co_await slot->take(waiter_);
}

asio::awaitable<bool> Connection::serve_feedback(Request& request, bool keep_alive) {
  const auto log = state_->feedback();
  if (!log || !log->settings().enabled) co_return co_await reject(feedback_disabled(), keep_alive);
  std::string_view header_user;
  if (auto header = request.find("X-User-Id"); header != request.end()) {
    header_user = header->value();
  }
  auto parsed = parse_feedback_body(request.body(), header_user);
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return co_await reject(*error, keep_alive);
  const auto& submission = std::get<feedback::RatingSubmission>(parsed);

  SubmitResult result = co_await submit_rating(*log, submission);
  if (result.status == SubmitResult::Status::UnknownId && log->unknown_id_grace_ms() > 0) {
    // The answer may be in another replica's queue: look again once it must have been written.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(log->unknown_id_grace_ms());
    while (std::chrono::steady_clock::now() < deadline) co_await waiter_.wait_until(deadline);
    result = co_await submit_rating(*log, submission);
  }

  if (result.status != SubmitResult::Status::Recorded) {
    co_return co_await reject(submit_error(result, submission), keep_alive);
  }
  Json body = feedback::rating_to_json(result.stored);
  body["object"] = "feedback";
  Response res = json_response(200, body);
  co_return co_await send(std::move(res), keep_alive);
}

}  // namespace slipway::http
