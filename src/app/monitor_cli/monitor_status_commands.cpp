// slipway monitor status|evaluate: the evaluator of a running server (it lives in the server's
// memory, so both need --server).
#include "app/monitor_cli/monitor_commands.h"
#include "app/monitor_cli/render.h"

namespace slipway::app::monitor_cli {
namespace {

// The server's client; without --server, the error that explains why one is needed.
std::unique_ptr<MonitorClient> server_client(const CommonFlags& common, const char* command) {
  if (!uses_server(common.client)) throw_needs_server(command);
  return make_monitor_client(common.client);
}

}  // namespace

void add_monitor_commands(CLI::App& monitor, const CommonFlagsPtr& common) {
  monitor
      .add_subcommand("status",
                      "The last evaluation, the judge's counters, each series' drift and quality "
                      "state and the active alerts")
      ->callback([common] {
        print_answer(*common, server_client(*common, "status")->status(), render_monitor_status);
      });
  monitor.add_subcommand("evaluate", "Evaluate drift, quality and alerts now")->callback([common] {
    print_answer(*common, server_client(*common, "evaluate")->evaluate(), render_evaluation);
  });
}

}  // namespace slipway::app::monitor_cli
