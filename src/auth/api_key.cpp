// Scope names and the JSON form of a key record.
#include "auth/api_key.h"

#include <array>
#include <stdexcept>

namespace slipway::auth {

namespace {

constexpr std::array<Scope, 3> kScopes{Scope::Inference, Scope::Feedback, Scope::Admin};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

nlohmann::json optional_ms(const std::optional<int64_t>& ms) {
  return ms ? nlohmann::json(*ms) : nlohmann::json(nullptr);
}

}  // namespace

std::string_view scope_name(Scope scope) {
  switch (scope) {
    case Scope::Inference:
      return "inference";
    case Scope::Feedback:
      return "feedback";
    case Scope::Admin:
      return "admin";
  }
  return "unknown";
}

Scopes parse_scopes(std::string_view text) {
  Scopes scopes = 0;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view part = trim(text.substr(0, comma));
    bool known = false;
    for (Scope scope : kScopes) {
      if (part == scope_name(scope)) {
        scopes |= static_cast<Scopes>(scope);
        known = true;
      }
    }
    if (!known) {
      std::string message = "unknown scope \"";
      message.append(part).append("\": use inference, feedback and/or admin");
      throw std::invalid_argument(message);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return scopes;
}

std::string scopes_text(Scopes scopes) {
  std::string text;
  for (Scope scope : kScopes) {
    if (!has_scope(scopes, scope)) continue;
    if (!text.empty()) text += ',';
    text += scope_name(scope);
  }
  return text;
}

nlohmann::json key_to_json(const ApiKeyRecord& key, int64_t now_ms) {
  nlohmann::json scopes = nlohmann::json::array();
  for (Scope scope : kScopes) {
    if (has_scope(key.scopes, scope)) scopes.push_back(scope_name(scope));
  }
  std::string state = "active";
  if (key.revoked_ms) {
    state = "revoked";
  } else if (!key.active_at(now_ms)) {
    state = "expired";
  }
  return {{"id", key.id},
          {"name", key.name},
          {"prefix", key.prefix},
          {"scopes", std::move(scopes)},
          {"limits",
           {{"requests_per_minute", key.limits.requests_per_minute},
            {"tokens_per_minute", key.limits.tokens_per_minute},
            {"max_streams", key.limits.max_streams}}},
          {"created_ms", key.created_ms},
          {"created_by", key.created_by},
          {"expires_ms", optional_ms(key.expires_ms)},
          {"revoked_ms", optional_ms(key.revoked_ms)},
          {"revoked_by", key.revoked_ms ? nlohmann::json(key.revoked_by) : nlohmann::json(nullptr)},
          {"last_used_ms", optional_ms(key.last_used_ms)},
          {"state", state}};
}

}  // namespace slipway::auth
