// slipway routes delete ROUTE
#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {

void add_routes_delete_command(CLI::App& routes, CommonFlagsPtr common) {
  auto route = std::make_shared<std::string>();
  CLI::App* cmd = routes.add_subcommand(
      "delete", "Delete a route (refused while it has a rollout in progress)");
  add_route_argument(*cmd, *route);
  cmd->callback([route, common] {
    make_traffic_client(common->client)->delete_route(*route);
    // The service answers nothing (204): say what was done, in either form.
    print_answer(*common, Json{{"name", *route}, {"deleted", true}}, [](const Json& answer) {
      return "deleted route " + answer["name"].get<std::string>() + "\n";
    });
  });
}

}  // namespace slipway::app::traffic
