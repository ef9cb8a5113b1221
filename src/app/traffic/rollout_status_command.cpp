// slipway rollout status ROUTE
#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {

void add_rollout_status_command(CLI::App& rollout, CommonFlagsPtr common) {
  auto route = std::make_shared<std::string>();
  CLI::App* cmd = rollout.add_subcommand(
      "status", "The route's rollout (the active one, else the last): step, gates, events");
  add_route_argument(*cmd, *route);
  cmd->callback([route, common] {
    print_answer(*common, make_traffic_client(common->client)->rollout_status(*route),
                 render_rollout_status);
  });
}

}  // namespace slipway::app::traffic
