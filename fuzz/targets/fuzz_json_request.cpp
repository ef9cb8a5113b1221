// A request body as a client sends it: the server's parse_model_body, then the embedded
// backend's chat and completion validation and what it derives from a valid request.
// ApiError results and RequestError are the documented outcomes for bad input.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "backends/embedded/chat_request.h"
#include "backends/embedded/completion_request.h"
#include "backends/embedded/json_fields.h"
#include "backends/embedded/sampling_request.h"
#include "http/json_request.h"
#include "support/fuzz_input.h"

namespace {

using namespace slipway;

const backends::ModelLimits kLimits{.context = 4096, .vocab_size = 32000};

// What the backend computes from a valid request before the engine sees it.
void derive(const backends::SamplingRequest& sampling, int64_t prompt_tokens) {
  engine::GenerationDefaults defaults;
  defaults.max_new_tokens = 256;
  try {
    const int64_t max_tokens =
        backends::resolve_max_tokens(sampling, defaults, prompt_tokens, kLimits.context, "prompt");
    backends::build_sampling_params(sampling, defaults, max_tokens);
  } catch (const backends::RequestError&) {
  }
  for (int64_t choice = 0; choice < sampling.n; ++choice) backends::choice_seed(sampling, choice);
}

void validate_chat(const backends::Json& body) {
  try {
    const auto request = backends::parse_chat_request(body, kLimits);
    derive(request.sampling, static_cast<int64_t>(request.prompt.messages.size()) * 8);
  } catch (const backends::RequestError&) {
  }
}

void validate_completion(const backends::Json& body) {
  try {
    const auto request = backends::parse_completion_request(body, kLimits);
    for (const auto& prompt : request.prompts) {
      const auto* ids = std::get_if<std::vector<int32_t>>(&prompt);
      derive(request.sampling, ids ? static_cast<int64_t>(ids->size()) : 16);
    }
  } catch (const backends::RequestError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  const auto parsed = http::parse_model_body(text);
  const auto* request = std::get_if<http::ModelRequestBody>(&parsed);
  if (request == nullptr) return 0;
  validate_chat(request->body);
  validate_completion(request->body);
  return 0;
}
