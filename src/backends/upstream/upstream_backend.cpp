#include "backends/upstream/upstream_backend.h"

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it
// (kept apart from the sorted block below)

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>

#include "backends/upstream/http_client.h"
#include "backends/upstream/sse_parser.h"
#include "backends/upstream/stream_relay.h"
#include "backends/upstream/upstream_errors.h"
#include "backends/upstream/url.h"

namespace slipway::backends {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxErrorBody = 1 << 20;  // what we keep of an upstream's error answer

HttpClientOptions client_options(const UpstreamOptions& options) {
  HttpClientOptions out;
  out.connect_timeout = options.connect_timeout;
  out.read_timeout = options.read_timeout;
  out.max_idle_connections = options.max_idle_connections;
  out.verify_tls = options.verify_tls;
  out.ca_file = options.ca_file;
  return out;
}

bool wants_stream(const ApiRequest& request) {
  if (request.endpoint != Endpoint::ChatCompletions && request.endpoint != Endpoint::Completions) {
    return false;
  }
  const auto it = request.body.find("stream");
  return it != request.body.end() && it->is_boolean() && it->get<bool>();
}

// Ends a request in flight: owned by the coroutine, so cancel() after the end is harmless.
class UpstreamControl : public RequestControl {
 public:
  explicit UpstreamControl(std::shared_ptr<HttpCall> call) : call_(std::move(call)) {}
  void cancel() override { call_->cancel(); }

 private:
  std::shared_ptr<HttpCall> call_;
};

// Thrown out of the body callback to stop reading a stream that went bad.
struct StreamStopped {};

}  // namespace

struct UpstreamBackend::Impl {
  Impl(asio::io_context& io_context, UpstreamOptions opts)
      : io(io_context),
        options(std::move(opts)),
        url(parse_url(options.base_url)),
        upstream_model(options.upstream_model.empty() ? options.name : options.upstream_model),
        client(io.get_executor(), url, client_options(options)),
        created(static_cast<int64_t>(std::time(nullptr))) {}

  std::string target(Endpoint endpoint) const {
    switch (endpoint) {
      case Endpoint::ChatCompletions:
        return url.base_path + "/chat/completions";
      case Endpoint::Completions:
        return url.base_path + "/completions";
      case Endpoint::Tokenize:
        return url.root_path() + "/tokenize";
      case Endpoint::Detokenize:
        return url.root_path() + "/detokenize";
    }
    return url.base_path;
  }

  HttpRequest http_request(std::string method, std::string target, std::string body) const {
    HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    if (!options.api_key.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + options.api_key);
    }
    return request;
  }

  ApiError transport_error(const HttpError& error) const {
    const std::string who = "upstream '" + options.name + "' (" + url.origin() + ")";
    switch (error.kind()) {
      case HttpError::Kind::Timeout:
        return ApiError::gateway_timeout(who + " timed out: " + error.what());
      case HttpError::Kind::Deadline:
        return ApiError::gateway_timeout("request deadline exceeded waiting for " + who);
      case HttpError::Kind::Connect:
        return ApiError::bad_gateway(who + " is unreachable: " + error.what());
      case HttpError::Kind::Cancelled:
      case HttpError::Kind::Broken:
        break;
    }
    return ApiError::bad_gateway(who + " failed: " + error.what());
  }

  asio::awaitable<void> run(ApiRequest request, std::shared_ptr<ResponseSink> sink,
                            std::shared_ptr<HttpCall> call);

  asio::io_context& io;
  UpstreamOptions options;
  Url url;
  std::string upstream_model;
  HttpClient client;
  int64_t created;
  std::atomic<int64_t> running{0};
};

asio::awaitable<void> UpstreamBackend::Impl::run(ApiRequest request,
                                                 std::shared_ptr<ResponseSink> sink,
                                                 std::shared_ptr<HttpCall> call) {
  const auto start = Clock::now();
  CompletionStats stats;
  stats.served_by = options.name;
  bool sent_anything = false;
  std::optional<ApiError> failure;

  std::string client_model = options.name;
  if (const auto it = request.body.find("model"); it != request.body.end() && it->is_string()) {
    client_model = it->get<std::string>();
  }
  // The client sees its own model name, and our answer id (the one the response log and
  // feedback know it by) rather than the id the upstream made up.
  const auto rename = [&](Json& body) {
    if (!body.is_object()) return;
    if (body.contains("model")) body["model"] = client_model;
    if (!request.request_id.empty()) body["id"] = request.request_id;
  };

  try {
    if (!request.body.is_object())
      throw ApiError::bad_request("request body must be a JSON object");
    Json body = request.body;
    body["model"] = upstream_model;
    const bool streaming = wants_stream(request);
    bool hide_usage = false;
    if (streaming) {
      auto& stream_options = body["stream_options"];
      if (!stream_options.is_object()) stream_options = Json::object();
      const auto include = stream_options.find("include_usage");
      if (include == stream_options.end() || !include->is_boolean() || !include->get<bool>()) {
        stream_options["include_usage"] = true;  // we count tokens; the client never sees it
        hide_usage = true;
      }
    }
    if (request.deadline != Clock::time_point{}) call->set_deadline(request.deadline);
    const auto http = http_request("POST", target(request.endpoint), body.dump());

    if (!streaming) {
      const auto response = co_await client.fetch(http, *call);
      if (response.status != 200) {
        throw upstream_status_error(options.name, response.status, response.body);
      }
      auto answer = Json::parse(response.body, nullptr, false);
      if (answer.is_discarded() || !answer.is_object()) {
        throw ApiError::bad_gateway("upstream '" + options.name + "' answered with invalid JSON");
      }
      rename(answer);
      fill_stats_from_response(answer, stats);
      sent_anything = true;
      sink->on_response(std::move(answer));
    } else {
      StreamRelay relay(options.name, client_model, hide_usage, start);
      SseParser parser;
      int status = 0;
      std::string error_body;
      std::optional<ApiError> stream_error;
      const auto on_event = [&](SseEvent&& event) {
        if (stream_error) return;
        auto step = relay.on_event(event, Clock::now());
        if (step.error) {
          stream_error = std::move(step.error);
        } else if (step.chunk) {
          sent_anything = true;
          rename(*step.chunk);
          sink->on_chunk(std::move(*step.chunk));
        }
      };
      co_await client.send(
          http, *call, [&](const HttpResponseHead& head) { status = head.status; },
          [&](std::string_view bytes) {
            if (status != 200) {
              if (error_body.size() < kMaxErrorBody) error_body.append(bytes);
              return;
            }
            parser.feed(bytes, on_event);
            // Stop reading (and close the connection) at the first bad event.
            if (stream_error) throw StreamStopped{};
          });
      relay.fill(stats);
      if (status != 200) throw upstream_status_error(options.name, status, error_body);
      if (!relay.done() && !relay.finished()) {
        throw ApiError::bad_gateway("upstream '" + options.name +
                                    "' ended the stream before it was complete");
      }
    }
  } catch (const StreamStopped&) {
    failure = ApiError::bad_gateway("upstream '" + options.name + "' sent a broken stream");
  } catch (const ApiError& error) {
    failure = error;
  } catch (const HttpError& error) {
    if (error.kind() == HttpError::Kind::Cancelled) {
      stats.finish_reason = "abort";
    } else {
      failure = transport_error(error);
      if (error.kind() == HttpError::Kind::Deadline) stats.finish_reason = "timeout";
    }
  } catch (const std::exception& error) {
    failure = ApiError::bad_gateway("upstream '" + options.name + "' failed: " + error.what());
  }
  call->finish();

  if (failure) {
    if (stats.finish_reason.empty() || sent_anything) {
      stats.finish_reason = failure->status == 504 ? "timeout" : "error";
    }
    if (failure->status >= 500) {
      spdlog::warn("upstream {}: {} ({})", options.name, failure->message, failure->status);
    }
    sink->on_error(std::move(*failure));
  }
  stats.total_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  sink->on_done(stats);
}

UpstreamBackend::UpstreamBackend(asio::io_context& io, UpstreamOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

UpstreamBackend::~UpstreamBackend() = default;

const std::string& UpstreamBackend::name() const {
  return impl_->options.name;
}

Json UpstreamBackend::model_card() const {
  Json card = Json::object();
  card["id"] = impl_->options.name;
  card["object"] = "model";
  card["created"] = impl_->created;
  card["owned_by"] = "upstream";
  return card;
}

std::shared_ptr<RequestControl> UpstreamBackend::start(ApiRequest request,
                                                       std::shared_ptr<ResponseSink> sink) {
  auto strand = asio::make_strand(impl_->io);
  auto call = std::make_shared<HttpCall>(strand);
  auto impl = impl_;
  asio::co_spawn(
      strand,
      [impl, request = std::move(request), sink = std::move(sink),
       call]() mutable -> asio::awaitable<void> {
        // The counter follows the coroutine, also when io_context destroys it unfinished.
        struct Running {
          std::atomic<int64_t>& count;
          explicit Running(std::atomic<int64_t>& c) : count(c) { count.fetch_add(1); }
          ~Running() { count.fetch_sub(1); }
        } running{impl->running};
        co_await impl->run(std::move(request), std::move(sink), std::move(call));
      },
      asio::detached);
  return std::make_shared<UpstreamControl>(std::move(call));
}

void UpstreamBackend::check_health(std::chrono::milliseconds timeout,
                                   std::function<void(HealthStatus)> done) {
  auto strand = asio::make_strand(impl_->io);
  auto call = std::make_shared<HttpCall>(strand);
  auto impl = impl_;
  asio::co_spawn(
      strand,
      [impl, timeout, call, done = std::move(done)]() -> asio::awaitable<void> {
        HealthStatus status;
        const auto target = impl->url.base_path + "/models";
        call->set_deadline(Clock::now() + timeout);  // late answers are ignored anyway
        try {
          const auto response =
              co_await impl->client.fetch(impl->http_request("GET", target, ""), *call, 4 << 20);
          status.healthy = response.status == 200;
          status.detail =
              "GET " + impl->url.origin() + target + ": HTTP " + std::to_string(response.status);
        } catch (const HttpError& error) {
          status.detail = "GET " + impl->url.origin() + target + ": " + error.what();
        } catch (const std::exception& error) {
          status.detail = error.what();
        }
        call->finish();
        done(std::move(status));
      },
      asio::detached);
}

BackendStats UpstreamBackend::stats() const {
  BackendStats out;
  out.running = impl_->running.load();
  return out;
}

}  // namespace slipway::backends
