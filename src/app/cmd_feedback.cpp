// slipway feedback: the response log and its datasets from the command line, on a data folder
// or store opened directly, or on a running server through its admin API (--server).
#include <memory>

#include "app/commands.h"
#include "app/feedback/feedback_commands.h"

namespace slipway::app {

void register_feedback_command(CLI::App& root) {
  auto common = std::make_shared<feedback::CommonFlags>();
  CLI::App* cmd = root.add_subcommand(
      "feedback",
      "Preference datasets (DPO/KTO) from logged answers and their 👍/👎, rates, privacy");
  cmd->require_subcommand(1);
  // The common flags may follow the subcommand: `slipway feedback exports --json`.
  cmd->fallthrough();
  cmd->add_option("--data", common->client.location.data_dir,
                  "Data folder holding slipway.db (default: $SLIPWAY_DATA, "
                  "$XDG_DATA_HOME/slipway, ~/.local/share/slipway)");
  cmd->add_option("--store", common->client.location.store,
                  "Store location instead of --data: postgresql://... or a SQLite file");
  cmd->add_option("--server", common->client.server,
                  "Work on a running slipway server's log (its admin API) at this URL");
  cmd->add_option("--api-key", common->client.api_key, "The server's API key (with --server)")
      ->envname("SLIPWAY_API_KEY");
  cmd->add_flag("--json", common->json, "Print the records as JSON");
  feedback::add_export_command(*cmd, common);
  feedback::add_exports_command(*cmd, common);
  feedback::add_rates_command(*cmd, common);
  feedback::add_show_command(*cmd, common);
  feedback::add_forget_user_command(*cmd, common);
  feedback::add_purge_command(*cmd, common);
}

}  // namespace slipway::app
