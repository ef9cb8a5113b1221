// The API key endpoints of docs/admin-api.md: list, create (the secret is in that answer
// only), show and revoke. Each change reloads the server's KeyRing before answering, so the
// very next request is checked against it; other servers on the store reload on the store's
// "auth" notification.
#include <stdexcept>

#include "auth/key_ring.h"
#include "auth/key_store.h"
#include "http/admin/admin_body.h"
#include "http/admin/admin_routes.h"
#include "store/clock.h"

namespace slipway::http {

namespace bhttp = boost::beast::http;
using backends::ApiError;

namespace {

constexpr std::string_view kInvalidCode = "invalid_key_request";
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxDays = 100 * 366;  // keeps the arithmetic far from overflow

ApiError invalid(const std::string& message, const std::string& param = {}) {
  ApiError error = ApiError::bad_request(message, param);
  error.code = kInvalidCode;
  return error;
}

// The store's key errors as OpenAI-style errors; a plain 400 from the body readers gets the
// key routes' code.
template <AdminResponse (*Handler)(AdminCall&)>
AdminResponse with_key_errors(AdminCall& call) {
  try {
    return Handler(call);
  } catch (const auth::KeyError& e) {
    switch (e.kind()) {
      case auth::KeyError::Kind::Invalid:
        throw invalid(e.what());
      case auth::KeyError::Kind::NotFound:
        throw ApiError::not_found(e.what(), "key_not_found");
      case auth::KeyError::Kind::Conflict:
        throw conflict_error(e.what(), "key_conflict");
    }
    throw;
  } catch (ApiError& e) {
    if (e.status == 400 && e.code.empty()) e.code = kInvalidCode;
    throw;
  }
}

Json key_json(const auth::ApiKeyRecord& key) {
  return Json::parse(auth::key_to_json(key, store::system_now_ms()).dump());
}

auth::KeyStore& key_store(const AdminCall& call) {
  return *call.keys->store();
}

// An integer member >= 0 (absent or null: 0).
int64_t limit_field(const Json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return 0;
  if (!it->is_number_integer()) {
    throw ApiError::invalid_field(std::string("`") + name + "` must be an integer.", name);
  }
  const int64_t value = it->get<int64_t>();
  if (value < 0) throw invalid(std::string("`") + name + "` must be 0 or more.", name);
  return value;
}

// "scopes": ["inference", "feedback"] or "inference,feedback".
auth::Scopes scopes_field(const Json& body) {
  const auto it = body.find("scopes");
  if (it == body.end() || it->is_null()) {
    throw invalid("Missing required field `scopes` (inference, feedback and/or admin).", "scopes");
  }
  std::string text;
  if (it->is_string()) {
    text = it->get<std::string>();
  } else if (it->is_array()) {
    for (const Json& scope : *it) {
      if (!scope.is_string()) {
        throw ApiError::invalid_field("`scopes` must be a list of strings.", "scopes");
      }
      if (!text.empty()) text += ',';
      text += scope.get<std::string>();
    }
  } else {
    throw ApiError::invalid_field("`scopes` must be a list of strings or a comma-separated string.",
                                  "scopes");
  }
  try {
    return auth::parse_scopes(text);
  } catch (const std::invalid_argument& e) {
    throw invalid(std::string("`scopes`: ") + e.what(), "scopes");
  }
}

// "expires_ms" (an instant) or "expires_in_days" (from now), not both; neither: never.
std::optional<int64_t> expiry_field(const Json& body) {
  const auto at = body.find("expires_ms");
  const auto days = body.find("expires_in_days");
  const bool has_at = at != body.end() && !at->is_null();
  const bool has_days = days != body.end() && !days->is_null();
  if (has_at && has_days) {
    throw invalid("Give `expires_ms` or `expires_in_days`, not both.", "expires_in_days");
  }
  if (has_at) {
    if (!at->is_number_integer()) {
      throw ApiError::invalid_field("`expires_ms` must be an integer (ms since the epoch).",
                                    "expires_ms");
    }
    return at->get<int64_t>();
  }
  if (!has_days) return std::nullopt;
  if (!days->is_number_integer()) {
    throw ApiError::invalid_field("`expires_in_days` must be an integer.", "expires_in_days");
  }
  const int64_t count = days->get<int64_t>();
  if (count < 1 || count > kMaxDays) {
    throw invalid("`expires_in_days` must be between 1 and " + std::to_string(kMaxDays) + ".",
                  "expires_in_days");
  }
  return store::system_now_ms() + count * kDayMs;
}

AdminResponse list_keys(AdminCall& call) {
  reject_unknown_query(call.request.query, {"include_revoked"});
  bool include_revoked = false;
  if (const auto it = call.request.query.find("include_revoked"); it != call.request.query.end()) {
    if (it->second != "true" && it->second != "false") {
      throw invalid("`include_revoked` must be true or false.", "include_revoked");
    }
    include_revoked = it->second == "true";
  }
  Json data = Json::array();
  for (const auto& key : key_store(call).list(include_revoked)) data.push_back(key_json(key));
  return AdminResponse{200, {{"object", "list"}, {"data", std::move(data)}}, {}};
}

AdminResponse create_key(AdminCall& call) {
  const Json& body = body_object(call.request.body);
  reject_unknown_fields(body, {"name", "scopes", "requests_per_minute", "tokens_per_minute",
                               "max_streams", "expires_ms", "expires_in_days"});
  auth::KeyRequest request;
  request.name = required_string(body, "name", "name");
  request.scopes = scopes_field(body);
  request.limits.requests_per_minute = limit_field(body, "requests_per_minute");
  request.limits.tokens_per_minute = limit_field(body, "tokens_per_minute");
  request.limits.max_streams = limit_field(body, "max_streams");
  request.expires_ms = expiry_field(body);
  const auth::CreatedKey created = key_store(call).create(request, call.request.actor);
  call.keys->reload();
  Json answer = key_json(created.record);
  answer["secret"] = created.secret;
  return AdminResponse{201, std::move(answer), {}};
}

AdminResponse show_key(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  return AdminResponse{200, key_json(key_store(call).get(call.param("key"))), {}};
}

AdminResponse revoke_key(AdminCall& call) {
  reject_unknown_query(call.request.query, {});
  body_object(call.request.body, true);
  const auth::ApiKeyRecord revoked = key_store(call).revoke(call.param("key"), call.request.actor);
  call.keys->reload();
  return AdminResponse{200, key_json(revoked), {}};
}

}  // namespace

const std::vector<AdminRoute>& key_routes() {
  static const std::vector<AdminRoute> routes{
      {bhttp::verb::get, "/admin/v1/keys", AdminNeeds::Keys, with_key_errors<list_keys>},
      {bhttp::verb::post, "/admin/v1/keys", AdminNeeds::Keys, with_key_errors<create_key>},
      {bhttp::verb::get, "/admin/v1/keys/{key}", AdminNeeds::Keys, with_key_errors<show_key>},
      {bhttp::verb::post, "/admin/v1/keys/{key}/revoke", AdminNeeds::Keys,
       with_key_errors<revoke_key>},
  };
  return routes;
}

}  // namespace slipway::http
