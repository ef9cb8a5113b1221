// slipway routes list
#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {

void add_routes_list_command(CLI::App& routes, CommonFlagsPtr common) {
  CLI::App* cmd = routes.add_subcommand(
      "list", "Every route: stable version, canary and its weight, shadows, rollout state");
  cmd->callback([common] {
    print_answer(*common, make_traffic_client(common->client)->list_routes(), render_routes_table);
  });
}

}  // namespace slipway::app::traffic
