#include <fstream>
#include <sstream>

#include "text/chat_template.h"

namespace slipway::text {
namespace {

// Special tokens appear either as plain strings or as {"content": ...} AddedToken objects.
std::optional<std::string> token_text(const nlohmann::json& config, const char* key) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
    return (*it)["content"].get<std::string>();
  }
  return std::nullopt;
}

std::optional<bool> flag(const nlohmann::json& config, const char* key) {
  auto it = config.find(key);
  if (it == config.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

// chat_template is a string, or a list of {name, template} where "default" is the one to use.
std::optional<std::string> default_template(const nlohmann::json& config,
                                            const std::string& source) {
  auto it = config.find("chat_template");
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    for (const auto& entry : *it) {
      if (entry.is_object() && entry.value("name", "") == "default" && entry.contains("template") &&
          entry["template"].is_string()) {
        return entry["template"].get<std::string>();
      }
    }
    return std::nullopt;
  }
  throw TemplateError(source + ": chat_template must be a string or a list of named templates");
}

}  // namespace

TokenizerConfig load_tokenizer_config(const std::filesystem::path& path) {
  TokenizerConfig result;
  std::ifstream in(path, std::ios::binary);
  if (!in) return result;
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json config = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (config.is_discarded() || !config.is_object()) {
    throw TemplateError(path.string() + ": not a valid JSON object");
  }
  result.chat_template = default_template(config, path.string());
  result.bos_token = token_text(config, "bos_token");
  result.eos_token = token_text(config, "eos_token");
  result.pad_token = token_text(config, "pad_token");
  result.unk_token = token_text(config, "unk_token");
  result.add_bos_token = flag(config, "add_bos_token");
  result.add_eos_token = flag(config, "add_eos_token");
  return result;
}

}  // namespace slipway::text
