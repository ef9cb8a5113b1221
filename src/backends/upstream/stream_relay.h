#pragma once
// Turns an upstream's SSE events into the chunks our client gets, one by one: "model" back to
// the client's name, usage hidden when only we asked for it, and the counts and timings of
// the stream kept for CompletionStats.
#include <chrono>
#include <optional>
#include <string>

#include "backends/backend.h"
#include "backends/upstream/sse_parser.h"

namespace slipway::backends {

class StreamRelay {
 public:
  using Clock = std::chrono::steady_clock;

  struct Step {
    std::optional<Json> chunk;      // to pass on (none: nothing for the client)
    std::optional<ApiError> error;  // the stream is bad: report it and stop
    bool done = false;              // [DONE]
  };

  // hide_usage: the client did not ask for stream_options.include_usage; we did, to count.
  StreamRelay(std::string upstream_name, std::string client_model, bool hide_usage,
              Clock::time_point start);

  Step on_event(const SseEvent& event, Clock::time_point now);
  bool done() const { return done_; }
  bool finished() const { return finished_; }  // choice 0 had a finish_reason
  void fill(CompletionStats& stats) const;     // tokens, finish_reason, timings

 private:
  std::string upstream_name_;
  std::string client_model_;
  bool hide_usage_;
  Clock::time_point start_;
  std::optional<Clock::time_point> last_token_;
  std::optional<double> first_token_seconds_;
  std::vector<double> gaps_;
  int64_t content_chunks_ = 0;
  std::optional<int64_t> prompt_tokens_;
  std::optional<int64_t> completion_tokens_;
  int64_t cached_tokens_ = 0;
  std::string finish_reason_;
  bool done_ = false;
  bool finished_ = false;
};

// Counts and finish_reason of a whole (non-streamed) answer.
void fill_stats_from_response(const Json& body, CompletionStats& stats);

}  // namespace slipway::backends
