#pragma once
// Renders a tokenizer_config.json chat_template (Jinja) as Hugging Face's apply_chat_template
// does, byte for byte, for the templates of Llama 3/3.1, Qwen3, Gemma 3, DeepSeek V3 and alike.
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace slipway::text {

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ChatTemplate {
 public:
  // Parses once; throws TemplateError (with line/column) on a syntax error.
  static std::shared_ptr<const ChatTemplate> parse(const std::string& source,
                                                   const std::string& source_name);
  virtual ~ChatTemplate() = default;

  // context holds messages, add_generation_prompt, bos_token, eos_token, tools, and any extra
  // variables (e.g. enable_thinking). raise_exception() and runtime errors throw TemplateError.
  virtual std::string render(const nlohmann::json& context) const = 0;
  // Same, keeping the context's object key order (nlohmann::json sorts keys), which tojson
  // output depends on; integer-like keys still come first, as in a JavaScript object.
  virtual std::string render_ordered(const nlohmann::ordered_json& context) const = 0;
};

// What tokenizer_config.json says about chat and special tokens.
struct TokenizerConfig {
  std::optional<std::string> chat_template;  // the default one when a list of named templates
  std::optional<std::string> bos_token;
  std::optional<std::string> eos_token;
  std::optional<std::string> pad_token;
  std::optional<std::string> unk_token;
  std::optional<bool> add_bos_token;
  std::optional<bool> add_eos_token;
};
TokenizerConfig load_tokenizer_config(const std::filesystem::path& path);  // missing file: empty

}  // namespace slipway::text
