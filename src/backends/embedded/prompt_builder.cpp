#include "backends/embedded/prompt_builder.h"

#include <exception>

#include "backends/embedded/json_fields.h"

namespace slipway::backends {

std::vector<int32_t> chat_prompt_ids(const engine::ModelPackage& package,
                                     const ChatPromptRequest& request) {
  if (!package.has_chat_template()) {
    fail_value("this model has no chat template; use /v1/completions", "messages");
  }
  // The package takes plain json; the ordered copy only kept the client's key order.
  const auto messages = nlohmann::json::parse(request.messages.dump());
  const auto kwargs = nlohmann::json::parse(request.template_kwargs.dump());
  std::string text;
  try {
    text = package.render_chat(messages, request.add_generation_prompt, kwargs);
  } catch (const std::exception& e) {
    fail_value(std::string("the chat template failed on these messages: ") + e.what(), "messages");
  }
  if (request.continue_final_message) {
    const Json& content = request.messages.back()["content"];
    // Templates often trim the content, so the trimmed form is looked for too.
    std::string wanted = content.is_string() ? content.get<std::string>() : std::string();
    for (int attempt = 0; attempt < 2 && !wanted.empty(); ++attempt) {
      const auto at = text.rfind(wanted);
      if (at != std::string::npos) {
        text.resize(at + wanted.size());
        break;
      }
      const auto first = wanted.find_first_not_of(" \t\n\r");
      const auto last = wanted.find_last_not_of(" \t\n\r");
      wanted = first == std::string::npos ? std::string() : wanted.substr(first, last - first + 1);
    }
  }
  return package.tokenizer().encode(text, request.add_special_tokens);
}

std::vector<int32_t> completion_prompt_ids(const engine::ModelPackage& package,
                                           const PromptInput& prompt, bool add_special_tokens) {
  if (const auto* ids = std::get_if<std::vector<int32_t>>(&prompt)) return *ids;
  auto ids = package.tokenizer().encode(std::get<std::string>(prompt), add_special_tokens);
  if (ids.empty()) fail_value("prompt must not be empty", "prompt");
  return ids;
}

}  // namespace slipway::backends
