// slipway feedback rates [--route R] [--version V] [--arm A] [--since 24h] [--until T]
//   [--window 1h]
#include "app/feedback/feedback_commands.h"
#include "app/feedback/render.h"

namespace slipway::app::feedback {

void add_rates_command(CLI::App& feedback, CommonFlagsPtr common) {
  auto args = std::make_shared<RatesRequest>();
  CLI::App* cmd = feedback.add_subcommand(
      "rates", "Thumbs-up share and task completion rate per route, version, arm and window");
  cmd->add_option("--route", args->route, "Only this route (model name)");
  cmd->add_option("--version", args->version, "Only this version");
  cmd->add_option("--arm", args->arm, "Only this arm (stable, canary, shadow)");
  cmd->add_option("--since", args->since, "Answers served since (default 24h ago)")
      ->check(since_validator());
  cmd->add_option("--until", args->until, "Answers served before (default now)")
      ->check(since_validator());
  cmd->add_option("--window", args->window,
                  "Window length (1h, 1d, ...; default one window over the whole range)")
      ->check(duration_validator());
  cmd->callback([args, common] {
    const auto windows = make_feedback_client(common->client)->rates(*args);
    if (common->json) {
      print_json(Json{{"object", "list"}, {"data", windows}});
    } else {
      print_text(render_rates_table(windows));
    }
  });
}

}  // namespace slipway::app::feedback
