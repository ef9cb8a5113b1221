#pragma once
// vLLM's /tokenize and /detokenize. Requests:
//   {"model", "prompt": string, "add_special_tokens": bool (default true)}
//   {"model", "messages", "add_generation_prompt", "continue_final_message",
//    "chat_template_kwargs", "add_special_tokens" (default false)}
//   {"model", "tokens": [ids]}
// Answers: {"count", "max_model_len", "tokens": [ids]} and {"prompt": text}.
#include "backends/backend.h"
#include "engine/model_package.h"

namespace slipway::backends {

// Throw RequestError (400/422) for bad input.
Json tokenize_response(const engine::ModelPackage& package, const Json& body);
Json detokenize_response(const engine::ModelPackage& package, const Json& body);

}  // namespace slipway::backends
