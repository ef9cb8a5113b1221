// slipway drift ROUTE [--version V] [--arm A] [--windows N].
#include <memory>

#include "app/monitor_cli/monitor_commands.h"
#include "app/monitor_cli/render.h"

namespace slipway::app::monitor_cli {

void add_drift_arguments(CLI::App& cmd, const CommonFlagsPtr& common) {
  auto query = std::make_shared<DriftQuery>();
  cmd.add_option("route", query->route, "The route (the model name clients send)")->required();
  cmd.add_option("--version", query->version, "Only this version (model/N)");
  cmd.add_option("--arm", query->arm, "Only this arm")
      ->check(CLI::IsMember({"stable", "canary", "shadow"}));
  cmd.add_option("--windows", query->windows, "How many windows, newest first (default 1)")
      ->check(CLI::Range(1, kMaxHistory));
  cmd.callback([query, common] {
    const auto client = make_monitor_client(common->client);
    const std::string settings = client->drift_settings();
    print_answer(*common, client->drift(*query),
                 [&settings](const Json& answer) { return render_drift(answer, settings); });
  });
}

}  // namespace slipway::app::monitor_cli
