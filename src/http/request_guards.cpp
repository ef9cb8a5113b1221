#include "http/request_guards.h"

#include "http/bearer_auth.h"
#include "http/server.h"

namespace slipway::http {

using backends::ApiError;

namespace {

int64_t or_default(int64_t own, int64_t fallback) {
  return own > 0 ? own : fallback;
}

auth::KeyLimits effective_limits(const auth::KeyLimits& own, const ServerOptions& options) {
  return {or_default(own.requests_per_minute, options.key_requests_per_minute),
          or_default(own.tokens_per_minute, options.key_tokens_per_minute),
          or_default(own.max_streams, options.key_max_streams)};
}

ApiError missing_scope(const auth::Identity& identity, auth::Scope scope) {
  ApiError error;
  error.status = 403;
  error.type = "permission_error";
  error.code = "insufficient_scope";
  error.message = "The API key \"" + identity.name + "\" (" + identity.key_id +
                  ") does not have the \"" + std::string(auth::scope_name(scope)) +
                  "\" scope this endpoint needs; it has: " + auth::scopes_text(identity.scopes) +
                  ".";
  return error;
}

}  // namespace

bool has_any_key(const RequestGuards& guards, const ServerOptions& options) {
  return options.api_key.has_value() || (guards.keys && guards.keys->has_keys());
}

std::variant<Caller, ApiError> authorize(const RequestGuards& guards, const ServerOptions& options,
                                         std::optional<std::string_view> authorization,
                                         auth::Scope scope) {
  // Without any key the server is on loopback only: its one local user is not rate limited
  // (key limits are per key, and there is none to hold them).
  if (!has_any_key(guards, options)) return Caller{};
  if (!authorization) {
    return ApiError::unauthorized(
        "Missing API key: send the header \"Authorization: Bearer <key>\" with a key from "
        "`slipway keys create` (or the server's SLIPWAY_API_KEY).");
  }
  const std::string_view token = bearer_token(*authorization);
  if (token.empty()) {
    return ApiError::unauthorized("Malformed Authorization header: expected \"Bearer <key>\".");
  }
  auth::Identity identity;
  if (guards.keys) {
    auto checked = guards.keys->authenticate(token);
    if (auto* failure = std::get_if<auth::AuthFailure>(&checked)) {
      return ApiError::unauthorized(failure->message);
    }
    identity = std::get<auth::Identity>(std::move(checked));
  } else if (keys_equal(token, *options.api_key)) {
    identity = {"bootstrap", "bootstrap", auth::kAllScopes, {}};
  } else {
    return ApiError::unauthorized("Incorrect API key provided.");
  }
  if (!auth::has_scope(identity.scopes, scope)) return missing_scope(identity, scope);
  Caller caller;
  caller.key_id = identity.key_id;
  caller.name = identity.name;
  caller.limits = effective_limits(identity.limits, options);
  return caller;
}

std::optional<ApiError> admit_request(RequestGuards& guards, const Caller& caller) {
  const std::string& id = caller.key_id.empty() ? caller.name : caller.key_id;
  const auth::RateDecision decision = guards.limiter.admit(id, caller.limits);
  if (decision.allowed) return std::nullopt;
  ApiError error = ApiError::too_many_requests(
      "Rate limit reached for the API key \"" + caller.name +
      "\": " + std::to_string(decision.limit_value) + " " +
      (decision.limit == "tokens_per_minute" ? "tokens" : "requests") +
      " per minute. Retry after " + std::to_string(decision.retry_after_seconds) + " s.");
  error.type = "rate_limit_exceeded";
  error.code = decision.limit;
  error.retry_after_seconds = decision.retry_after_seconds;
  return error;
}

std::variant<auth::StreamCounter::Lease, ApiError> lease_stream(RequestGuards& guards,
                                                                const Caller& caller) {
  const std::string& id = caller.key_id.empty() ? caller.name : caller.key_id;
  if (auto lease = guards.streams.acquire(id, caller.limits.max_streams)) return std::move(*lease);
  ApiError error =
      ApiError::too_many_requests("The API key \"" + caller.name + "\" already has " +
                                  std::to_string(caller.limits.max_streams) +
                                  " requests in flight, its limit; wait for one to finish.");
  error.type = "rate_limit_exceeded";
  error.code = "max_streams";
  error.retry_after_seconds = 1;
  return error;
}

void charge_tokens(RequestGuards& guards, const Caller& caller, int64_t tokens) {
  if (tokens <= 0) return;
  const std::string& id = caller.key_id.empty() ? caller.name : caller.key_id;
  guards.limiter.charge_tokens(id, caller.limits, tokens);
}

}  // namespace slipway::http
