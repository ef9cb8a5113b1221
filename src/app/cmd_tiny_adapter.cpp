#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/tiny_model/tiny_adapter.h"
#include "app/tiny_model/tiny_model.h"

namespace slipway::app {
namespace {

struct TinyAdapterArgs {
  std::string out;
  std::string base;
  TinyAdapterOptions options;
  std::string targets = "q_proj,k_proj,v_proj,o_proj";
  std::string dtype = "f32";
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (true) {
    std::size_t end = text.find(',', begin);
    parts.push_back(text.substr(begin, end - begin));
    if (end == std::string::npos) return parts;
    begin = end + 1;
  }
}

// A target list is "all" or distinct module names; checked while parsing so a typo is a
// usage error like any other bad flag.
std::string check_targets(const std::string& text) {
  static const std::vector<std::string> known = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                 "gate_proj", "up_proj", "down_proj"};
  if (text == "all") return {};
  auto parts = split_commas(text);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    bool is_known = false;
    for (const auto& name : known) is_known = is_known || parts[i] == name;
    if (!is_known) {
      return "unknown target \"" + parts[i] +
             "\" (expected all, or a comma-separated list of q_proj, k_proj, v_proj, o_proj, "
             "gate_proj, up_proj, down_proj)";
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (parts[j] == parts[i]) return "target \"" + parts[i] + "\" given twice";
    }
  }
  return {};
}

}  // namespace

void register_tiny_adapter_command(CLI::App& root) {
  auto args = std::make_shared<TinyAdapterArgs>();
  CLI::App* cmd = root.add_subcommand(
      "tiny-adapter", "Write a random LoRA adapter (PEFT layout) for a model folder");
  cmd->add_option("out", args->out, "Folder to write (created if missing)")->required();
  cmd->add_option("--base", args->base, "Model folder the adapter is shaped for")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--rank", args->options.rank, "LoRA rank r")
      ->check(CLI::Range(int64_t{1}, int64_t{4096}))
      ->capture_default_str();
  cmd->add_option("--alpha", args->options.alpha, "lora_alpha")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--targets", args->targets,
                  "Comma-separated modules (q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,"
                  "down_proj) or all")
      ->check(CLI::Validator(check_targets, "TARGETS"))
      ->capture_default_str();
  cmd->add_option("--dtype", args->dtype, "Dtype of the A and B matrices")
      ->check(CLI::IsMember({"f32", "f16", "bf16"}))
      ->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "Seed of the random matrices")
      ->capture_default_str();
  cmd->add_flag("--rslora", args->options.use_rslora, "use_rslora: scale alpha / sqrt(r)");
  cmd->add_flag("--default-suffix", args->options.default_suffix,
                "Tensor names with \".default\" (as older PEFT versions save them)");
  cmd->callback([args] {
    TinyAdapterOptions options = args->options;
    options.targets = split_commas(args->targets);
    options.dtype = *parse_dtype_flag(args->dtype);
    write_tiny_adapter(args->out, args->base, options);
    std::printf("wrote %s (LoRA r=%lld for %s)\n", args->out.c_str(),
                static_cast<long long>(options.rank), args->base.c_str());
  });
}

}  // namespace slipway::app
