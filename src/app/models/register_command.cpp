// slipway models register NAME (--path DIR [--lora-base NAME/VER] | --upstream URL ...)
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "app/models/git_commit.h"
#include "app/models/key_values.h"
#include "app/models/model_commands.h"
#include "app/models/render.h"

namespace slipway::app::models {
namespace {

struct RegisterArgs {
  std::string name;
  std::string path;
  std::string lora_base;
  std::string upstream;
  std::string upstream_model;
  std::string api_key_env;
  std::optional<std::string> label;
  std::vector<std::string> params;
  std::string params_file;
  std::vector<std::string> metrics;
  std::string metrics_file;
  std::vector<std::string> tags;
  std::string description;
  std::optional<std::string> git_commit;
  std::string parent;
  std::string dataset;
};

registry::Source source_of(const RegisterArgs& args) {
  registry::Source source;
  if (args.path.empty() == args.upstream.empty()) {
    throw std::invalid_argument(
        "register needs exactly one of --path DIR (a model folder or LoRA adapter) and "
        "--upstream URL");
  }
  if (!args.path.empty()) {
    if (!args.upstream_model.empty() || !args.api_key_env.empty()) {
      throw std::invalid_argument("--upstream-model and --api-key-env go with --upstream");
    }
    source.kind =
        args.lora_base.empty() ? registry::SourceKind::Embedded : registry::SourceKind::Lora;
    source.path = std::filesystem::absolute(args.path).lexically_normal();
    source.base = args.lora_base;
    return source;
  }
  if (!args.lora_base.empty()) throw std::invalid_argument("--lora-base goes with --path");
  source.kind = registry::SourceKind::Upstream;
  source.url = args.upstream;
  source.upstream_model = args.upstream_model;
  source.api_key_env = args.api_key_env;
  return source;
}

void run_register(const RegisterArgs& args, const CommonFlags& common) {
  registry::RegisterRequest request;
  request.model = args.name;
  request.label = args.label;
  request.source = source_of(args);
  request.params = build_params(args.params_file, args.params);
  request.metrics = build_metrics(args.metrics_file, args.metrics);
  request.tags = build_tags(args.tags);
  request.description = args.description;
  if (args.git_commit) {
    request.git_commit = *args.git_commit;
  } else {
    request.git_commit = detect_git_commit(std::filesystem::current_path());
    // The registry records SHA-1 ids; a SHA-256 repository's HEAD is left out, not refused.
    if (request.git_commit.size() > 40) request.git_commit.clear();
  }
  request.parent = args.parent;
  request.dataset = args.dataset;

  auto client = make_client(common.client);
  const registry::RegisterResult result = client->register_version(request);
  if (common.json) {
    print_json({{"created", result.created}, {"version", registry::to_json(result.version)}});
  } else {
    print_text(render_registered(result.version, result.created));
  }
}

}  // namespace

void add_register_command(CLI::App& models, CommonFlagsPtr common) {
  auto args = std::make_shared<RegisterArgs>();
  CLI::App* cmd = models.add_subcommand(
      "register", "Register a new version of a model (the model is created on first use)");
  cmd->add_option("name", args->name, "Model name")->required();
  cmd->add_option("--path", args->path, "Model folder (config.json + *.safetensors) or adapter");
  cmd->add_option("--lora-base", args->lora_base,
                  "With --path: the folder is a LoRA adapter over this version (NAME/VER)");
  cmd->add_option("--upstream", args->upstream, "An OpenAI-compatible server's base URL");
  cmd->add_option("--upstream-model", args->upstream_model,
                  "With --upstream: the model name the upstream knows it by");
  cmd->add_option("--api-key-env", args->api_key_env,
                  "With --upstream: environment variable holding the upstream's key");
  cmd->add_option("--label", args->label,
                  "Unique label (default: {base_model}-{dataset_version}-{date})");
  cmd->add_option("--param", args->params, "Training parameter k=v (JSON value or text)")
      ->allow_extra_args(false);
  cmd->add_option("--params-file", args->params_file, "JSON object of parameters");
  cmd->add_option("--metric", args->metrics, "Evaluation metric k=number")->allow_extra_args(false);
  cmd->add_option("--metrics-file", args->metrics_file, "JSON object of metrics");
  cmd->add_option("--tag", args->tags, "Tag k=v")->allow_extra_args(false);
  cmd->add_option("--description", args->description, "Free text");
  cmd->add_option("--git-commit", args->git_commit,
                  "Commit of the training code (default: HEAD of the repository around the "
                  "current folder, if any)");
  cmd->add_option("--parent", args->parent, "The version it was trained from (NAME/VER)");
  cmd->add_option("--dataset", args->dataset, "Dataset export id or URI it was trained on");
  cmd->callback([args, common] { run_register(*args, *common); });
}

}  // namespace slipway::app::models
