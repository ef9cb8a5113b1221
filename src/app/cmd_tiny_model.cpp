#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.h"
#include "app/tiny_model/tiny_model.h"

namespace slipway::app {
namespace {

struct TinyModelArgs {
  std::string out;
  std::string arch;
  std::string preset = "tiny";
  std::string dtype;
  uint64_t seed = 0;
};

}  // namespace

void register_tiny_model_command(CLI::App& root) {
  auto args = std::make_shared<TinyModelArgs>();
  CLI::App* cmd = root.add_subcommand(
      "tiny-model", "Write a random-weight model folder in the Hugging Face layout");
  cmd->add_option("out", args->out, "Folder to write (created if missing)")->required();
  cmd->add_option("--arch", args->arch, "Architecture")
      ->required()
      ->check(CLI::IsMember({"llama", "mistral", "qwen2", "qwen3"}));
  cmd->add_option("--preset", args->preset,
                  "Shapes: tiny (a few MB), smol135 (SmolLM2-135M), llama1b (Llama-3.2-1B)")
      ->check(CLI::IsMember({"tiny", "smol135", "llama1b"}))
      ->capture_default_str();
  cmd->add_option("--dtype", args->dtype, "Weight dtype (default: f32 for tiny, else bf16)")
      ->check(CLI::IsMember({"f32", "f16", "bf16"}));
  cmd->add_option("--seed", args->seed, "Seed of the random weights")->capture_default_str();
  cmd->callback([args] {
    TinyModelOptions options;
    options.architecture = *parse_architecture(args->arch);
    options.preset = *parse_preset(args->preset);
    if (!args->dtype.empty()) options.dtype = parse_dtype_flag(args->dtype);
    options.seed = args->seed;
    write_tiny_model(args->out, options);
    std::printf("wrote %s (%s, %s)\n", args->out.c_str(), args->arch.c_str(), args->preset.c_str());
  });
}

}  // namespace slipway::app
