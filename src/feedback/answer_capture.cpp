#include "feedback/answer_capture.h"

namespace slipway::feedback {

namespace {

// More choices than any client asks for: an index beyond is garbage, not a choice to keep.
constexpr int64_t kMaxChoices = 128;

const Json* member(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const std::string* string_member(const Json& object, const char* key) {
  const Json* value = member(object, key);
  return value != nullptr && value->is_string() ? &value->get_ref<const std::string&>() : nullptr;
}

// A choice's or tool call's "index"; `fallback` when absent (servers that omit it for n = 1),
// nullopt when it is not a small non-negative integer.
std::optional<int> index_of(const Json& object, int fallback) {
  const Json* index = member(object, "index");
  if (index == nullptr) return fallback;
  if (!index->is_number_integer()) return std::nullopt;
  const auto value = index->get<int64_t>();
  if (value < 0 || value >= kMaxChoices) return std::nullopt;
  return static_cast<int>(value);
}

// Calls visit(index, element) for each object of `array` (a member that may be absent) whose
// index is usable; elements without "index" take their position.
template <class Visit>
void for_each_indexed(const Json* array, Visit&& visit) {
  if (array == nullptr || !array->is_array()) return;
  int position = 0;
  for (const Json& element : *array) {
    const auto index = element.is_object() ? index_of(element, position) : std::nullopt;
    ++position;
    if (index) visit(*index, element);
  }
}

void set_once(std::string& field, const std::string* value) {
  if (value != nullptr && field.empty()) field = *value;
}

}  // namespace

void AnswerCapture::add_chunk(const Json& chunk) {
  if (!chunk.is_object()) return;
  read_usage(chunk);
  for_each_indexed(member(chunk, "choices"), [this](int index, const Json& choice) {
    Partial& partial = choices_[index];
    if (kind_ == AnswerKind::Chat) {
      const Json* delta = member(choice, "delta");
      if (delta != nullptr && delta->is_object()) add_delta(partial, *delta);
    } else if (const std::string* text = string_member(choice, "text")) {
      partial.text += *text;
    }
    read_finish_reason(partial, choice);
  });
}

void AnswerCapture::set_response(const Json& response) {
  if (!response.is_object()) return;
  read_usage(response);
  for_each_indexed(member(response, "choices"), [this](int index, const Json& choice) {
    Partial& partial = choices_[index];
    if (kind_ == AnswerKind::Chat) {
      const Json* message = member(choice, "message");
      if (message != nullptr && message->is_object()) partial.whole_message = *message;
    } else if (const std::string* text = string_member(choice, "text")) {
      partial.text = *text;
    }
    read_finish_reason(partial, choice);
  });
}

std::vector<LoggedChoice> AnswerCapture::choices() const {
  std::vector<LoggedChoice> out;
  out.reserve(choices_.size());
  for (const auto& [index, partial] : choices_) {
    LoggedChoice choice;
    choice.index = index;
    choice.output = kind_ == AnswerKind::Chat ? chat_output(partial) : Json{{"text", partial.text}};
    choice.finish_reason = partial.finish_reason;
    // usage counts every choice together: it is one choice's only when there is one.
    if (choices_.size() == 1) choice.completion_tokens = usage_completion_tokens_;
    out.push_back(std::move(choice));
  }
  return out;
}

void AnswerCapture::read_usage(const Json& body) {
  const Json* usage = member(body, "usage");
  if (usage == nullptr || !usage->is_object()) return;
  const Json* tokens = member(*usage, "completion_tokens");
  if (tokens != nullptr && tokens->is_number_integer()) {
    usage_completion_tokens_ = tokens->get<int64_t>();
  }
}

void AnswerCapture::read_finish_reason(Partial& partial, const Json& choice) {
  if (const std::string* reason = string_member(choice, "finish_reason")) {
    partial.finish_reason = *reason;
  }
}

void AnswerCapture::add_delta(Partial& partial, const Json& delta) {
  set_once(partial.role, string_member(delta, "role"));
  if (const std::string* content = string_member(delta, "content")) {
    partial.content += *content;
    partial.has_content = true;
  }
  if (const std::string* refusal = string_member(delta, "refusal")) {
    partial.refusal += *refusal;
    partial.has_refusal = true;
  }
  for_each_indexed(member(delta, "tool_calls"), [&partial](int index, const Json& call) {
    ToolCall& merged = partial.tool_calls[index];
    set_once(merged.id, string_member(call, "id"));
    set_once(merged.type, string_member(call, "type"));
    const Json* function = member(call, "function");
    if (function == nullptr || !function->is_object()) return;
    set_once(merged.name, string_member(*function, "name"));
    if (const std::string* arguments = string_member(*function, "arguments")) {
      merged.arguments += *arguments;
    }
  });
}

Json AnswerCapture::chat_output(const Partial& partial) {
  if (partial.whole_message.is_object()) return partial.whole_message;
  Json message = Json::object();
  message["role"] = "assistant";
  message["content"] = partial.has_content ? Json(partial.content) : Json(nullptr);
  if (!partial.tool_calls.empty()) {
    Json calls = Json::array();
    for (const auto& [index, call] : partial.tool_calls) {
      calls.push_back(Json{{"id", call.id},
                           {"type", call.type.empty() ? "function" : call.type},
                           {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
    }
    message["tool_calls"] = std::move(calls);
  }
  if (partial.has_refusal) message["refusal"] = partial.refusal;
  return message;
}

}  // namespace slipway::feedback
