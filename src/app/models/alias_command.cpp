// slipway models alias NAME ALIAS VERSION [--reason R] | alias NAME ALIAS --delete [--reason R]
#include <stdexcept>

#include "app/models/model_commands.h"

namespace slipway::app::models {
namespace {

struct AliasArgs {
  std::string name;
  std::string alias;
  std::string version;
  bool remove = false;
  std::string reason;
};

bool all_digits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void run_alias(const AliasArgs& args, const CommonFlags& common) {
  if (args.remove) {
    if (!args.version.empty()) {
      throw std::invalid_argument("alias --delete takes no version");
    }
    auto client = make_client(common.client);
    client->remove_alias(args.name, args.alias, args.reason);
    if (common.json) {
      print_json({{"deleted", true}});
    } else {
      print_text("removed alias " + args.name + "@" + args.alias + "\n");
    }
    return;
  }
  if (args.version.empty()) {
    throw std::invalid_argument("alias needs the version it points to (or --delete)");
  }
  auto client = make_client(common.client);
  // A number, or a label of the same model.
  const int64_t number = all_digits(args.version)
                             ? std::stoll(args.version)
                             : client->get_version(args.name + "/" + args.version).version;
  const registry::Version version = client->set_alias(args.name, args.alias, number, args.reason);
  if (common.json) {
    print_json(registry::to_json(version));
  } else {
    print_text(args.name + "@" + args.alias + " -> " + version.ref() + " (" + version.label +
               ")\n");
  }
}

}  // namespace

void add_alias_command(CLI::App& models, CommonFlagsPtr common) {
  auto args = std::make_shared<AliasArgs>();
  CLI::App* cmd = models.add_subcommand(
      "alias", "Point an alias (production, staging, ...) at a version, or remove it");
  cmd->add_option("name", args->name, "Model name")->required();
  cmd->add_option("alias", args->alias, "Alias name")->required();
  cmd->add_option("version", args->version, "Version number or label to point at");
  cmd->add_flag("--delete", args->remove, "Remove the alias");
  cmd->add_option("--reason", args->reason, "Why, for the history");
  cmd->callback([args, common] { run_alias(*args, *common); });
}

}  // namespace slipway::app::models
