#pragma once
// One call to the judge model, waited for by a runner thread: the sink collects
// the answer, the waiter gives up at the deadline, and the runner can abort it
// when it stops.
#include <chrono>
#include <memory>
#include <string>

#include "backends/backend.h"

namespace slipway::monitor {

struct JudgeReply {
  enum class Kind {
    Answered,  // `text` is the judge's answer
    NoText,    // it answered, but without a text content (`text` says what came)
    Failed,    // an error, a timeout, or the runner stopped (`text` says which)
  };
  Kind kind = Kind::Failed;
  std::string text;
  std::chrono::milliseconds latency{0};
};

class JudgeCall {
 public:
  JudgeCall();
  // Starts the request (a backend that throws is an error reply).
  void start(backends::Backend& backend, backends::ApiRequest request);
  // Waits for the reply until `deadline`; past it, cancels the request and
  // fails.
  JudgeReply wait(std::chrono::steady_clock::time_point deadline);
  // From another thread: wait() returns now (failed) and the request is
  // cancelled.
  void abort();

  struct Shared;  // what the request's sink and the waiter share

 private:
  std::shared_ptr<Shared> shared_;
  std::chrono::steady_clock::time_point started_;
};

// The judge's answer text: body["choices"][0]["message"]["content"] when it is
// a string.
JudgeReply reply_from_body(const backends::Json& body);

}  // namespace slipway::monitor
