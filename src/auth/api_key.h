#pragma once
// API keys as the server and `slipway keys` see them: scopes, per-key limits and the stored
// record. The secret itself is never stored: only its SHA-256 (key_secret.h).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace slipway::auth {

// What a key may do. inference: /v1/chat/completions, /v1/completions, /v1/models, /tokenize,
// /detokenize. feedback: POST /v1/feedback. admin: everything under /admin/v1 (registry,
// rollouts, rollback, exports, dashboard actions).
enum class Scope : uint8_t { Inference = 1, Feedback = 2, Admin = 4 };
using Scopes = uint8_t;  // a bit set of Scope
constexpr Scopes kAllScopes = 7;

constexpr bool has_scope(Scopes scopes, Scope scope) {
  return (scopes & static_cast<Scopes>(scope)) != 0;
}
std::string_view scope_name(Scope scope);  // "inference", "feedback", "admin"
// "inference,feedback" (comma-separated, any order, spaces allowed) -> bits. Throws
// std::invalid_argument naming an unknown scope, or for an empty list.
Scopes parse_scopes(std::string_view text);
std::string scopes_text(Scopes scopes);  // "inference,feedback,admin" in that order

// Per-key limits; 0 means "the server's default" (a key's own value wins over the default).
struct KeyLimits {
  int64_t requests_per_minute = 0;
  int64_t tokens_per_minute = 0;  // prompt + completion tokens of answered requests
  int64_t max_streams = 0;        // model requests in flight at once (streamed or not)
};

// A key as stored (and listed): everything but the secret.
struct ApiKeyRecord {
  std::string id;      // "key_" + 16 hex characters: public, in lists, logs and URLs
  std::string name;    // a label given at creation, unique among active keys
  std::string prefix;  // the secret's first 12 characters, so a user can tell keys apart
  Scopes scopes = 0;
  KeyLimits limits;
  int64_t created_ms = 0;
  std::string created_by;
  std::optional<int64_t> expires_ms;
  std::optional<int64_t> revoked_ms;
  std::string revoked_by;
  std::optional<int64_t> last_used_ms;  // refreshed at most once a minute per key

  bool active_at(int64_t now_ms) const {
    return !revoked_ms && (!expires_ms || *expires_ms > now_ms);
  }
};

// {"id","name","prefix","scopes":["inference",...],"limits":{...},"created_ms","created_by",
//  "expires_ms"|null,"revoked_ms"|null,"revoked_by"|null,"last_used_ms"|null,"state":
//  "active"|"revoked"|"expired"} -- the admin API's and `slipway keys --json`'s form.
nlohmann::json key_to_json(const ApiKeyRecord& key, int64_t now_ms);

}  // namespace slipway::auth
