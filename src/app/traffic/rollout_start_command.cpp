// slipway rollout start ROUTE --canary REF [--steps 5,20,50,100] [--min-duration 10m]
//   [--min-requests 100] [--on-gate-fail pause|rollback] [--force] [--reason TEXT]
#include <optional>
#include <vector>

#include "app/traffic/traffic_commands.h"
#include "traffic/route.h"

namespace slipway::app::traffic {
namespace {

struct StartArgs {
  std::string route, canary, min_duration, on_gate_fail, reason;
  std::vector<double> steps;
  std::optional<int64_t> min_requests;
  bool force = false;
};

// Only the flags given go in the body, so the service's defaults apply to the rest.
Json start_body(const StartArgs& args) {
  Json body = {{"canary", args.canary}};
  if (!args.steps.empty()) body["steps"] = args.steps;
  if (!args.min_duration.empty()) body["min_duration"] = args.min_duration;
  if (args.min_requests) body["min_requests"] = *args.min_requests;
  if (!args.on_gate_fail.empty()) body["on_gate_fail"] = args.on_gate_fail;
  if (args.force) body["force"] = true;
  if (!args.reason.empty()) body["reason"] = args.reason;
  return body;
}

// A bad duration is a usage error (exit 2), with the parser's message.
CLI::Validator duration_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          ::slipway::traffic::parse_duration_ms(text);
          return {};
        } catch (const std::exception& e) {
          return e.what();
        }
      },
      "DURATION");
}

}  // namespace

void add_rollout_start_command(CLI::App& rollout, CommonFlagsPtr common) {
  auto args = std::make_shared<StartArgs>();
  CLI::App* cmd = rollout.add_subcommand(
      "start", "Start a staged rollout of a canary version, gated on both arms' figures");
  add_route_argument(*cmd, args->route);
  cmd->add_option("--canary", args->canary, "The version to roll out: model/N, model@alias")
      ->required();
  cmd->add_option("--steps", args->steps,
                  "The canary's weight per step, in percent, the last 100 (default 5,20,50,100)")
      ->delimiter(',');
  cmd->add_option("--min-duration", args->min_duration,
                  "How long each step lasts at least: 30s, 10m, 2h, 1d (default 10m)")
      ->check(duration_check());
  cmd->add_option("--min-requests", args->min_requests,
                  "Answers each arm needs per step before its gates are judged (default 100)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--on-gate-fail", args->on_gate_fail,
                  "What a missed gate does: pause (default) or rollback")
      ->check(CLI::IsMember({"pause", "rollback"}));
  cmd->add_flag("--force", args->force, "Start even when the canary fails its health check");
  cmd->add_option("--reason", args->reason, "Why (kept in the route's events)");
  cmd->callback([args, common] {
    print_answer(*common,
                 make_traffic_client(common->client)->start_rollout(args->route, start_body(*args)),
                 render_rollout_status);
  });
}

}  // namespace slipway::app::traffic
