#pragma once
// The subcommands of `slipway alerts` (list, show, resolve), `slipway quality`, `slipway drift`
// and `slipway monitor` (status, evaluate); cmd_monitor.cpp adds them with the common flags
// (app/client_flags.h).
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "app/client_flags.h"
#include "app/monitor_cli/monitor_client.h"

namespace slipway::app::monitor_cli {

void add_alerts_commands(CLI::App& alerts, const CommonFlagsPtr& common);
// `quality` and `drift` are single commands: they take their arguments on `cmd` itself.
void add_quality_arguments(CLI::App& cmd, const CommonFlagsPtr& common);
void add_drift_arguments(CLI::App& cmd, const CommonFlagsPtr& common);
void add_monitor_commands(CLI::App& monitor, const CommonFlagsPtr& common);

}  // namespace slipway::app::monitor_cli
