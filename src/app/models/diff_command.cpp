// slipway models diff A B
#include "app/models/model_commands.h"
#include "app/models/render.h"

namespace slipway::app::models {
namespace {

struct DiffArgs {
  std::string a;
  std::string b;
};

}  // namespace

void add_diff_command(CLI::App& models, CommonFlagsPtr common) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* cmd = models.add_subcommand(
      "diff", "What differs between two versions: params, metrics, tags, artifacts, lineage");
  cmd->add_option("a", args->a, "First version (name/3, name@alias, name/label, name)")->required();
  cmd->add_option("b", args->b, "Second version")->required();
  cmd->callback([args, common] {
    auto client = make_client(common->client);
    const registry::Json diff = client->diff(args->a, args->b);
    if (common->json) {
      print_json(diff);
    } else {
      print_text(render_diff(diff));
    }
  });
}

}  // namespace slipway::app::models
