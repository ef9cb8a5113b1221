// slipway rollout: staged, gated rollouts of a canary version on a route, on a data folder or
// store opened directly, or on a running server through its admin API (--server).
#include "app/client_flags.h"
#include "app/commands.h"
#include "app/traffic/traffic_commands.h"

namespace slipway::app {

void register_rollout_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "rollout", "Roll a canary version out on a route in gated steps (5, 20, 50, 100%)");
  cmd->require_subcommand(1);
  const CommonFlagsPtr common = add_client_flags(*cmd, "routes");
  traffic::add_rollout_start_command(*cmd, common);
  traffic::add_rollout_status_command(*cmd, common);
  traffic::add_rollout_action_commands(*cmd, common);
}

}  // namespace slipway::app
