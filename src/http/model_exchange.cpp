// A request answered by a backend: validation, the hand-off of sink events from backend
// threads to this coroutine, SSE framing, and the disconnect watch that cancels the backend
// as soon as the client goes away.
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>

#include "http/answer_logging.h"
#include "http/connection.h"
#include "http/coro.h"
#include "http/json_request.h"
#include "http/request_id.h"
#include "http/request_limits.h"
#include "http/stream_sink.h"

namespace slipway::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using backends::ApiError;
using backends::Endpoint;
using backends::Json;
using boost::system::error_code;

namespace {

constexpr std::size_t kWatchChunk = 4096;
// A client that pipelines this much while its answer streams is no longer watched (its data
// must be kept for the next request); it is still cancelled when a write fails.
constexpr std::size_t kWatchCap = 1 << 20;
// The status recorded for a request whose client left (nginx's convention; never sent).
constexpr int kClientClosed = 499;
// How long a request whose client left may take to confirm its cancellation.
constexpr std::chrono::milliseconds kAbandonAfterCancel{1'000};

// What the backend has said so far about one request.
struct Outcome {
  int chunks = 0;
  bool error_after_chunks = false;
  std::optional<ApiError> error;  // before any chunk: the HTTP answer
  std::optional<Json> response;
  bool done = false;
  backends::CompletionStats stats;
};

}  // namespace

asio::awaitable<bool> Connection::serve_model(Request& request, Endpoint endpoint,
                                              bool keep_alive) {
  auto parsed = parse_model_body(request.body());
  if (auto* error = std::get_if<ApiError>(&parsed)) co_return co_await reject(*error, keep_alive);
  ModelRequestBody& body = std::get<ModelRequestBody>(parsed);
  if (state_->draining()) {
    co_return co_await reject(
        ApiError::unavailable("The server is shutting down; retry the request."), false);
  }
  if (!state_->ready) {
    co_return co_await reject(ApiError::unavailable("The server is still loading its models."),
                              keep_alive);
  }
  if (auto error = check_request_limits(body.body, endpoint, state_->options)) {
    co_return co_await reject(*error, keep_alive);
  }
  const bool generates = endpoint == Endpoint::ChatCompletions || endpoint == Endpoint::Completions;
  std::optional<auth::StreamCounter::Lease> lease;  // held until this request is answered
  {
    std::optional<ApiError> refused = admit_request(state_->guards, caller_);
    if (!refused && generates) {
      auto leased = lease_stream(state_->guards, caller_);
      if (auto* error = std::get_if<ApiError>(&leased)) {
        refused = std::move(*error);
      } else {
        lease = std::get<auth::StreamCounter::Lease>(std::move(leased));
      }
    }
    if (refused) {
      state_->metrics->record_rate_limited(refused->code);
      co_return co_await reject(*refused, keep_alive);
    }
  }
  std::string user;
  if (body.user) {
    user = *body.user;
  } else if (auto header = request.find("X-User-Id"); header != request.end()) {
    user = std::string(header->value());
  }
  // A route picks a version by its split; any other name is a model served by that name.
  std::optional<traffic::RoutedRequest> routed;
  if (state_->traffic) routed = state_->traffic->route(body.model, user);
  std::shared_ptr<backends::Backend> backend;
  std::string version;
  std::string arm = "stable";
  // A route's fallback answers when the picked version is not loaded or out of rotation, and
  // when it fails before any byte was sent (once).
  std::shared_ptr<backends::Backend> fallback;
  std::string fallback_version;
  if (routed) {
    backend = routed->primary;
    version = routed->pick.version;
    arm = routed->pick.arm;
    if (routed->fallback && routed->fallback != backend) {
      fallback = routed->fallback;
      fallback_version = routed->pick.fallback;
    }
    if ((!backend || !backend->available()) && fallback && fallback->available()) {
      if (backend) {
        state_->metrics->record_failover(body.model, version, fallback_version, "out_of_rotation");
      }
      backend = std::exchange(fallback, nullptr);
      version = fallback_version;
    }
    if (!backend) {
      co_return co_await reject(
          ApiError::unavailable("The route `" + body.model + "` sends this request to " + version +
                                ", which is not loaded on this server yet; retry shortly."),
          keep_alive);
    }
  } else {
    backend = state_->backends->find(body.model);
    if (!backend) {
      co_return co_await reject(
          ApiError::not_found("The model `" + body.model + "` does not exist.", "model_not_found"),
          keep_alive);
    }
    version = backend->name();
  }

  backends::ApiRequest api;
  api.endpoint = endpoint;
  api.request_id = make_request_id(endpoint);
  api.created = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  api.user = user;
  api.deadline = std::chrono::steady_clock::now() + state_->options.request_timeout;
  api.max_prompt_tokens = state_->options.max_prompt_tokens;
  auto logger = AnswerLogger::start({state_->feedback(), state_->monitor}, endpoint, body.body,
                                    body.model, api.user, api.request_id);
  api.body = std::move(body.body);
  request_id_ = api.request_id;
  served_version_ = version;
  // Shadow copies start after the primary, from a copy taken before the primary owns the body.
  std::optional<backends::ApiRequest> shadow_copy;
  if (generates && routed && !routed->shadows.empty() && state_->shadow) shadow_copy = api;
  std::optional<backends::ApiRequest> fallback_copy;
  if (fallback) fallback_copy = api;
  const bool streaming = body.stream && generates;

  start_watch();
  cancelled_ = false;
  stream_headers_sent_ = false;
  Outcome outcome;
  std::string pending;  // SSE bytes not yet written
  std::optional<std::chrono::steady_clock::time_point> abandon_at;
  for (bool first_attempt = true;; first_attempt = false) {
    auto queue = std::make_shared<EventQueue>(waiter_.remote());
    auto sink = std::make_shared<StreamSink>(queue);
    try {
      control_ = backend->start(std::move(api), sink);
    } catch (const std::exception& e) {
      sink->on_error(ApiError::internal(std::string("The backend failed to start: ") + e.what()));
      sink->on_done({});
    }
    if (shadow_copy && first_attempt) {
      int index = 0;
      for (const auto& shadow : routed->shadows) {
        if (shadow.backend) {
          state_->shadow->mirror(*shadow_copy, body.model, shadow.version, index, shadow.backend);
        } else {
          state_->shadow->count_unavailable(body.model, shadow.version);
        }
        ++index;
      }
    }

    bool retry = false;  // the picked version failed before any byte: the fallback answers
    for (;;) {
      if (peer_gone_) cancel_in_flight();
      std::deque<SinkEvent> events = queue->take_all();
      if (events.empty()) {
        if (outcome.done) break;
        if (peer_gone_) {
          // Nobody reads the answer: give the cancelled backend a moment to report on_done()
          // (for the metrics), but never hold the connection (or a drain) for it.
          const auto now = std::chrono::steady_clock::now();
          if (!abandon_at) abandon_at = now + kAbandonAfterCancel;
          if (now >= *abandon_at) break;
          co_await waiter_.wait_until(*abandon_at);
          continue;
        }
        co_await waiter_.wait();
        continue;
      }
      for (SinkEvent& event : events) {
        switch (event.kind) {
          case SinkEvent::Kind::Chunk:
            if (!streaming || outcome.error || outcome.error_after_chunks) break;
            ++outcome.chunks;
            if (routed) event.json["system_fingerprint"] = version;
            pending += sse_event(event.json);
            if (logger) logger->add_chunk(event.json);
            break;
          case SinkEvent::Kind::Response:
            if (routed && event.json.is_object()) event.json["system_fingerprint"] = version;
            if (logger) logger->set_response(event.json);
            outcome.response = std::move(event.json);
            break;
          case SinkEvent::Kind::Error:
            if (outcome.chunks > 0) {
              if (!outcome.error_after_chunks) pending += sse_event(event.error.to_json());
              outcome.error_after_chunks = true;
            } else {
              outcome.error = std::move(event.error);
            }
            break;
          case SinkEvent::Kind::Done:
            outcome.done = true;
            outcome.stats = std::move(event.stats);
            break;
        }
      }
      if (outcome.done) {
        // Recorded before the last bytes go out, so a client that scrapes /metrics right after
        // its answer sees it.
        retry = fallback && !peer_gone_ && outcome.chunks == 0 && !outcome.response &&
                outcome.error && outcome.error->status >= 500 &&
                std::chrono::steady_clock::now() < fallback_copy->deadline;
        int status = 200;
        if (peer_gone_) {
          status = kClientClosed;
        } else if (outcome.chunks == 0 && outcome.error) {
          status = outcome.error->status;
        } else if (outcome.chunks == 0 && !streaming && !outcome.response) {
          status = 500;
        }
        const auto& stats = outcome.stats;
        const std::string& answered_by =
            routed || stats.served_by.empty() ? version : stats.served_by;
        state_->metrics->record_request(body.model, answered_by, status, stats);
        if (generates && state_->windows) {
          state_->windows->record({body.model, answered_by, arm, status, stats.total_seconds,
                                   stats.first_token_seconds, stats.prompt_tokens,
                                   stats.completion_tokens});
        }
        if (retry) break;
        charge_tokens(state_->guards, caller_, stats.prompt_tokens + stats.completion_tokens);
        // Logged before the client has the whole answer, so its feedback finds it.
        if (logger) {
          logger->finish({outcome.chunks, status == 200 && outcome.response.has_value(), peer_gone_,
                          &stats, backend->name(), routed ? version : "", arm});
        }
      }
      // An error event is the stream's last bytes: hold it until on_done() (which follows at
      // once) has been recorded, as for a normal end.
      const bool hold = outcome.error_after_chunks && !outcome.done;
      if (streaming && outcome.chunks > 0 && !peer_gone_ && !hold) {
        const bool last = outcome.done;
        if (last && !outcome.error_after_chunks) pending += sse_done();
        if (!pending.empty() || last) {
          if (!co_await write_chunk(pending, last, keep_alive)) peer_gone_ = true;
        }
      }
    }
    if (!retry) break;
    state_->metrics->record_failover(body.model, version, fallback_version, "error");
    backend = std::exchange(fallback, nullptr);
    version = fallback_version;
    served_version_ = version;
    api = std::move(*fallback_copy);
    outcome = Outcome{};
  }

  if (!outcome.done) {
    state_->metrics->record_request(body.model, version, kClientClosed, outcome.stats);
    if (generates && state_->windows) {
      state_->windows->record({body.model, version, arm, kClientClosed, outcome.stats.total_seconds,
                               std::nullopt, 0, 0});
    }
    if (logger) {
      logger->finish(
          {outcome.chunks, false, true, nullptr, backend->name(), routed ? version : "", arm});
    }
  }
  bool reusable = !peer_gone_;
  std::optional<Response> answer;  // a whole (non-SSE) answer still to send
  if (!peer_gone_ && !(streaming && outcome.chunks > 0)) {
    if (outcome.error) {
      answer = error_response(*outcome.error);
    } else if (outcome.response) {
      answer = json_response(200, *outcome.response);
    } else if (streaming) {
      // A stream that ended with no chunk and no error: an empty but well-formed stream.
      pending = sse_done();
      reusable = co_await write_chunk(pending, true, keep_alive);
    } else {
      answer = error_response(ApiError::internal("The backend finished without an answer."));
    }
  }
  co_await stop_watch();
  control_.reset();
  if (answer) {
    answer->set("x-slipway-version", served_version_);
    co_return co_await send(std::move(*answer), keep_alive);
  }
  const bool stays_open = reusable && keep_alive && !state_->draining() && !force_close_;
  co_return stays_open;
}

asio::awaitable<bool> Connection::write_chunk(std::string& data, bool last, bool keep_alive) {
  error_code ec;
  if (!stream_headers_sent_) {
    bhttp::response<bhttp::empty_body> res{bhttp::status::ok, 11};
    res.set(bhttp::field::content_type, "text/event-stream");
    res.set(bhttp::field::cache_control, "no-cache");
    res.set("X-Accel-Buffering", "no");  // proxies must not hold events back
    res.set("x-request-id", request_id_);
    res.set("x-slipway-version", served_version_);
    res.chunked(true);
    res.keep_alive(keep_alive && !state_->draining() && !force_close_);
    bhttp::response_serializer<bhttp::empty_body> serializer{res};
    co_await bhttp::async_write_header(socket_, serializer,
                                       asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    stream_headers_sent_ = true;
  }
  if (!data.empty()) {
    co_await asio::async_write(socket_, bhttp::make_chunk(asio::buffer(data)),
                               asio::redirect_error(asio::use_awaitable, ec));
    data.clear();
    if (ec) co_return false;
  }
  if (last) {
    co_await asio::async_write(socket_, bhttp::make_chunk_last(),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return !ec;
}

void Connection::start_watch() {
  peer_gone_ = false;
  stop_watching_ = false;
  watching_ = true;
  watch_next();
}

void Connection::watch_next() {
  if (buffer_.size() >= kWatchCap) {
    watching_ = false;
    return;
  }
  // Bytes that arrive are kept: they are the client's next (pipelined) request.
  socket_.async_read_some(buffer_.prepare(kWatchChunk),
                          [self = shared_from_this()](error_code ec, std::size_t n) {
                            self->buffer_.commit(n);
                            if (!ec && !self->stop_watching_) {
                              self->watch_next();
                              return;
                            }
                            if (ec && ec != asio::error::operation_aborted) self->peer_gone_ = true;
                            self->watching_ = false;
                            self->waiter_.notify_local();
                          });
}

asio::awaitable<void> Connection::stop_watch() {
  stop_watching_ = true;
  if (watching_) {
    error_code ignored;
    socket_.cancel(ignored);  // no write is pending here, only the watch read
  }
  while (watching_) co_await waiter_.wait();
}

void Connection::cancel_in_flight() {
  if (!control_ || cancelled_) return;
  cancelled_ = true;
  control_->cancel();
}

}  // namespace slipway::http
