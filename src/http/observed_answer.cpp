#include "http/observed_answer.h"

#include <string>

namespace slipway::http {

using feedback::Json;

namespace {

// A string member, else `fallback` (bodies an upstream accepted may hold anything).
std::string string_member(const Json& object, const char* key, const std::string& fallback) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : fallback;
}

// A message's content (or a completion's text): a string, or the text parts of an array.
std::string content_text(const Json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (!content.is_array()) return text;
  for (const Json& part : content) {
    if (!part.is_object() || string_member(part, "type", "") != "text") continue;
    const auto found = part.find("text");
    if (found == part.end() || !found->is_string()) continue;
    if (!text.empty()) text += "\n";
    text += found->get<std::string>();
  }
  return text;
}

// A single user message is the prompt as it is; a conversation becomes "role: content" lines,
// so a judge sees who said what.
std::string chat_prompt(const Json& messages) {
  if (!messages.is_array()) return {};
  if (messages.size() == 1 && messages[0].is_object() &&
      string_member(messages[0], "role", "") == "user") {
    return content_text(messages[0].value("content", Json()));
  }
  std::string text;
  for (const Json& message : messages) {
    if (!message.is_object()) continue;
    if (!text.empty()) text += "\n";
    text += string_member(message, "role", "user") + ": " +
            content_text(message.value("content", Json()));
  }
  return text;
}

std::string completion_prompt(const Json& prompt) {
  if (prompt.is_string()) return prompt.get<std::string>();
  if (prompt.is_array() && !prompt.empty() && prompt[0].is_string()) {
    return prompt[0].get<std::string>();
  }
  return {};  // token ids: no text to read
}

}  // namespace

monitor::ObservedAnswer observed_answer(const feedback::LoggedAnswer& answer) {
  monitor::ObservedAnswer observed;
  observed.id = answer.id;
  observed.route = answer.route;
  observed.version = answer.version;
  observed.arm = answer.arm;
  observed.primary_id = answer.primary_id;
  observed.created_ms = answer.created_ms;
  const bool chat = answer.kind == feedback::AnswerKind::Chat;
  observed.prompt = chat ? chat_prompt(answer.request.value("messages", Json()))
                         : completion_prompt(answer.request.value("prompt", Json()));
  if (!answer.choices.empty()) {
    const feedback::LoggedChoice& first = answer.choices.front();
    observed.response = content_text(first.output.value(chat ? "content" : "text", Json()));
    observed.finish_reason = first.finish_reason;
    observed.completion_tokens = first.completion_tokens.value_or(0);
  }
  return observed;
}

}  // namespace slipway::http
