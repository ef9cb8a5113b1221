// slipway routes create ROUTE --stable REF [--shadow REF]... [--fallback REF] [--reason TEXT]
#include <vector>

#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {
namespace {

struct CreateArgs {
  std::string route, stable, fallback, reason;
  std::vector<std::string> shadows;
};

Json create_body(const CreateArgs& args) {
  Json body = {{"name", args.route}, {"stable", args.stable}};
  if (!args.shadows.empty()) body["shadows"] = args.shadows;
  if (!args.fallback.empty()) body["fallback"] = args.fallback;
  if (!args.reason.empty()) body["reason"] = args.reason;
  return body;
}

}  // namespace

void add_routes_create_command(CLI::App& routes, CommonFlagsPtr common) {
  auto args = std::make_shared<CreateArgs>();
  CLI::App* cmd = routes.add_subcommand(
      "create", "Create a route serving one version (aliases are pinned to model/N)");
  add_route_argument(*cmd, args->route);
  cmd->add_option("--stable", args->stable, "The version that serves it: model/N, model@alias")
      ->required();
  cmd->add_option("--shadow", args->shadows,
                  "A version that gets a logged copy of each request (repeatable)");
  cmd->add_option("--fallback", args->fallback,
                  "A version that answers while the picked one is not loaded");
  cmd->add_option("--reason", args->reason, "Why (kept in the route's events)");
  cmd->callback([args, common] {
    print_answer(*common, make_traffic_client(common->client)->create_route(create_body(*args)),
                 [](const Json& route) { return "created " + render_route_summary(route) + "\n"; });
  });
}

}  // namespace slipway::app::traffic
