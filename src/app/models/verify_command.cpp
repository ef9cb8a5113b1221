// slipway models verify REF [--full]
#include "app/models/model_commands.h"

namespace slipway::app::models {
namespace {

struct VerifyArgs {
  std::string ref;
  bool full = false;
};

void run_verify(const VerifyArgs& args, const CommonFlags& common) {
  auto client = make_client(common.client);
  const registry::Version version = client->get_version(args.ref);
  const int hashed =
      client->verify(version, args.full ? registry::VerifyMode::Full : registry::VerifyMode::Fast);
  const auto files = version.artifacts.size();
  if (common.json) {
    print_json({{"ok", true}, {"ref", version.ref()}, {"files", files}, {"files_hashed", hashed}});
    return;
  }
  if (version.source.kind == registry::SourceKind::Upstream) {
    print_text("ok " + version.ref() + " (upstream: no files to check)\n");
    return;
  }
  print_text("ok " + version.ref() + " (" + std::to_string(files) +
             (files == 1 ? " file, " : " files, ") + std::to_string(hashed) + " hashed)\n");
}

}  // namespace

void add_verify_command(CLI::App& models, CommonFlagsPtr common) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = models.add_subcommand(
      "verify", "Check a version's files against the hashes recorded at registration");
  cmd->add_option("ref", args->ref, "name/3, name@alias, name/label or name")->required();
  cmd->add_flag("--full", args->full,
                "Hash every file (default: trust files whose size and mtime are unchanged)");
  cmd->callback([args, common] { run_verify(*args, *common); });
}

}  // namespace slipway::app::models
