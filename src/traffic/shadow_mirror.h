#pragma once
// Shadow mode: a copy of a primary request goes to each shadow version, asynchronously, at the
// scheduler's shadow priority. A copy can never delay, fail or change the primary's answer: it
// starts after the primary, runs on its own sink, is bounded in number (beyond max_in_flight
// copies are dropped and counted, never queued behind user requests) and in time (its deadline
// is `timeout`), and everything it does is reported to the AnswerSink only.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace slipway::traffic {

struct ShadowOptions {
  int64_t max_in_flight = 16;  // copies running at once, all routes together
  std::chrono::milliseconds timeout{60'000};
};

// What one shadow copy did, for the response log (arm "shadow", primary_id).
struct ShadowAnswer {
  std::string route;
  std::string version;     // "model/N" of the shadow
  std::string primary_id;  // the primary answer's id
  std::string id;          // the copy's own id: primary id + "-shadow-" + index
  backends::Endpoint endpoint = backends::Endpoint::ChatCompletions;
  backends::Json request;  // the body the copy was sent (stream false, model = the route)
  std::string user;
  std::optional<backends::Json> response;  // the whole answer, when it succeeded
  std::optional<backends::ApiError> error;
  int status = 200;  // the HTTP status the copy would have had
  backends::CompletionStats stats;
  int64_t created = 0;  // unix seconds
};

class ShadowMirror {
 public:
  // Called once per started copy, from a backend thread, after the copy finished. Must not
  // block (the response log's log() queues).
  using AnswerSink = std::function<void(ShadowAnswer&&)>;

  ShadowMirror(ShadowOptions options, AnswerSink sink);
  // Cancels the copies still running and waits (at most a second) for their on_done.
  ~ShadowMirror();
  ShadowMirror(const ShadowMirror&) = delete;
  ShadowMirror& operator=(const ShadowMirror&) = delete;

  // Starts a copy of `primary` (endpoint, body, user, created; id `primary.request_id`) on
  // `backend` as shadow #index of the request. Returns false, counting a drop, when
  // max_in_flight copies are running. Never throws, never blocks.
  bool mirror(const backends::ApiRequest& primary, const std::string& route,
              const std::string& version, int index, std::shared_ptr<backends::Backend> backend);
  // A shadow version that is not loaded or not healthy: counted, nothing started.
  void count_unavailable(const std::string& route, const std::string& version);

  struct Counters {
    uint64_t started = 0;
    uint64_t succeeded = 0;
    uint64_t failed = 0;       // an error answer or a timeout
    uint64_t dropped = 0;      // max_in_flight reached
    uint64_t unavailable = 0;  // version not loaded
    int64_t in_flight = 0;
  };
  Counters counters() const;
  // slipway_shadow_requests_total{route,version,result="succeeded|failed|dropped|unavailable"}
  // and slipway_shadow_in_flight, in Prometheus text format.
  std::string metrics_text() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace slipway::traffic
