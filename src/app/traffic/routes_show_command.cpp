// slipway routes show ROUTE
#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {

void add_routes_show_command(CLI::App& routes, CommonFlagsPtr common) {
  auto route = std::make_shared<std::string>();
  CLI::App* cmd = routes.add_subcommand(
      "show", "One route: its versions, its rollout (if any) and its stable history");
  add_route_argument(*cmd, *route);
  cmd->callback([route, common] {
    print_answer(*common, make_traffic_client(common->client)->show_route(*route), render_route);
  });
}

}  // namespace slipway::app::traffic
