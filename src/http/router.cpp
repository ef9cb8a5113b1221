#include "http/router.h"

#include <array>

namespace slipway::http {

namespace bhttp = boost::beast::http;

namespace {

struct RouteEntry {
  std::string_view path;
  bhttp::verb method;
  Route route;
};

constexpr std::array<RouteEntry, 8> kRoutes{{
    {"/v1/chat/completions", bhttp::verb::post, Route::ChatCompletions},
    {"/v1/completions", bhttp::verb::post, Route::Completions},
    {"/v1/models", bhttp::verb::get, Route::Models},
    {"/v1/feedback", bhttp::verb::post, Route::Feedback},
    {"/tokenize", bhttp::verb::post, Route::Tokenize},
    {"/detokenize", bhttp::verb::post, Route::Detokenize},
    {"/health", bhttp::verb::get, Route::Health},
    {"/metrics", bhttp::verb::get, Route::Metrics},
}};

constexpr std::string_view kAdminPrefix = "/admin/v1";

bool is_admin_path(std::string_view path) {
  if (path.substr(0, kAdminPrefix.size()) != kAdminPrefix) return false;
  return path.size() == kAdminPrefix.size() || path[kAdminPrefix.size()] == '/';
}

}  // namespace

RouteMatch match_route(bhttp::verb method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  // One trailing slash is a common client habit ("/v1/models/"); treat it as the same path.
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  RouteMatch match;
  if (is_admin_path(path)) {
    match.path_known = true;
    match.route = Route::Admin;
    return match;
  }
  for (const auto& entry : kRoutes) {
    if (entry.path != path) continue;
    match.path_known = true;
    match.allowed = bhttp::to_string(entry.method);
    if (entry.method == method) match.route = entry.route;
  }
  return match;
}

std::optional<auth::Scope> route_scope(Route route) {
  switch (route) {
    case Route::Health:
    case Route::Metrics:
      return std::nullopt;
    case Route::Feedback:
      return auth::Scope::Feedback;
    case Route::Admin:
      return auth::Scope::Admin;
    default:
      return auth::Scope::Inference;
  }
}

std::optional<backends::Endpoint> route_endpoint(Route route) {
  switch (route) {
    case Route::ChatCompletions:
      return backends::Endpoint::ChatCompletions;
    case Route::Completions:
      return backends::Endpoint::Completions;
    case Route::Tokenize:
      return backends::Endpoint::Tokenize;
    case Route::Detokenize:
      return backends::Endpoint::Detokenize;
    default:
      return std::nullopt;
  }
}

}  // namespace slipway::http
