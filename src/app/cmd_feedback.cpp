// slipway feedback: the response log and its datasets from the command line, on a data folder
// or store opened directly, or on a running server through its admin API (--server).
#include "app/client_flags.h"
#include "app/commands.h"
#include "app/feedback/feedback_commands.h"

namespace slipway::app {

void register_feedback_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "feedback",
      "Preference datasets (DPO/KTO) from logged answers and their 👍/👎, rates, privacy");
  cmd->require_subcommand(1);
  const CommonFlagsPtr common = add_client_flags(*cmd, "log");
  feedback::add_export_command(*cmd, common);
  feedback::add_exports_command(*cmd, common);
  feedback::add_rates_command(*cmd, common);
  feedback::add_show_command(*cmd, common);
  feedback::add_forget_user_command(*cmd, common);
  feedback::add_purge_command(*cmd, common);
}

}  // namespace slipway::app
