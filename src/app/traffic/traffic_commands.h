#pragma once
// The subcommands of `slipway routes` and `slipway rollout`, one file each; cmd_routes.cpp and
// cmd_rollout.cpp add them with the common flags (app/client_flags.h). `slipway rollback` is
// one command: cmd_rollback.cpp.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "app/cli_output.h"
#include "app/client_flags.h"
#include "app/traffic/render.h"
#include "app/traffic/traffic_client.h"

namespace slipway::app::traffic {

void add_routes_list_command(CLI::App& routes, CommonFlagsPtr common);
void add_routes_show_command(CLI::App& routes, CommonFlagsPtr common);
void add_routes_create_command(CLI::App& routes, CommonFlagsPtr common);
void add_routes_update_command(CLI::App& routes, CommonFlagsPtr common);
void add_routes_delete_command(CLI::App& routes, CommonFlagsPtr common);
void add_routes_events_command(CLI::App& routes, CommonFlagsPtr common);

void add_rollout_start_command(CLI::App& rollout, CommonFlagsPtr common);
void add_rollout_status_command(CLI::App& rollout, CommonFlagsPtr common);
// promote, pause, resume and abort: ROUTE [--reason TEXT] each.
void add_rollout_action_commands(CLI::App& rollout, CommonFlagsPtr common);

// The positional ROUTE every traffic command takes.
CLI::Option* add_route_argument(CLI::App& cmd, std::string& route);

}  // namespace slipway::app::traffic
