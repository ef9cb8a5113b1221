#pragma once
// Everything a model folder holds for generation: weights and config, tokenizer, chat
// template and special tokens, and how prompts become token ids.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/model.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"

namespace slipway::engine {

class ModelPackage {
 public:
  static std::shared_ptr<const ModelPackage> load(const std::filesystem::path& folder);

  const Model& model() const { return *model_; }
  std::shared_ptr<const Model> model_ptr() const { return model_; }
  const text::Tokenizer& tokenizer() const { return *tokenizer_; }
  std::shared_ptr<const text::Tokenizer> tokenizer_ptr() const { return tokenizer_; }
  bool has_chat_template() const { return chat_template_ != nullptr; }

  // Plain text, tokenized as Hugging Face does with special tokens added (e.g. a BOS).
  std::vector<int32_t> encode_prompt(const std::string& prompt) const;
  // Renders the chat template (messages, add_generation_prompt, bos/eos tokens and any extra
  // variables such as enable_thinking), then tokenizes without adding special tokens again.
  std::string render_chat(const nlohmann::json& messages, bool add_generation_prompt,
                          const nlohmann::json& extra_variables = nlohmann::json::object()) const;
  std::vector<int32_t> encode_chat(
      const nlohmann::json& messages, bool add_generation_prompt,
      const nlohmann::json& extra_variables = nlohmann::json::object()) const;

  // Ids that end generation: config.json's, generation_config.json's and the tokenizer's
  // eos_token, deduplicated.
  const std::vector<int32_t>& eos_token_ids() const { return eos_token_ids_; }

 private:
  ModelPackage() = default;
  std::shared_ptr<const Model> model_;
  std::shared_ptr<const text::Tokenizer> tokenizer_;
  std::shared_ptr<const text::ChatTemplate> chat_template_;
  text::TokenizerConfig tokenizer_config_;
  std::vector<int32_t> eos_token_ids_;
};

}  // namespace slipway::engine
