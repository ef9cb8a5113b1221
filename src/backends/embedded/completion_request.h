#pragma once
// A validated /v1/completions request: one or more prompts, as text or as token ids.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "backends/backend.h"
#include "backends/embedded/sampling_request.h"

namespace slipway::backends {

using PromptInput = std::variant<std::string, std::vector<int32_t>>;

struct CompletionRequest {
  std::vector<PromptInput> prompts;  // each gets n choices: index = prompt_index * n + j
  bool add_special_tokens = true;    // for text prompts
  SamplingRequest sampling;
};

// Largest prompts × n: one request must not flood the scheduler's queue.
inline constexpr int64_t kMaxChoicesPerRequest = 256;

// "prompt": a string, an array of strings, an array of token ids, or an array of arrays of
// ids. Empty prompts and ids outside the vocabulary are a 400. Throws RequestError.
std::vector<PromptInput> parse_prompts(const Json& body, int64_t vocab_size);

CompletionRequest parse_completion_request(const Json& body, const ModelLimits& limits);

}  // namespace slipway::backends
