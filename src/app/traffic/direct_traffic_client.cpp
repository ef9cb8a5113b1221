// The traffic part in a data folder or store opened by this process. No models are loaded
// here, so nothing can be health-checked: switches that need a check (a rollout's canary, a
// rollback's target) are refused unless forced, with a message that says so.
#include <memory>

#include "app/traffic/traffic_client.h"
#include "registry/registry.h"
#include "traffic/traffic_error.h"
#include "traffic/traffic_service.h"

namespace slipway::app::traffic {
namespace {

namespace tr = ::slipway::traffic;

tr::TrafficOptions cli_options() {
  tr::TrafficOptions options;
  options.run_controller = false;  // the server's controller moves rollouts, not the CLI
  return options;
}

// Runs a switch that health-checks its target, explaining why the check cannot happen here.
template <class Command>
Json explain_unchecked(Command&& command) {
  try {
    return command();
  } catch (const tr::TrafficError& e) {
    if (e.code() != tr::TrafficError::Code::Unhealthy) throw;
    // Only a server holds loaded versions, so here the check never ran: say what to do.
    throw tr::TrafficError(e.code(),
                           "Nothing here can health-check the target (this command loads no "
                           "models): use --server URL so the server checks it first, or --force "
                           "to switch without a check.");
  }
}

class DirectTrafficClient : public TrafficClient {
 public:
  explicit DirectTrafficClient(const DataLocation& location)
      : store_(open_store(location)),
        registry_(*store_),
        service_(*store_, registry_, nullptr, nullptr, cli_options()),
        actor_(cli_actor()) {}

  Json list_routes() override { return service_.list_routes(); }
  Json show_route(const std::string& route) override { return service_.show_route(route); }
  Json create_route(const Json& body) override { return service_.create_route(body, actor_); }
  Json update_route(const std::string& route, const Json& body) override {
    return service_.update_route(route, body, actor_);
  }
  void delete_route(const std::string& route) override { service_.delete_route(route, actor_); }
  Json events(const std::string& route, int limit) override {
    return service_.events(route, limit);
  }

  Json start_rollout(const std::string& route, const Json& body) override {
    return explain_unchecked([&] { return service_.start_rollout(route, body, actor_); });
  }
  Json rollout_status(const std::string& route) override { return service_.rollout_status(route); }
  Json rollout_action(const std::string& route, RolloutAction action,
                      const std::string& reason) override {
    switch (action) {
      case RolloutAction::Promote:
        return service_.promote(route, actor_, reason);
      case RolloutAction::Pause:
        return service_.pause(route, actor_, reason);
      case RolloutAction::Resume:
        return service_.resume(route, actor_, reason);
      case RolloutAction::Abort:
        break;
    }
    return service_.abort(route, actor_, reason);
  }

  Json rollback(const std::string& route, const Json& body) override {
    return explain_unchecked([&] { return service_.rollback(route, body, actor_); });
  }

 private:
  std::unique_ptr<store::Store> store_;
  registry::Registry registry_;
  tr::TrafficService service_;  // never started: no table to follow, no threads
  std::string actor_;
};

}  // namespace

std::string action_name(RolloutAction action) {
  switch (action) {
    case RolloutAction::Promote:
      return "promote";
    case RolloutAction::Pause:
      return "pause";
    case RolloutAction::Resume:
      return "resume";
    case RolloutAction::Abort:
      break;
  }
  return "abort";
}

std::unique_ptr<TrafficClient> make_direct_traffic_client(const DataLocation& location) {
  return std::make_unique<DirectTrafficClient>(location);
}

std::unique_ptr<TrafficClient> make_traffic_client(const ClientOptions& options) {
  if (uses_server(options)) return make_remote_traffic_client(options.server, options.api_key);
  return make_direct_traffic_client(options.location);
}

}  // namespace slipway::app::traffic
