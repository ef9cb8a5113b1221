#include "backends/embedded/chat_request.h"

#include "backends/embedded/json_fields.h"
#include "backends/embedded/unsupported_fields.h"

namespace slipway::backends {
namespace {

// A message's content as the template expects it: a string, or null for an assistant turn.
Json normalize_content(const Json& message, const std::string& role, std::size_t index) {
  const std::string param = "messages[" + std::to_string(index) + "].content";
  auto it = message.find("content");
  if (it == message.end() || it->is_null()) {
    if (role == "assistant") return Json();
    fail_value(param + " is required for role '" + role + "'", "messages");
  }
  if (it->is_string()) return *it;
  if (!it->is_array()) fail_type(param, "a string or an array of content parts");
  std::string joined;
  bool first = true;
  for (const Json& part : *it) {
    if (!part.is_object()) fail_type(param, "an array of content parts");
    auto type = part.find("type");
    if (type == part.end() || !type->is_string()) fail_type(param + ".type", "a string");
    if (*type != "text") {
      fail_value("content parts of type '" + type->get<std::string>() +
                     "' are not supported by the embedded engine",
                 "messages");
    }
    auto text = part.find("text");
    if (text == part.end() || !text->is_string()) fail_type(param + ".text", "a string");
    if (!first) joined += "\n";
    joined += text->get<std::string>();
    first = false;
  }
  return joined;
}

// The roles OpenAI accepts; a template would otherwise render an unknown one silently.
bool known_role(const std::string& role) {
  return role == "system" || role == "developer" || role == "user" || role == "assistant" ||
         role == "tool" || role == "function";
}

}  // namespace

ChatPromptRequest parse_chat_prompt(const Json& body) {
  ChatPromptRequest out;
  const Json* messages = find_field(body, "messages");
  if (messages == nullptr) fail_value("messages is required", "messages");
  if (!messages->is_array()) fail_type("messages", "an array of messages");
  if (messages->empty()) fail_value("messages must not be empty", "messages");
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const Json& message = (*messages)[i];
    const std::string where = "messages[" + std::to_string(i) + "]";
    if (!message.is_object()) fail_type(where, "an object");
    auto role = message.find("role");
    if (role == message.end() || role->is_null())
      fail_value(where + ".role is required", "messages");
    if (!role->is_string()) fail_type(where + ".role", "a string");
    if (!known_role(role->get<std::string>()))
      fail_value(where + ".role must be one of system, developer, user, assistant, tool (got '" +
                     role->get<std::string>() + "')",
                 "messages");
    Json normalized = message;  // other keys (name, tool_calls, ...) go to the template as sent
    normalized["content"] = normalize_content(message, role->get<std::string>(), i);
    out.messages.push_back(std::move(normalized));
  }
  out.continue_final_message = get_bool(body, "continue_final_message").value_or(false);
  // As vLLM: continuing the last message implies no new generation prompt by default.
  const auto add_generation_prompt = get_bool(body, "add_generation_prompt");
  out.add_generation_prompt = add_generation_prompt.value_or(!out.continue_final_message);
  if (out.continue_final_message && out.add_generation_prompt) {
    fail_value("continue_final_message and add_generation_prompt cannot both be true",
               "continue_final_message");
  }
  if (const Json* kwargs = find_field(body, "chat_template_kwargs")) {
    if (!kwargs->is_object()) fail_type("chat_template_kwargs", "an object");
    out.template_kwargs = *kwargs;
  }
  out.add_special_tokens = get_bool(body, "add_special_tokens").value_or(false);
  return out;
}

ChatRequest parse_chat_request(const Json& body, const ModelLimits& limits) {
  reject_unsupported_fields(body, Endpoint::ChatCompletions);
  ChatRequest out;
  out.prompt = parse_chat_prompt(body);
  out.sampling = parse_sampling_request(body, Endpoint::ChatCompletions, limits);
  return out;
}

}  // namespace slipway::backends
