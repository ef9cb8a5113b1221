// What a key creation request must satisfy: a usable name, known scopes, limits that are not
// negative and an expiry in the future.
#include "auth/key_request_check.h"

#include <string>
#include <string_view>

namespace slipway::auth {

namespace {

constexpr std::size_t kMaxNameLength = 64;

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char ch : name) {
    const bool allowed = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                         (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    if (!allowed) return false;
  }
  return true;
}

[[noreturn]] void invalid(const std::string& message) {
  throw KeyError(KeyError::Kind::Invalid, message);
}

void check_limit(const char* field, int64_t value) {
  if (value >= 0) return;
  std::string message = field;
  message.append(" must be 0 (the server's default) or more, got ").append(std::to_string(value));
  invalid(message);
}

}  // namespace

void check_key_request(const KeyRequest& request, int64_t now_ms) {
  if (!valid_name(request.name)) {
    std::string message = "name must be 1 to 64 characters of letters, digits, '.', '_' and '-'";
    if (request.name.empty()) {
      message.append(" (got an empty name)");
    } else if (request.name.size() > kMaxNameLength) {
      message.append(" (got ").append(std::to_string(request.name.size())).append(" characters)");
    } else {
      message.append(" (got \"").append(request.name).append("\")");
    }
    invalid(message);
  }
  if (request.scopes == 0) invalid("scopes must name at least one of inference, feedback, admin");
  if ((request.scopes & ~kAllScopes) != 0) {
    invalid("scopes has unknown bits: use inference, feedback and/or admin");
  }
  check_limit("requests_per_minute", request.limits.requests_per_minute);
  check_limit("tokens_per_minute", request.limits.tokens_per_minute);
  check_limit("max_streams", request.limits.max_streams);
  if (request.expires_ms && *request.expires_ms <= now_ms) {
    invalid("expires_ms must be in the future");
  }
}

}  // namespace slipway::auth
