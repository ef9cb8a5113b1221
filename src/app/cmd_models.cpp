// slipway models: the model registry from the command line, on a data folder or store opened
// directly, or on a running server through its admin API (--server).
#include <memory>

#include "app/commands.h"
#include "app/models/model_commands.h"

namespace slipway::app {

void register_models_command(CLI::App& root) {
  auto common = std::make_shared<models::CommonFlags>();
  CLI::App* cmd = root.add_subcommand(
      "models", "Register, inspect and promote model versions (the model registry)");
  cmd->require_subcommand(1);
  // The common flags may follow the subcommand: `slipway models show demo/3 --json`.
  cmd->fallthrough();
  cmd->add_option("--data", common->client.location.data_dir,
                  "Data folder holding slipway.db (default: $SLIPWAY_DATA, "
                  "$XDG_DATA_HOME/slipway, ~/.local/share/slipway)");
  cmd->add_option("--store", common->client.location.store,
                  "Store location instead of --data: postgresql://... or a SQLite file");
  cmd->add_option("--server", common->client.server,
                  "Work on a running slipway server's registry (its admin API) at this URL");
  cmd->add_option("--api-key", common->client.api_key, "The server's API key (with --server)")
      ->envname("SLIPWAY_API_KEY");
  cmd->add_flag("--json", common->json, "Print the records as JSON");
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
