// slipway routes: the public model names and the versions behind them, on a data folder or
// store opened directly, or on a running server through its admin API (--server).
#include "app/client_flags.h"
#include "app/commands.h"
#include "app/traffic/traffic_commands.h"

namespace slipway::app {

void register_routes_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "routes", "Routes: the model names clients send and the versions that answer them");
  cmd->require_subcommand(1);
  const CommonFlagsPtr common = add_client_flags(*cmd, "routes");
  traffic::add_routes_list_command(*cmd, common);
  traffic::add_routes_show_command(*cmd, common);
  traffic::add_routes_create_command(*cmd, common);
  traffic::add_routes_update_command(*cmd, common);
  traffic::add_routes_delete_command(*cmd, common);
  traffic::add_routes_events_command(*cmd, common);
}

}  // namespace slipway::app
