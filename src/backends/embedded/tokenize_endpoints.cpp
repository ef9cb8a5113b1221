#include "backends/embedded/tokenize_endpoints.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "backends/embedded/chat_request.h"
#include "backends/embedded/json_fields.h"
#include "backends/embedded/prompt_builder.h"

namespace slipway::backends {
namespace {

// Same allowlist policy as the generation endpoints: no field is silently ignored.
void check_fields(const Json& body, std::initializer_list<std::string_view> allowed) {
  if (!body.is_object()) {
    throw RequestError(ApiError::invalid_field("the request body must be a JSON object"));
  }
  for (const auto& [key, value] : body.items()) {
    if (value.is_null() || key == "model" || key == "metadata") continue;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail_value("Unrecognized request argument supplied: " + key, key);
    }
  }
}

}  // namespace

Json tokenize_response(const engine::ModelPackage& package, const Json& body) {
  std::vector<int32_t> ids;
  if (find_field(body, "messages") != nullptr) {
    check_fields(body, {"messages", "add_generation_prompt", "continue_final_message",
                        "chat_template_kwargs", "add_special_tokens"});
    ids = chat_prompt_ids(package, parse_chat_prompt(body));
  } else {
    check_fields(body, {"prompt", "add_special_tokens"});
    const Json* prompt = find_field(body, "prompt");
    if (prompt == nullptr) fail_value("prompt or messages is required", "prompt");
    if (!prompt->is_string()) fail_type("prompt", "a string");
    ids = package.tokenizer().encode(prompt->get<std::string>(),
                                     get_bool(body, "add_special_tokens").value_or(true));
  }
  return Json{{"count", ids.size()},
              {"max_model_len", package.model().config().max_position_embeddings},
              {"tokens", ids}};
}

Json detokenize_response(const engine::ModelPackage& package, const Json& body) {
  check_fields(body, {"tokens"});
  const Json* tokens = find_field(body, "tokens");
  if (tokens == nullptr) fail_value("tokens is required", "tokens");
  if (!tokens->is_array()) fail_type("tokens", "an array of integers");
  const int64_t vocab = package.tokenizer().vocab_size();
  std::vector<int32_t> ids;
  for (const Json& item : *tokens) {
    if (!is_integral(item)) fail_type("tokens", "an array of integers");
    const int64_t id = to_integer(item, "tokens");
    if (id < 0 || id >= vocab) {
      fail_value("token id " + std::to_string(id) + " is outside the vocabulary", "tokens");
    }
    ids.push_back(static_cast<int32_t>(id));
  }
  return Json{{"prompt", package.tokenizer().decode(ids, /*skip_special_tokens=*/false)}};
}

}  // namespace slipway::backends
