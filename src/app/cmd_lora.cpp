#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.h"
#include "app/lora/merge_adapter.h"

namespace slipway::app {
namespace {

struct LoraMergeArgs {
  std::string base;
  std::string adapter;
  std::string out;
  int64_t max_rank = engine::LoraLimits{}.max_rank;
};

void register_merge(CLI::App& lora) {
  auto args = std::make_shared<LoraMergeArgs>();
  CLI::App* cmd = lora.add_subcommand(
      "merge", "Fold an adapter into its base and write a plain Hugging Face model folder");
  cmd->add_option("--base", args->base, "Base model folder")->required();
  cmd->add_option("--adapter", args->adapter, "PEFT LoRA adapter folder")->required();
  cmd->add_option("--out", args->out, "Folder to create (must not exist or be empty)")->required();
  cmd->add_option("--max-rank", args->max_rank, "Largest LoRA rank accepted")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20))
      ->capture_default_str();
  cmd->callback([args] {
    engine::LoraLimits limits;
    limits.max_rank = args->max_rank;
    MergeReport report = merge_adapter(args->base, args->adapter, args->out, limits);
    std::printf("merged %lld modules of %s into %s: %s (%lld tensors, %.1f MiB)\n",
                static_cast<long long>(report.modules_merged), args->adapter.c_str(),
                args->base.c_str(), args->out.c_str(),
                static_cast<long long>(report.tensors_written),
                static_cast<double>(report.bytes_written) / (1024.0 * 1024.0));
  });
}

}  // namespace

void register_lora_command(CLI::App& root) {
  CLI::App* lora = root.add_subcommand("lora", "Work with LoRA adapters");
  lora->require_subcommand(1);
  register_merge(*lora);
}

}  // namespace slipway::app
