#include "feedback/prompt_key.h"

#include <array>
#include <stdexcept>

namespace slipway::feedback {

namespace {

// The message fields that make two prompts the same question.
constexpr std::array<const char*, 5> kMessageFields = {"role", "content", "name", "tool_calls",
                                                       "tool_call_id"};

bool is_text_part(const Json& part) {
  return part.is_object() && part.value("type", Json()) == "text" && part.contains("text") &&
         part["text"].is_string();
}

// Text parts become one string (clients send the same words either way); a list with an image
// or audio part stays as it is.
Json canonical_content(const Json& content) {
  if (!content.is_array()) return content;
  std::string joined;
  for (const Json& part : content) {
    if (!is_text_part(part)) return content;
    joined += part["text"].get_ref<const std::string&>();
  }
  return joined;
}

Json canonical_message(const Json& message, std::size_t index) {
  if (!message.is_object()) {
    throw std::invalid_argument("messages[" + std::to_string(index) + "] is not an object");
  }
  Json canonical = Json::object();
  for (const char* field : kMessageFields) {
    auto it = message.find(field);
    if (it == message.end() || it->is_null()) continue;
    canonical[field] = std::string_view(field) == "content" ? canonical_content(*it) : *it;
  }
  return canonical;
}

Json canonical_chat(const Json& request) {
  auto messages = request.find("messages");
  if (messages == request.end() || !messages->is_array()) {
    throw std::invalid_argument("the request has no \"messages\" list");
  }
  Json canonical = Json::object();
  Json& list = canonical["messages"] = Json::array();
  for (std::size_t i = 0; i < messages->size(); ++i) {
    list.push_back(canonical_message((*messages)[i], i));
  }
  auto tools = request.find("tools");
  if (tools != request.end() && tools->is_array() && !tools->empty()) canonical["tools"] = *tools;
  return canonical;
}

Json canonical_completion(const Json& request) {
  auto prompt = request.find("prompt");
  if (prompt == request.end() || prompt->is_null()) {
    throw std::invalid_argument("the request has no \"prompt\"");
  }
  return Json{{"prompt", *prompt}};
}

}  // namespace

Json canonical_prompt(AnswerKind kind, const Json& request) {
  if (!request.is_object()) throw std::invalid_argument("the request is not a JSON object");
  return kind == AnswerKind::Chat ? canonical_chat(request) : canonical_completion(request);
}

std::string prompt_hash(AnswerKind kind, const Json& canonical) {
  // nlohmann::json keeps object keys sorted, so key order never changes the bytes; invalid
  // UTF-8 is replaced rather than thrown.
  const nlohmann::json sorted = canonical;
  const std::string bytes = sorted.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return std::string(answer_kind_name(kind)) + ":" + sha256_hex(bytes);
}

}  // namespace slipway::feedback
