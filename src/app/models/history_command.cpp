// slipway models history NAME [--version N]
#include "app/models/model_commands.h"
#include "app/models/render.h"

namespace slipway::app::models {
namespace {

struct HistoryArgs {
  std::string name;
  int64_t version = 0;
};

}  // namespace

void add_history_command(CLI::App& models, CommonFlagsPtr common) {
  auto args = std::make_shared<HistoryArgs>();
  CLI::App* cmd = models.add_subcommand(
      "history", "The audit trail of a model: registrations, aliases, stages (oldest first)");
  cmd->add_option("name", args->name, "Model name")->required();
  cmd->add_option("--version", args->version, "Only this version's events")
      ->check(CLI::PositiveNumber);
  cmd->callback([args, common] {
    auto client = make_client(common->client);
    const auto events = client->history(args->name, args->version);
    if (common->json) {
      print_json(json_list(events));
    } else {
      print_text(render_history(events));
    }
  });
}

}  // namespace slipway::app::models
