#pragma once
// What a request asks of the sampler and the stop conditions (OpenAI and vLLM semantics).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slipway::engine {

struct SamplingParams {
  double temperature = 1.0;  // 0 means greedy
  double top_p = 1.0;
  int64_t top_k = 0;  // 0 or -1: off
  double min_p = 0.0;
  double repetition_penalty = 1.0;  // HF/vLLM style: divides positive logits of seen tokens
  double presence_penalty = 0.0;    // OpenAI style: subtracts once per token generated
  double frequency_penalty = 0.0;   // OpenAI style: subtracts per occurrence in the output
  std::optional<uint64_t> seed;     // same seed, same output
  int64_t max_tokens = 16;
  std::vector<std::string> stop;        // stop strings, excluded from the output
  std::vector<int32_t> stop_token_ids;  // in addition to the model's EOS ids
  bool ignore_eos = false;
  int32_t logprobs = -1;  // -1 off; N >= 0: the chosen token's logprob and the top N
};

}  // namespace slipway::engine
