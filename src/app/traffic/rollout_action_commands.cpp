// slipway rollout promote|pause|resume|abort ROUTE [--reason TEXT]
#include "app/traffic/traffic_commands.h"

namespace slipway::app::traffic {
namespace {

struct ActionArgs {
  std::string route, reason;
};

void add_action(CLI::App& rollout, const CommonFlagsPtr& common, RolloutAction action,
                const std::string& description) {
  auto args = std::make_shared<ActionArgs>();
  CLI::App* cmd = rollout.add_subcommand(action_name(action), description);
  add_route_argument(*cmd, args->route);
  cmd->add_option("--reason", args->reason, "Why (kept in the route's events)");
  cmd->callback([args, common, action] {
    print_answer(
        *common,
        make_traffic_client(common->client)->rollout_action(args->route, action, args->reason),
        render_rollout_status);
  });
}

}  // namespace

void add_rollout_action_commands(CLI::App& rollout, CommonFlagsPtr common) {
  add_action(rollout, common, RolloutAction::Promote,
             "Move to the next step now, gates or not (from the step before 100%: complete)");
  add_action(rollout, common, RolloutAction::Pause, "Hold the rollout at its step");
  add_action(rollout, common, RolloutAction::Resume,
             "Continue a paused rollout (its step is judged on a fresh window)");
  add_action(rollout, common, RolloutAction::Abort,
             "End the rollout: all traffic back to the stable version");
}

}  // namespace slipway::app::traffic
