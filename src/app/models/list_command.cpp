// slipway models list [NAME] [--stage S] [--tag K[=V]]
#include <stdexcept>

#include "app/models/model_commands.h"
#include "app/models/render.h"

namespace slipway::app::models {
namespace {

struct ListArgs {
  std::string name;
  std::string stage;
  std::string tag;
};

void run_list(const ListArgs& args, const CommonFlags& common) {
  if (args.name.empty()) {
    if (!args.stage.empty() || !args.tag.empty()) {
      throw std::invalid_argument("--stage and --tag filter one model's versions: give its name");
    }
    auto client = make_client(common.client);
    const auto models = client->list_models();
    if (common.json) {
      print_json(json_list(models));
    } else {
      print_text(render_model_table(models));
    }
    return;
  }
  registry::ListFilter filter;
  if (!args.stage.empty()) filter.stage = registry::stage_from_string(args.stage);
  if (!args.tag.empty()) {
    const auto eq = args.tag.find('=');
    filter.tag_key = args.tag.substr(0, eq);
    if (eq != std::string::npos) filter.tag_value = args.tag.substr(eq + 1);
  }
  auto client = make_client(common.client);
  const auto versions = client->list_versions(args.name, filter);
  if (common.json) {
    print_json(json_list(versions));
  } else {
    print_text(render_version_table(versions));
  }
}

}  // namespace

void add_list_command(CLI::App& models, CommonFlagsPtr common) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* cmd =
      models.add_subcommand("list", "List the models, or with a name that model's versions");
  cmd->add_option("name", args->name, "Model name: list its versions");
  cmd->add_option("--stage", args->stage, "Only versions in this stage");
  cmd->add_option("--tag", args->tag, "Only versions with this tag (KEY or KEY=VALUE)");
  cmd->callback([args, common] { run_list(*args, *common); });
}

}  // namespace slipway::app::models
