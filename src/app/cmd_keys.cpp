// slipway keys: API keys with scopes and per-key limits, on a data folder or store opened
// directly, or on a running server through its admin API (--server).
#include "app/client_flags.h"
#include "app/commands.h"
#include "app/keys_cli/key_commands.h"

namespace slipway::app {

void register_keys_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "keys", "Create, list, show and revoke API keys (scopes and per-key rate limits)");
  cmd->require_subcommand(1);
  keys_cli::add_key_commands(*cmd, add_client_flags(*cmd, "API keys"));
}

}  // namespace slipway::app
