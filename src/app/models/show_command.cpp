// slipway models show REF
#include "app/models/model_commands.h"
#include "app/models/render.h"

namespace slipway::app::models {

void add_show_command(CLI::App& models, CommonFlagsPtr common) {
  auto ref = std::make_shared<std::string>();
  CLI::App* cmd = models.add_subcommand("show", "Show every field of a version");
  cmd->add_option("ref", *ref, "name/3, name@alias, name/label or name (latest)")->required();
  cmd->callback([ref, common] {
    auto client = make_client(common->client);
    const registry::Version version = client->get_version(*ref);
    if (common->json) {
      print_json(registry::to_json(version));
    } else {
      print_text(render_version(version));
    }
  });
}

}  // namespace slipway::app::models
