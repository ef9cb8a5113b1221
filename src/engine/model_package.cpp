#include "engine/model_package.h"

#include <algorithm>

#include "engine/format/format_error.h"

namespace slipway::engine {
namespace {

void add_unique(std::vector<int32_t>& ids, int64_t id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(static_cast<int32_t>(id));
}

}  // namespace

std::shared_ptr<const ModelPackage> ModelPackage::load(const std::filesystem::path& folder) {
  if (!std::filesystem::is_directory(folder)) {
    throw FormatError(folder.string() + ": not a model folder");
  }
  auto package = std::shared_ptr<ModelPackage>(new ModelPackage());
  package->model_ = Model::load(folder);
  const auto tokenizer_path = folder / "tokenizer.json";
  if (!std::filesystem::exists(tokenizer_path)) {
    throw FormatError(tokenizer_path.string() +
                      ": missing (the embedded engine needs tokenizer.json)");
  }
  package->tokenizer_ = text::Tokenizer::from_file(tokenizer_path);
  // Ids past the embedding table would only fail later, mid-request.
  if (package->tokenizer_->vocab_size() > package->model_->config().vocab_size) {
    throw FormatError(
        tokenizer_path.string() + ": has " + std::to_string(package->tokenizer_->vocab_size()) +
        " tokens but config.json's vocab_size is " +
        std::to_string(package->model_->config().vocab_size) + " (a tokenizer of another model?)");
  }
  const auto config_path = folder / "tokenizer_config.json";
  package->tokenizer_config_ = text::load_tokenizer_config(config_path);
  if (package->tokenizer_config_.chat_template) {
    package->chat_template_ =
        text::ChatTemplate::parse(*package->tokenizer_config_.chat_template, config_path.string());
  }

  const ModelConfig& config = package->model_->config();
  for (int64_t id : config.eos_token_ids) add_unique(package->eos_token_ids_, id);
  for (int64_t id : package->model_->generation_defaults().eos_token_ids) {
    add_unique(package->eos_token_ids_, id);
  }
  if (package->tokenizer_config_.eos_token) {
    if (auto id = package->tokenizer_->token_to_id(*package->tokenizer_config_.eos_token)) {
      add_unique(package->eos_token_ids_, *id);
    }
  }
  return package;
}

std::vector<int32_t> ModelPackage::encode_prompt(const std::string& prompt) const {
  return tokenizer_->encode(prompt, /*add_special_tokens=*/true);
}

std::string ModelPackage::render_chat(const nlohmann::json& messages, bool add_generation_prompt,
                                      const nlohmann::json& extra_variables) const {
  if (!chat_template_) {
    throw text::TemplateError(model_->folder().string() +
                              ": the model has no chat_template in tokenizer_config.json");
  }
  nlohmann::json context = extra_variables.is_object() ? extra_variables : nlohmann::json::object();
  context["messages"] = messages;
  context["add_generation_prompt"] = add_generation_prompt;
  context["bos_token"] = tokenizer_config_.bos_token.value_or("");
  context["eos_token"] = tokenizer_config_.eos_token.value_or("");
  return chat_template_->render(context);
}

std::vector<int32_t> ModelPackage::encode_chat(const nlohmann::json& messages,
                                               bool add_generation_prompt,
                                               const nlohmann::json& extra_variables) const {
  // The template writes BOS itself; HF's apply_chat_template tokenizes without special tokens.
  return tokenizer_->encode(render_chat(messages, add_generation_prompt, extra_variables),
                            /*add_special_tokens=*/false);
}

}  // namespace slipway::engine
