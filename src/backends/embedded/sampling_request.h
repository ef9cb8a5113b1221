#pragma once
// The sampling and output fields shared by chat and completions requests, validated, and how
// they become engine::SamplingParams with the model's generation_config.json as defaults.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "engine/format/model_config.h"
#include "engine/sampling_params.h"

namespace slipway::backends {

// What requests are checked against.
struct ModelLimits {
  int64_t context = 0;     // max_position_embeddings
  int64_t vocab_size = 0;  // token ids must be below it
  int64_t max_n = 16;
  int64_t max_logprobs = 20;
};

// The client's values; unset optionals take the model's defaults.
struct SamplingRequest {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int64_t> top_k;
  std::optional<double> min_p;
  std::optional<double> presence_penalty;
  std::optional<double> frequency_penalty;
  std::optional<double> repetition_penalty;
  std::optional<int64_t> seed;
  std::optional<int64_t> max_tokens;
  std::string max_tokens_field = "max_tokens";  // the field it came from, for error params
  int64_t n = 1;
  std::vector<std::string> stop;  // empty strings dropped: they could never stop anything
  std::vector<int32_t> stop_token_ids;
  bool ignore_eos = false;
  bool skip_special_tokens = true;
  int32_t logprobs = -1;  // -1: off; N >= 0: the chosen token's logprob and the top N
  bool stream = false;
  bool include_usage = false;
  std::string user;
};

// Reads and range-checks the fields (throws RequestError: 422 for types, 400 for values).
// Chat: logprobs is a bool with top_logprobs, max_completion_tokens wins over max_tokens.
// Completions: logprobs is an integer.
SamplingRequest parse_sampling_request(const Json& body, Endpoint endpoint,
                                       const ModelLimits& limits);

// 400 when the rendered prompt is longer than the server's limit (max 0: no limit).
void check_prompt_limit(int64_t prompt_tokens, int64_t max_prompt_tokens,
                        const std::string& prompt_param);

// max_tokens for a prompt of prompt_tokens: the request's, else generation_config's
// max_new_tokens (clamped to what fits), else the rest of the context. Throws RequestError
// (400) when the prompt fills the context or prompt + max_tokens exceeds it; prompt_param
// names the field that holds the prompt ("messages" or "prompt").
int64_t resolve_max_tokens(const SamplingRequest& request,
                           const engine::GenerationDefaults& defaults, int64_t prompt_tokens,
                           int64_t context, const std::string& prompt_param);

// The engine parameters of one choice (seed left unset: see choice_seed).
engine::SamplingParams build_sampling_params(const SamplingRequest& request,
                                             const engine::GenerationDefaults& defaults,
                                             int64_t max_tokens);

// Choice i of a request with seed S uses S + i, so n choices differ and a request replays.
std::optional<uint64_t> choice_seed(const SamplingRequest& request, int64_t choice);

}  // namespace slipway::backends
