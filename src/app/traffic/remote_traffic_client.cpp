// The traffic part of a running `slipway serve`, through its admin API under /admin/v1/routes
// (docs/admin-api.md).
#include <memory>

#include "app/models/admin_client.h"
#include "app/traffic/traffic_client.h"

namespace slipway::app::traffic {
namespace {

using models::url_encode;

std::string route_path(const std::string& route) {
  return "/admin/v1/routes/" + url_encode(route);
}

// Bodies carry the reason only when there is one, as the admin API expects optional fields.
Json reason_body(const std::string& reason) {
  Json body = Json::object();
  if (!reason.empty()) body["reason"] = reason;
  return body;
}

class RemoteTrafficClient : public TrafficClient {
 public:
  RemoteTrafficClient(const std::string& url, const std::string& api_key) : http_(url, api_key) {}

  Json list_routes() override { return http_.call("GET", "/admin/v1/routes"); }
  Json show_route(const std::string& route) override {
    return http_.call("GET", route_path(route));
  }
  Json create_route(const Json& body) override {
    return http_.call("POST", "/admin/v1/routes", body);
  }
  Json update_route(const std::string& route, const Json& body) override {
    return http_.call("PATCH", route_path(route), body);
  }
  void delete_route(const std::string& route) override {
    http_.call("DELETE", route_path(route));  // 204 without a body
  }
  Json events(const std::string& route, int limit) override {
    return http_.call("GET", route_path(route) + "/events?limit=" + std::to_string(limit));
  }

  Json start_rollout(const std::string& route, const Json& body) override {
    return http_.call("POST", route_path(route) + "/rollout", body);
  }
  Json rollout_status(const std::string& route) override {
    return http_.call("GET", route_path(route) + "/rollout");
  }
  Json rollout_action(const std::string& route, RolloutAction action,
                      const std::string& reason) override {
    return http_.call("POST", route_path(route) + "/rollout/" + action_name(action),
                      reason_body(reason));
  }
  Json rollback(const std::string& route, const Json& body) override {
    return http_.call("POST", route_path(route) + "/rollback", body);
  }

 private:
  models::AdminClient http_;
};

}  // namespace

std::unique_ptr<TrafficClient> make_remote_traffic_client(const std::string& server_url,
                                                          const std::string& api_key) {
  return std::make_unique<RemoteTrafficClient>(server_url, api_key);
}

}  // namespace slipway::app::traffic
