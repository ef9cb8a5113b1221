#pragma once
// The subcommands of `slipway keys`, each on the group's shared flags (client_flags.h).
#include <CLI/CLI.hpp>

#include "app/client_flags.h"

namespace slipway::app::keys_cli {

// create, list, show and revoke.
void add_key_commands(CLI::App& keys, const CommonFlagsPtr& common);

}  // namespace slipway::app::keys_cli
