// slipway routes update ROUTE [--shadow REF]... [--no-shadows] [--fallback REF] [--no-fallback]
//   [--reason TEXT]
#include <vector>

#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {
namespace {

struct UpdateArgs {
  std::string route, fallback, reason;
  std::vector<std::string> shadows;
  bool no_shadows = false, no_fallback = false;
};

// Only what the flags name changes; null clears.
Json update_body(const UpdateArgs& args) {
  Json body = Json::object();
  if (!args.shadows.empty()) body["shadows"] = args.shadows;
  if (args.no_shadows) body["shadows"] = nullptr;
  if (!args.fallback.empty()) body["fallback"] = args.fallback;
  if (args.no_fallback) body["fallback"] = nullptr;
  if (body.empty()) {
    throw CLI::ValidationError(
        "routes update: nothing to change: give --shadow, --no-shadows, --fallback or "
        "--no-fallback");
  }
  if (!args.reason.empty()) body["reason"] = args.reason;
  return body;
}

}  // namespace

void add_routes_update_command(CLI::App& routes, CommonFlagsPtr common) {
  auto args = std::make_shared<UpdateArgs>();
  CLI::App* cmd = routes.add_subcommand(
      "update",
      "Change a route's shadows or fallback (its stable version changes through "
      "rollouts and rollback)");
  add_route_argument(*cmd, args->route);
  CLI::Option* shadow = cmd->add_option("--shadow", args->shadows,
                                        "Replace the shadows by these versions (repeatable)");
  cmd->add_flag("--no-shadows", args->no_shadows, "Remove every shadow")->excludes(shadow);
  CLI::Option* fallback = cmd->add_option("--fallback", args->fallback, "Set the fallback version");
  cmd->add_flag("--no-fallback", args->no_fallback, "Remove the fallback")->excludes(fallback);
  cmd->add_option("--reason", args->reason, "Why (kept in the route's events)");
  cmd->callback([args, common] {
    const Json body = update_body(*args);
    print_answer(*common, make_traffic_client(common->client)->update_route(args->route, body),
                 [](const Json& route) { return "updated " + render_route_summary(route) + "\n"; });
  });
}

}  // namespace slipway::app::traffic
