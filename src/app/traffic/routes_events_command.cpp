// slipway routes events ROUTE [--limit N]
#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {
namespace {

struct EventsArgs {
  std::string route;
  int limit = 100;
};

}  // namespace

void add_routes_events_command(CLI::App& routes, CommonFlagsPtr common) {
  auto args = std::make_shared<EventsArgs>();
  CLI::App* cmd = routes.add_subcommand(
      "events", "A route's audit trail, newest first: time, kind, actor, reason");
  add_route_argument(*cmd, args->route);
  cmd->add_option("--limit", args->limit, "At most this many events (default 100)")
      ->check(CLI::Range(1, 1000));
  cmd->callback([args, common] {
    print_answer(*common, make_traffic_client(common->client)->events(args->route, args->limit),
                 render_events_table);
  });
}

}  // namespace slipway::app::traffic
