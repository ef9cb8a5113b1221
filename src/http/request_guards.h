#pragma once
// Who may call what, and how much. Every request but /health and /metrics names a key
// ("Authorization: Bearer KEY") that must hold the scope its route needs (router.h); a server
// with no key at all listens on loopback only and treats every caller as the local user.
// Model requests are then held to the key's rate limits (429 with retry-after) and to its
// number of requests in flight.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/key_ring.h"
#include "auth/rate_limiter.h"
#include "backends/backend.h"

namespace slipway::http {

struct ServerOptions;

struct Caller {
  std::string key_id;          // empty: the local user of a server without keys
  std::string name = "local";  // the key's name: the admin API's actor
  auth::KeyLimits limits;      // the key's own, else the server's defaults; none locally
};

struct RequestGuards {
  std::shared_ptr<auth::KeyRing> keys;  // null: only ServerOptions::api_key, if any
  auth::RateLimiter limiter;
  auth::StreamCounter streams;
};

// The caller of a request needing `scope`, from its Authorization header value (nullopt when
// absent): 401 for a missing, malformed, unknown, revoked or expired key, 403 for a key
// without the scope.
std::variant<Caller, backends::ApiError> authorize(const RequestGuards& guards,
                                                   const ServerOptions& options,
                                                   std::optional<std::string_view> authorization,
                                                   auth::Scope scope);

// Whether the server has any key (bootstrap or stored): without one it binds loopback only.
bool has_any_key(const RequestGuards& guards, const ServerOptions& options);

// 429 (with retry_after_seconds) for a caller over its rate limit.
std::optional<backends::ApiError> admit_request(RequestGuards& guards, const Caller& caller);
// A lease on one of the caller's in-flight model requests, or a 429 naming the limit.
std::variant<auth::StreamCounter::Lease, backends::ApiError> lease_stream(RequestGuards& guards,
                                                                          const Caller& caller);
// Charges an answered request's tokens to the caller's tokens-per-minute allowance.
void charge_tokens(RequestGuards& guards, const Caller& caller, int64_t tokens);

}  // namespace slipway::http
