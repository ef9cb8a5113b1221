#include "backends/embedded/completion_request.h"

#include "backends/embedded/json_fields.h"
#include "backends/embedded/unsupported_fields.h"

namespace slipway::backends {
namespace {

constexpr const char* kShape =
    "a string, an array of strings, an array of token ids or an array of arrays of token ids";

std::vector<int32_t> token_ids(const Json& array, int64_t vocab_size) {
  std::vector<int32_t> ids;
  ids.reserve(array.size());
  for (const Json& item : array) {
    if (!is_integral(item)) fail_type("prompt", kShape);
    const int64_t id = to_integer(item, "prompt");
    if (id < 0 || id >= vocab_size) {
      fail_value("prompt: token id " + std::to_string(id) + " is outside the vocabulary (size " +
                     std::to_string(vocab_size) + ")",
                 "prompt");
    }
    ids.push_back(static_cast<int32_t>(id));
  }
  if (ids.empty()) fail_value("prompt must not be empty", "prompt");
  return ids;
}

std::string text_prompt(const Json& value) {
  if (value.get<std::string>().empty()) fail_value("prompt must not be empty", "prompt");
  return value.get<std::string>();
}

}  // namespace

std::vector<PromptInput> parse_prompts(const Json& body, int64_t vocab_size) {
  const Json* prompt = find_field(body, "prompt");
  if (prompt == nullptr) fail_value("prompt is required", "prompt");
  std::vector<PromptInput> prompts;
  if (prompt->is_string()) {
    prompts.emplace_back(text_prompt(*prompt));
    return prompts;
  }
  if (!prompt->is_array()) fail_type("prompt", kShape);
  if (prompt->empty()) fail_value("prompt must not be empty", "prompt");
  const Json& first = prompt->front();
  if (first.is_number()) {  // one prompt of ids
    prompts.emplace_back(token_ids(*prompt, vocab_size));
    return prompts;
  }
  for (const Json& item : *prompt) {
    if (first.is_string() && item.is_string()) {
      prompts.emplace_back(text_prompt(item));
    } else if (first.is_array() && item.is_array()) {
      prompts.emplace_back(token_ids(item, vocab_size));
    } else {
      fail_type("prompt", kShape);
    }
  }
  return prompts;
}

CompletionRequest parse_completion_request(const Json& body, const ModelLimits& limits) {
  reject_unsupported_fields(body, Endpoint::Completions);
  CompletionRequest out;
  out.prompts = parse_prompts(body, limits.vocab_size);
  out.add_special_tokens = get_bool(body, "add_special_tokens").value_or(true);
  out.sampling = parse_sampling_request(body, Endpoint::Completions, limits);
  if (static_cast<int64_t>(out.prompts.size()) * out.sampling.n > kMaxChoicesPerRequest) {
    fail_value("a request may ask for at most " + std::to_string(kMaxChoicesPerRequest) +
                   " choices (prompts × n)",
               "prompt");
  }
  return out;
}

}  // namespace slipway::backends
