#pragma once
// What the response log and the monitor receive for one model request: the client's body, the
// answer as it went out (chunks or the whole response, rebuilt by feedback::AnswerCapture), and
// the request's stats at its end. Lives on the connection's strand for one request.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "backends/backend.h"
#include "feedback/answer_capture.h"
#include "feedback/feedback_log.h"
#include "monitor/monitor_service.h"

namespace slipway::http {

// How a model request ended, as far as the client could tell.
struct ExchangeEnd {
  int chunks = 0;               // SSE chunks the client was sent (or would have been)
  bool whole_response = false;  // a 200 JSON answer (not streamed)
  bool client_left = false;
  const backends::CompletionStats* stats = nullptr;  // null when the backend never said done
  std::string fallback_version;                      // the backend's name
  // On routes: the pinned version that answered (wins over stats.served_by) and its arm.
  std::string version;
  std::string arm = "stable";
  std::string primary_id;  // shadow answers: the primary's id
};

// Where finished answers go; either may be null.
struct AnswerDestinations {
  std::shared_ptr<feedback::FeedbackLog> log;  // used when enabled
  std::shared_ptr<monitor::MonitorService> monitor;
};

class AnswerLogger {
 public:
  // A logger for chat completions and completions when the log is enabled or a monitor
  // watches, else nullopt (nothing is copied then). `body` is copied: the request moves it to
  // the backend.
  static std::optional<AnswerLogger> start(AnswerDestinations to, backends::Endpoint endpoint,
                                           const backends::Json& body, std::string route,
                                           std::string user, std::string id);

  void add_chunk(const backends::Json& chunk) { capture_.add_chunk(chunk); }
  void set_response(const backends::Json& response) { capture_.set_response(response); }
  // Logs the answer once, when the client got its id: a whole 200 answer, or a stream with at
  // least one chunk (status 499 when the client left). The monitor sees complete answers
  // only. Never blocks.
  void finish(const ExchangeEnd& end);

  // The answer as it would be logged with this end (exposed for finish and its tests).
  feedback::LoggedAnswer build(const ExchangeEnd& end) const;

 private:
  AnswerLogger(AnswerDestinations to, feedback::AnswerKind kind);

  AnswerDestinations to_;
  feedback::AnswerCapture capture_;
  feedback::LoggedAnswer answer_;  // the fields known at the start
  std::chrono::steady_clock::time_point started_;
  bool finished_ = false;
};

}  // namespace slipway::http
