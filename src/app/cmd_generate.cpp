// slipway generate: stream a completion of a prompt or a chat from a model folder.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "app/commands.h"
#include "engine/compute_pool.h"
#include "engine/generation.h"
#include "engine/model_package.h"
#include "engine/sampling_defaults.h"

namespace slipway::app {
namespace {

struct GenerateOptions {
  std::string model;
  std::string prompt;
  std::string chat;
  int64_t max_tokens = 256;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int64_t> top_k;
  std::optional<uint64_t> seed;
  int threads = 0;
};

nlohmann::json parse_chat(const std::string& chat) {
  auto messages = nlohmann::json::parse(chat, nullptr, false);
  if (messages.is_discarded() || !messages.is_array() || messages.empty()) {
    throw std::invalid_argument("--chat must be a non-empty JSON array of messages");
  }
  for (const auto& message : messages) {
    if (!message.is_object() || !message.contains("role") || !message["role"].is_string()) {
      throw std::invalid_argument("--chat: every message needs a \"role\" string");
    }
  }
  return messages;
}

void run_generate(const GenerateOptions& options) {
  auto package = engine::ModelPackage::load(options.model);
  const auto prompt = options.chat.empty() ? package->encode_prompt(options.prompt)
                                           : package->encode_chat(parse_chat(options.chat), true);

  engine::SamplingOverrides overrides{options.temperature, options.top_p, options.top_k,
                                      options.seed};
  engine::SamplingParams params =
      engine::sampling_params_for(package->model().generation_defaults(), overrides);
  params.max_tokens = options.max_tokens;

  engine::ComputePool pool(options.threads);
  auto result = engine::generate(*package, pool, prompt, params, [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  });
  std::fputc('\n', stdout);
  std::fflush(stdout);  // the report on stderr follows the text, also when both are piped
  const auto generated = static_cast<double>(result.tokens.size());
  std::fprintf(
      stderr,
      "prompt: %lld tokens, %.1f tokens/s | generation: %zu tokens, %.1f tokens/s | "
      "finish: %s | threads: %d\n",
      static_cast<long long>(result.prompt_tokens),
      result.prefill_seconds > 0 ? result.prompt_tokens / result.prefill_seconds : 0.0,
      result.tokens.size(),
      result.decode_seconds > 0 && generated > 1 ? (generated - 1) / result.decode_seconds : 0.0,
      std::string(engine::finish_reason_name(result.finish_reason)).c_str(), pool.threads());
}

}  // namespace

void register_generate_command(CLI::App& root) {
  auto options = std::make_shared<GenerateOptions>();
  auto* cmd =
      root.add_subcommand("generate", "Generate text from a model folder, streamed to stdout");
  cmd->add_option("--model", options->model, "Hugging Face model folder")
      ->required()
      ->check(CLI::ExistingDirectory);
  auto* prompt =
      cmd->add_option("--prompt", options->prompt, "Prompt text (special tokens added as HF does)");
  auto* chat =
      cmd->add_option("--chat", options->chat,
                      "Chat messages as a JSON array, rendered with the model's chat template");
  prompt->excludes(chat);
  cmd->add_option("--max-tokens", options->max_tokens, "Maximum tokens to generate")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  cmd->add_option("--temperature", options->temperature,
                  "0 for greedy; default from generation_config.json")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--top-p", options->top_p, "Nucleus sampling mass")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--top-k", options->top_k, "Keep the k most likely tokens (0: all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  cmd->add_option("--seed", options->seed, "Random seed: the same seed gives the same output");
  cmd->add_option("--threads", options->threads, "Compute threads (0: one per core)")
      ->check(CLI::Range(0, 1024));
  cmd->callback([options, cmd, prompt, chat] {
    if (prompt->count() == 0 && chat->count() == 0) {
      throw CLI::RequiredError("--prompt or --chat");
    }
    run_generate(*options);
  });
}

}  // namespace slipway::app
