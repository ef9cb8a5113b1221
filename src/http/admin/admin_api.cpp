// AdminApi::handle: finds the route for the method and path (404 for an unknown path, 405
// with the methods the path takes), checks that what the route needs is configured (503), runs
// the handler, and turns whatever it throws into an OpenAI-style error.
#include "http/admin/admin_api.h"

#include "http/admin/admin_errors.h"
#include "http/admin/admin_paths.h"
#include "http/admin/admin_routes.h"
#include "http/responses.h"

namespace slipway::http {

namespace bhttp = boost::beast::http;
using backends::ApiError;

namespace {

AdminResponse error_answer(const ApiError& error, std::string allow = {}) {
  return AdminResponse{error.status, error.to_json(), std::move(allow)};
}

}  // namespace

AdminApi::AdminApi(registry::Registry* registry, std::shared_ptr<ModelLoader> loader,
                   std::shared_ptr<feedback::FeedbackLog> feedback,
                   std::shared_ptr<traffic::TrafficService> traffic,
                   std::shared_ptr<monitor::MonitorService> monitor,
                   std::shared_ptr<auth::KeyRing> keys)
    : registry_(registry),
      loader_(std::move(loader)),
      feedback_(std::move(feedback)),
      traffic_(std::move(traffic)),
      monitor_(std::move(monitor)),
      keys_(std::move(keys)) {}

AdminResponse AdminApi::handle(const AdminRequest& request) const {
  ErrorContext errors;
  errors.registry = registry_;
  try {
    const std::string_view path = trim_trailing_slash(request.path);
    std::string allow;
    for (const auto* table : {&registry_routes(), &served_routes(), &feedback_routes(),
                              &traffic_routes(), &monitor_routes(), &key_routes()}) {
      for (const AdminRoute& route : *table) {
        const auto params = match_path(route.pattern, path);
        if (!params) continue;
        if (route.method != request.method) {
          const std::string method(bhttp::to_string(route.method));
          if (allow.find(method) == std::string::npos) {
            allow += (allow.empty() ? "" : ", ") + method;
          }
          continue;
        }
        if (route.needs == AdminNeeds::Registry && registry_ == nullptr) {
          return error_answer(
              ApiError::unavailable("The registry is not configured on this server."));
        }
        if (route.needs == AdminNeeds::Loader && !loader_) {
          return error_answer(
              ApiError::unavailable("Model loading is not configured on this server."));
        }
        if (route.needs == AdminNeeds::Feedback && !feedback_) {
          return error_answer(
              ApiError::unavailable("The feedback log is not configured on this server."));
        }
        if (route.needs == AdminNeeds::Traffic && !traffic_) {
          return error_answer(ApiError::unavailable("Routes are not configured on this server."));
        }
        if (route.needs == AdminNeeds::Monitor && !monitor_) {
          return error_answer(ApiError::unavailable(
              "Monitoring is not enabled on this server (monitoring.enabled)."));
        }
        if (route.needs == AdminNeeds::Keys && (!keys_ || !keys_->store())) {
          return error_answer(ApiError::unavailable(
              "API keys are not managed on this server: it runs without a store."));
        }
        errors.not_found_code = route.not_found_code;
        errors.conflict_code = route.conflict_code;
        errors.stage_rule_code = route.stage_rule_code;
        AdminCall call{request,        *params,        registry_,   loader_.get(), feedback_.get(),
                       traffic_.get(), monitor_.get(), keys_.get(), errors};
        return route.handler(call);
      }
    }
    if (!allow.empty()) {
      return error_answer(method_not_allowed_error(
                              "Method " + std::string(bhttp::to_string(request.method)) +
                              " is not allowed on " + std::string(path) + "; use " + allow + "."),
                          allow);
    }
    return error_answer(ApiError::not_found(
        "Unknown admin path: " + std::string(path) + " (see docs/admin-api.md).", "not_found"));
  } catch (...) {
    return error_answer(current_exception_error(errors));
  }
}

}  // namespace slipway::http
