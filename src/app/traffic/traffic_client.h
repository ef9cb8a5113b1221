#pragma once
// What `slipway routes|rollout|rollback` ask of the traffic part, written once for both places
// it can live: a data folder or store opened directly (a TrafficService with no models loaded,
// no gate figures and no controller thread) or a running server's admin API
// (/admin/v1/routes/..., docs/admin-api.md). Both answer the service's own JSON, so both print
// alike. Errors are exceptions with messages meant for the user.
#include <memory>
#include <string>

#include "app/client_flags.h"
#include "traffic/json.h"

namespace slipway::app::traffic {

using Json = ::slipway::traffic::Json;

// The rollout commands that take nothing but a reason.
enum class RolloutAction { Promote, Pause, Resume, Abort };
// "promote", "pause", "resume", "abort": the subcommand and the admin API path segment.
std::string action_name(RolloutAction action);

class TrafficClient {
 public:
  virtual ~TrafficClient() = default;

  // The bodies are TrafficService's (traffic/traffic_service.h); the actor is filled in by the
  // client (direct: cli_actor(); remote: the server's API key).
  virtual Json list_routes() = 0;
  virtual Json show_route(const std::string& route) = 0;
  virtual Json create_route(const Json& body) = 0;
  virtual Json update_route(const std::string& route, const Json& body) = 0;
  virtual void delete_route(const std::string& route) = 0;
  virtual Json events(const std::string& route, int limit) = 0;
  virtual Json start_rollout(const std::string& route, const Json& body) = 0;
  virtual Json rollout_status(const std::string& route) = 0;
  virtual Json rollout_action(const std::string& route, RolloutAction action,
                              const std::string& reason) = 0;
  virtual Json rollback(const std::string& route, const Json& body) = 0;
};

std::unique_ptr<TrafficClient> make_direct_traffic_client(const DataLocation& location);
std::unique_ptr<TrafficClient> make_remote_traffic_client(const std::string& server_url,
                                                          const std::string& api_key);
// Remote when --server is given (then --data/--store may not be), else direct.
std::unique_ptr<TrafficClient> make_traffic_client(const ClientOptions& options);

}  // namespace slipway::app::traffic
