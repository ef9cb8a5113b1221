// slipway models: the model registry from the command line, on a data folder or store opened
// directly, or on a running server through its admin API (--server).
#include "app/client_flags.h"
#include "app/commands.h"
#include "app/models/model_commands.h"

namespace slipway::app {

void register_models_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "models", "Register, inspect and promote model versions (the model registry)");
  cmd->require_subcommand(1);
  const CommonFlagsPtr common = add_client_flags(*cmd, "registry");
  models::add_register_command(*cmd, common);
  models::add_list_command(*cmd, common);
  models::add_show_command(*cmd, common);
  models::add_diff_command(*cmd, common);
  models::add_alias_command(*cmd, common);
  models::add_stage_command(*cmd, common);
  models::add_history_command(*cmd, common);
  models::add_verify_command(*cmd, common);
}

}  // namespace slipway::app
