// slipway models stage REF STAGE --reason R
#include <stdexcept>

#include "app/models/model_commands.h"

namespace slipway::app::models {
namespace {

struct StageArgs {
  std::string ref;
  std::string stage;
  std::string reason;
};

void run_stage(const StageArgs& args, const CommonFlags& common) {
  const registry::Stage stage = registry::stage_from_string(args.stage);
  if (args.reason.empty()) {
    throw std::invalid_argument("stage needs --reason: say why, for the history");
  }
  auto client = make_client(common.client);
  const registry::Version before = client->get_version(args.ref);
  const registry::Version after =
      client->set_stage(before.model, before.version, stage, args.reason);
  if (common.json) {
    print_json(registry::to_json(after));
  } else {
    print_text(after.ref() + ": " + registry::to_string(before.stage) + " -> " +
               registry::to_string(after.stage) + "\n");
  }
}

}  // namespace

void add_stage_command(CLI::App& models, CommonFlagsPtr common) {
  auto args = std::make_shared<StageArgs>();
  CLI::App* cmd = models.add_subcommand(
      "stage", "Move a version to candidate, staging, production or archived");
  cmd->add_option("ref", args->ref, "name/3, name@alias, name/label or name")->required();
  cmd->add_option("stage", args->stage, "candidate, staging, production or archived")->required();
  cmd->add_option("--reason", args->reason, "Why (required), for the history");
  cmd->callback([args, common] { run_stage(*args, *common); });
}

}  // namespace slipway::app::models
