#pragma once
// The admin API's route table: one entry per method and path pattern of docs/admin-api.md,
// with what the route needs (the registry, the model loader or the feedback log) and what its
// registry errors mean. admin_registry_routes.cpp, admin_served_routes.cpp and
// admin_feedback_routes.cpp, admin_traffic_routes.cpp, admin_monitor_routes.cpp and
// admin_key_routes.cpp hold the handlers.
#include <boost/beast/http/verb.hpp>
#include <string_view>
#include <vector>

#include "http/admin/admin_api.h"
#include "http/admin/admin_errors.h"
#include "http/admin/admin_paths.h"

namespace slipway::http {

// One matched request as a handler sees it. registry, loader, feedback, traffic, monitor or
// keys is non-null as the route needs.
struct AdminCall {
  const AdminRequest& request;
  const PathParams& params;
  registry::Registry* registry;
  ModelLoader* loader;
  feedback::FeedbackLog* feedback;
  traffic::TrafficService* traffic;
  monitor::MonitorService* monitor;
  auth::KeyRing* keys;   // with a key store (KeyRing::store() non-null)
  ErrorContext& errors;  // a handler adds the models it names, for 404 codes

  const std::string& param(std::string_view name) const { return params.find(name)->second; }
};

enum class AdminNeeds { Registry, Loader, Feedback, Traffic, Monitor, Keys };

struct AdminRoute {
  boost::beast::http::verb method;
  std::string_view pattern;  // "/admin/v1/models/{name}"
  AdminNeeds needs;
  AdminResponse (*handler)(AdminCall& call);
  // Error codes for this route's registry errors (see ErrorContext).
  std::string_view not_found_code = "not_found";
  std::string_view conflict_code = "conflict";
  std::string_view stage_rule_code = "stage_rule";
};

const std::vector<AdminRoute>& registry_routes();
const std::vector<AdminRoute>& served_routes();
const std::vector<AdminRoute>& feedback_routes();
const std::vector<AdminRoute>& traffic_routes();
const std::vector<AdminRoute>& monitor_routes();
const std::vector<AdminRoute>& key_routes();

}  // namespace slipway::http
