#pragma once
// One interface for "a model version that can answer OpenAI-style requests": the embedded
// engine or an upstream OpenAI-compatible server. Backends speak the OpenAI protocol as JSON
// values (request bodies in, response bodies or stream chunks out), so the HTTP layer, metrics
// and later the traffic, feedback and monitoring parts treat every backend alike.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace slipway::backends {

using Json = nlohmann::ordered_json;  // keeps the client's key order (tool schemas, passthrough)

enum class Endpoint {
  ChatCompletions,  // POST /v1/chat/completions
  Completions,      // POST /v1/completions
  Tokenize,         // POST /tokenize
  Detokenize,       // POST /detokenize
};

// An error in OpenAI's shape: {"error": {"message", "type", "param", "code"}}.
struct ApiError {
  int status = 400;
  std::string message;
  std::string type = "invalid_request_error";
  std::string param;  // the offending field, when there is one
  std::string code;
  // Seconds after which a retry may pass (HTTP retry-after), when the error knows.
  std::optional<int64_t> retry_after_seconds;

  Json to_json() const;
  // Shorthands for the statuses the server uses.
  static ApiError bad_request(std::string message, std::string param = {});    // 400
  static ApiError invalid_field(std::string message, std::string param = {});  // 422 (types)
  static ApiError unauthorized(std::string message);                           // 401
  static ApiError not_found(std::string message, std::string code = {});       // 404
  static ApiError too_large(std::string message);                              // 413
  static ApiError too_many_requests(std::string message);                      // 429
  static ApiError internal(std::string message);                               // 500
  static ApiError bad_gateway(std::string message);                            // 502
  static ApiError unavailable(std::string message);                            // 503
  static ApiError gateway_timeout(std::string message);                        // 504
};

// Who is waiting for an answer: a user, or background work (shadow copies, judge calls) that
// the embedded engine runs only in room users leave. Upstream backends ignore it.
enum class RequestPriority { User, Shadow, Judge };

struct ApiRequest {
  Endpoint endpoint = Endpoint::ChatCompletions;
  Json body;               // as the client sent it; "model" is the name it asked for
  std::string request_id;  // e.g. "chatcmpl-…" / "cmpl-…": the response's "id"
  int64_t created = 0;     // unix seconds: the response's "created"
  std::string user;        // body "user" or the X-User-Id header; may be empty
  std::chrono::steady_clock::time_point deadline;  // answer (or fail with 504) by then
  RequestPriority priority = RequestPriority::User;
  // The server's prompt limit (0: none); the embedded engine refuses a longer rendered prompt
  // with 400. Upstreams enforce their own.
  int64_t max_prompt_tokens = 0;
};

// Counts and times of one answered request, for metrics and (later) the response log.
struct CompletionStats {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cached_prompt_tokens = 0;
  std::string finish_reason;                  // of choice 0: stop, length, abort, timeout, error
  std::optional<double> queue_seconds;        // waiting before the first step (embedded only)
  std::optional<double> first_token_seconds;  // request start to first token, when known
  double total_seconds = 0;
  std::vector<double> inter_token_seconds;  // gaps between streamed tokens of choice 0
  std::string served_by;                    // the version that answered (backend name)
};

// How a backend answers one request. Calls come from the backend's threads, one at a time per
// request, and must not block. The sequence is: either on_chunk()* (streaming requests), or
// one on_response() (non-streaming, tokenize, detokenize), or on_error() (before or after
// chunks); then always exactly one on_done(), the last call.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void on_chunk(Json chunk) = 0;    // one SSE "data:" event
  virtual void on_response(Json body) = 0;  // the whole JSON answer (HTTP 200)
  // Before any chunk: the HTTP status and error body. After chunks: an error event, then the
  // stream ends.
  virtual void on_error(ApiError error) = 0;
  virtual void on_done(const CompletionStats& stats) = 0;
};

// Returned by start(): cancel() ends the request early (client gone); the sink still gets
// on_done().
class RequestControl {
 public:
  virtual ~RequestControl() = default;
  virtual void cancel() = 0;
};

struct HealthStatus {
  bool healthy = false;
  std::string detail;  // why not, or what was checked
};

// Gauges a backend reports at scrape time (zeros where a backend has none).
struct BackendStats {
  int64_t running = 0;
  int64_t waiting = 0;
  double kv_cache_usage = 0;  // used blocks / total blocks
  int64_t kv_blocks_total = 0;
  int64_t kv_blocks_used = 0;
  uint64_t preemptions_total = 0;
  uint64_t prefix_cache_queries_total = 0;
  uint64_t prefix_cache_hits_total = 0;
  double last_step_seconds = 0;
  // Failover (resilience/guarded_backend.h): 0 closed, 1 open (out of rotation), 2 half-open.
  int circuit_state = 0;
  uint64_t circuit_opened_total = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // The model name clients use (the route) and what this backend is (the version).
  virtual const std::string& name() const = 0;
  // The entry of GET /v1/models: {"id", "object": "model", "created", "owned_by", ...}.
  virtual Json model_card() const = 0;
  // Starts answering. Never throws for bad input: it reports on_error() (then on_done()).
  virtual std::shared_ptr<RequestControl> start(ApiRequest request,
                                                std::shared_ptr<ResponseSink> sink) = 0;
  // Checks that the backend can answer now (the embedded engine's loop answers a ping; an
  // upstream answers GET /models). done() is called once, from any thread, possibly after
  // timeout: the caller enforces the timeout and ignores late answers.
  virtual void check_health(std::chrono::milliseconds timeout,
                            std::function<void(HealthStatus)> done) = 0;
  virtual BackendStats stats() const = 0;
  // Whether it takes requests now: false while out of rotation (resilience/guarded_backend.h:
  // failed health checks or an open circuit), so a route's fallback answers instead.
  virtual bool available() const { return true; }
};

}  // namespace slipway::backends
