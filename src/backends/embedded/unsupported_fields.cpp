#include "backends/embedded/unsupported_fields.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "backends/embedded/json_fields.h"

namespace slipway::backends {
namespace {

constexpr std::array<std::string_view, 20> kCommon = {"model",
                                                      "temperature",
                                                      "top_p",
                                                      "top_k",
                                                      "min_p",
                                                      "presence_penalty",
                                                      "frequency_penalty",
                                                      "repetition_penalty",
                                                      "seed",
                                                      "max_tokens",
                                                      "n",
                                                      "stop",
                                                      "stop_token_ids",
                                                      "ignore_eos",
                                                      "skip_special_tokens",
                                                      "logprobs",
                                                      "user",
                                                      "stream",
                                                      "stream_options",
                                                      "add_special_tokens"};
constexpr std::array<std::string_view, 6> kChatOnly = {"messages",
                                                       "max_completion_tokens",
                                                       "top_logprobs",
                                                       "add_generation_prompt",
                                                       "continue_final_message",
                                                       "chat_template_kwargs"};
constexpr std::array<std::string_view, 1> kCompletionsOnly = {"prompt"};
constexpr std::array<std::string_view, 3> kIgnored = {"metadata", "service_tier", "request_id"};
constexpr std::array<std::string_view, 22> kAlwaysRejected = {"guided_json",
                                                              "guided_regex",
                                                              "guided_choice",
                                                              "guided_grammar",
                                                              "guided_decoding_backend",
                                                              "guided_whitespace_pattern",
                                                              "structured_outputs",
                                                              "audio",
                                                              "prediction",
                                                              "web_search_options",
                                                              "reasoning_effort",
                                                              "prompt_logprobs",
                                                              "chat_template",
                                                              "documents",
                                                              "mm_processor_kwargs",
                                                              "truncate_prompt_tokens",
                                                              "length_penalty",
                                                              "lora_request",
                                                              "logits_processors",
                                                              "return_tokens_as_token_ids",
                                                              "return_token_ids",
                                                              "cache_salt"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

[[noreturn]] void unsupported(const std::string& field, const std::string& why = {}) {
  fail_value(field + " is not supported by the embedded engine" + (why.empty() ? "" : ": " + why),
             field);
}

bool empty_container(const Json& v) {
  return (v.is_array() || v.is_object()) && v.empty();
}

bool has_tools(const Json& body) {
  for (const char* name : {"tools", "functions"}) {
    const Json* v = find_field(body, name);
    if (v != nullptr && !empty_container(*v)) return true;
  }
  return false;
}

// Fields accepted only at a value that asks for nothing; returns false for unknown keys.
bool check_noop_value(const std::string& key, const Json& v, const Json& body) {
  if (key == "tools" || key == "functions" || key == "bad_words" || key == "allowed_token_ids") {
    if (!empty_container(v)) unsupported(key);
    return true;
  }
  if (key == "tool_choice" || key == "function_call") {
    const bool none = v.is_string() && v.get<std::string>() == "none";
    const bool auto_without_tools =
        v.is_string() && v.get<std::string>() == "auto" && !has_tools(body);
    if (!none && !auto_without_tools) unsupported(key);
    return true;
  }
  if (key == "parallel_tool_calls") {
    if (!v.is_boolean()) fail_type(key, "a boolean");
    return true;
  }
  if (key == "response_format") {
    if (!v.is_object()) fail_type(key, "an object");
    if (v.size() != 1 || !v.contains("type") || v["type"] != "text") {
      unsupported(key, "only {\"type\": \"text\"} is accepted");
    }
    return true;
  }
  if (key == "logit_bias") {
    if (!v.is_object()) fail_type(key, "an object");
    if (!v.empty()) unsupported(key);
    return true;
  }
  if (key == "echo" || key == "use_beam_search" || key == "include_stop_str_in_output" ||
      key == "store") {
    if (!v.is_boolean()) fail_type(key, "a boolean");
    if (v.get<bool>()) unsupported(key);
    return true;
  }
  if (key == "spaces_between_special_tokens") {
    if (!v.is_boolean()) fail_type(key, "a boolean");
    if (!v.get<bool>()) unsupported(key);
    return true;
  }
  if (key == "suffix") {
    if (!v.is_string()) fail_type(key, "a string");
    if (!v.get<std::string>().empty()) unsupported(key);
    return true;
  }
  if (key == "modalities") {
    if (!v.is_array()) fail_type(key, "an array of strings");
    for (const Json& m : v) {
      if (!m.is_string()) fail_type(key, "an array of strings");
      if (m.get<std::string>() != "text") unsupported(key, "only text output");
    }
    return true;
  }
  if (key == "min_tokens" || key == "priority") {
    if (to_integer(v, key) != 0) unsupported(key);
    return true;
  }
  if (key == "best_of") {
    const int64_t best_of = to_integer(v, key);
    const Json* n_field = find_field(body, "n");
    const int64_t n = n_field != nullptr && is_integral(*n_field) ? to_integer(*n_field, "n") : 1;
    if (best_of < n) fail_value("best_of must be greater than or equal to n", key);
    if (best_of > n) unsupported(key, "best_of must equal n");
    return true;
  }
  return false;
}

}  // namespace

void reject_unsupported_fields(const Json& body, Endpoint endpoint) {
  if (!body.is_object()) {
    throw RequestError(ApiError::invalid_field("the request body must be a JSON object"));
  }
  const bool chat = endpoint == Endpoint::ChatCompletions;
  for (const auto& [key, value] : body.items()) {
    if (contains(kCommon, key) || contains(kIgnored, key)) continue;
    if (chat ? contains(kChatOnly, key) : contains(kCompletionsOnly, key)) continue;
    if (value.is_null()) continue;  // null asks for the default, which is always honoured
    if (contains(kAlwaysRejected, key)) unsupported(key);
    if (check_noop_value(key, value, body)) continue;
    fail_value("Unrecognized request argument supplied: " + key, key);
  }
}

}  // namespace slipway::backends
