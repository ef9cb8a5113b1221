// slipway quality ROUTE [--version V] [--history N].
#include <memory>

#include "app/monitor_cli/monitor_commands.h"
#include "app/monitor_cli/render.h"

namespace slipway::app::monitor_cli {

void add_quality_arguments(CLI::App& cmd, const CommonFlagsPtr& common) {
  auto query = std::make_shared<QualityQuery>();
  cmd.add_option("route", query->route, "The route (the model name clients send)")->required();
  cmd.add_option("--version", query->version,
                 "Only this version (model/N; default every version judged in the last 24 h)");
  cmd.add_option("--history", query->history, "Windows shown beyond the alert's own (default 24)")
      ->check(CLI::Range(0, kMaxHistory));
  cmd.callback([query, common] {
    const auto client = make_monitor_client(common->client);
    const std::string settings = client->quality_settings();
    print_answer(*common, client->quality(*query),
                 [&settings](const Json& answer) { return render_quality(answer, settings); });
  });
}

}  // namespace slipway::app::monitor_cli
