#pragma once
// Maps a request line to a route; tells apart unknown paths (404) and wrong methods (405).
// Paths under /admin/v1/ all map to Route::Admin, whose own table answers 404 and 405.
#include <boost/beast/http/verb.hpp>
#include <optional>
#include <string_view>

#include "auth/api_key.h"
#include "backends/backend.h"

namespace slipway::http {

enum class Route {
  ChatCompletions,
  Completions,
  Models,
  Tokenize,
  Detokenize,
  Health,
  Metrics,
  Feedback,  // POST /v1/feedback: ratings of logged answers
  Admin,     // any method on /admin/v1 and below; the admin API tells paths and methods apart
};

struct RouteMatch {
  std::optional<Route> route;
  bool path_known = false;   // true with no route: 405
  std::string_view allowed;  // the method the path takes, for the Allow header
};

RouteMatch match_route(boost::beast::http::verb method, std::string_view target);
// The scope a route needs: inference (model endpoints, /v1/models), feedback, admin; none for
// /health and /metrics.
std::optional<auth::Scope> route_scope(Route route);
// The backend endpoint of a model route; none for models, health and metrics.
std::optional<backends::Endpoint> route_endpoint(Route route);

}  // namespace slipway::http
