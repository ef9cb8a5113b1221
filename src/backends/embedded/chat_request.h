#pragma once
// A validated /v1/chat/completions request (and the messages part of /tokenize).
#include "backends/backend.h"
#include "backends/embedded/sampling_request.h"

namespace slipway::backends {

// How a chat becomes a prompt.
struct ChatPromptRequest {
  Json messages = Json::array();  // content normalized to a string (or null for assistant)
  bool add_generation_prompt = true;
  bool continue_final_message = false;
  Json template_kwargs = Json::object();  // extra template variables, e.g. enable_thinking
  bool add_special_tokens = false;        // the template writes BOS itself
};

struct ChatRequest {
  ChatPromptRequest prompt;
  SamplingRequest sampling;
};

// messages, add_generation_prompt, continue_final_message, chat_template_kwargs,
// add_special_tokens. Content parts of type "text" are joined with "\n" (as vLLM does);
// other parts (image_url, input_audio, ...) are a 400. Throws RequestError.
ChatPromptRequest parse_chat_prompt(const Json& body);

// The whole request: unsupported fields, the prompt part and the sampling fields.
ChatRequest parse_chat_request(const Json& body, const ModelLimits& limits);

}  // namespace slipway::backends
