// slipway alerts|quality|drift|monitor: what the monitor found (alerts with their evidence,
// judged-quality trends, drift reports) on a data folder or store opened directly, with the
// monitor's default settings, or on a running server through its admin API (--server).
#include "app/client_flags.h"
#include "app/commands.h"
#include "app/monitor_cli/monitor_commands.h"

namespace slipway::app {

void register_alerts_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "alerts", "Alerts: what quality and drift monitoring fired, with their evidence");
  cmd->require_subcommand(1);
  monitor_cli::add_alerts_commands(*cmd, add_client_flags(*cmd, "alerts"));
}

void register_quality_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "quality", "A route's judged quality per version and window, against its baseline");
  monitor_cli::add_quality_arguments(*cmd, add_client_flags(*cmd, "quality trends"));
}

void register_drift_command(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand(
      "drift", "A route's drift reports: each window's answers against a baseline window");
  monitor_cli::add_drift_arguments(*cmd, add_client_flags(*cmd, "drift reports"));
}

void register_monitor_command(CLI::App& root) {
  CLI::App* cmd =
      root.add_subcommand("monitor", "A running server's monitor: its status, an evaluation now");
  cmd->require_subcommand(1);
  monitor_cli::add_monitor_commands(*cmd, add_client_flags(*cmd, "monitor"));
}

}  // namespace slipway::app
