// Routing, auth and the answers that need no backend request: /health, /metrics, /v1/models.
// /v1/feedback is connection_feedback.cpp's.
#include <boost/beast/http/write.hpp>

#include "http/bearer_auth.h"
#include "http/connection.h"
#include "http/coro.h"
#include "http/health.h"
#include "http/router.h"

namespace slipway::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using backends::ApiError;
using backends::Json;

namespace {

constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4";

// Routes first (the names clients should use), then every served model.
Response models_response(const ServerState& state) {
  Json data = Json::array();
  if (state.traffic) {
    for (const auto& route : state.traffic->routes()) {
      data.push_back({{"id", route.name},
                      {"object", "model"},
                      {"created", route.created_ms / 1000},
                      {"owned_by", "slipway"},
                      {"root", route.stable}});
    }
  }
  for (const auto& backend : state.backends->all()) data.push_back(backend->model_card());
  return json_response(200, Json{{"object", "list"}, {"data", std::move(data)}});
}

// The serving metrics, then the response log's counters when there is a log.
std::string metrics_text(const ServerState& state) {
  std::string text = state.metrics->render(state.backends->all());
  if (const auto log = state.feedback()) text += log->metrics_text();
  if (state.shadow) text += state.shadow->metrics_text();
  if (state.monitor) text += state.monitor->metrics_text();
  return text;
}

}  // namespace

asio::awaitable<bool> Connection::dispatch(Request& request) {
  const bool keep_alive = request.keep_alive();
  request_id_.clear();
  const RouteMatch match = match_route(request.method(), request.target());
  if (!match.route) {
    if (match.path_known) {
      co_return co_await reject(
          method_not_allowed_error("Method " + std::string(request.method_string()) +
                                   " is not allowed on " + std::string(request.target()) +
                                   "; use " + std::string(match.allowed) + "."),
          keep_alive, match.allowed);
    }
    co_return co_await reject(
        ApiError::not_found("Unknown path: " + std::string(request.target()), "not_found"),
        keep_alive);
  }
  const Route route = *match.route;
  caller_ = Caller{};
  if (const auto scope = route_scope(route)) {
    if (auto error = check_auth(request, *scope)) co_return co_await reject(*error, keep_alive);
  }
  // Answers are built outside co_await expressions: GCC 12 mishandles some temporaries (string
  // literals in braced JSON) that live across a suspension.
  Response res;
  switch (route) {
    case Route::Health: {
      HealthReport report = co_await health_report(*state_, socket_.get_executor());
      res = json_response(report.status, report.body);
      break;
    }
    case Route::Metrics:
      res = text_response(200, kMetricsContentType, metrics_text(*state_));
      break;
    case Route::Feedback:
      co_return co_await serve_feedback(request, keep_alive);
    case Route::Models:
      res = models_response(*state_);
      break;
    case Route::Admin:
      co_return co_await serve_admin(request, keep_alive);
    default:
      co_return co_await serve_model(request, *route_endpoint(route), keep_alive);
  }
  co_return co_await send(std::move(res), keep_alive);
}

std::optional<ApiError> Connection::check_auth(const Request& request, auth::Scope scope) {
  std::optional<std::string_view> authorization;
  if (auto header = request.find(bhttp::field::authorization); header != request.end()) {
    authorization = header->value();
  }
  auto checked = authorize(state_->guards, state_->options, authorization, scope);
  if (auto* error = std::get_if<ApiError>(&checked)) return std::move(*error);
  caller_ = std::get<Caller>(std::move(checked));
  return std::nullopt;
}

asio::awaitable<bool> Connection::send(Response res, bool keep_alive) {
  // A draining server finishes this answer and then closes, so clients reconnect elsewhere.
  keep_alive = keep_alive && !state_->draining() && !force_close_;
  res.keep_alive(keep_alive);
  if (!request_id_.empty()) res.set("x-request-id", request_id_);
  boost::system::error_code ec;
  co_await bhttp::async_write(socket_, res, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && keep_alive;
}

asio::awaitable<bool> Connection::reject(const ApiError& error, bool keep_alive,
                                         std::string_view allow) {
  state_->metrics->record_rejection(error.status);
  Response res = error_response(error);
  if (!allow.empty()) res.set(bhttp::field::allow, allow);
  if (error.status == 401) res.set(bhttp::field::www_authenticate, "Bearer");
  co_return co_await send(std::move(res), keep_alive);
}

}  // namespace slipway::http
