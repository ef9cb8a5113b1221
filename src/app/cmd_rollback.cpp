// slipway rollback ROUTE [--to REF] [--force] [--reason TEXT]: the previous stable version (or
// a named one) serves all of the route's traffic. Through a server (--server) the target is
// health-checked first; directly on a store nothing can check it, so --force is needed.
#include "app/client_flags.h"
#include "app/commands.h"
#include "app/traffic/traffic_commands.h"

namespace slipway::app {
namespace {

struct RollbackArgs {
  std::string route, to, reason;
  bool force = false;
};

traffic::Json rollback_body(const RollbackArgs& args) {
  traffic::Json body = traffic::Json::object();
  if (!args.to.empty()) body["to"] = args.to;
  if (args.force) body["force"] = true;
  if (!args.reason.empty()) body["reason"] = args.reason;
  return body;
}

}  // namespace

void register_rollback_command(CLI::App& root) {
  auto args = std::make_shared<RollbackArgs>();
  CLI::App* cmd = root.add_subcommand(
      "rollback", "Switch a route back to its previous stable version (or --to one) at once");
  const CommonFlagsPtr common = add_client_flags(*cmd, "routes");
  traffic::add_route_argument(*cmd, args->route);
  cmd->add_option("--to", args->to, "The version to go back to (default: the previous stable)");
  cmd->add_flag("--force", args->force, "Switch even when the target fails its health check");
  cmd->add_option("--reason", args->reason, "Why (kept in the route's events)");
  cmd->callback([args, common] {
    print_answer(
        *common,
        traffic::make_traffic_client(common->client)->rollback(args->route, rollback_body(*args)),
        traffic::render_rollback);
  });
}

}  // namespace slipway::app
