#pragma once
// Picks the next token from logits as SamplingParams ask: penalties, temperature, top_k,
// top_p, min_p, a seeded generator per sequence (same seed, same output), and logprobs.
#include <cstdint>
#include <span>
#include <vector>

#include "engine/sampling_params.h"

namespace slipway::engine {

struct TokenLogprob {
  int32_t token = 0;
  float logprob = 0;  // log-softmax of the raw logits (before penalties and temperature)
};

struct SampledToken {
  int32_t token = 0;
  float logprob = 0;
  std::vector<TokenLogprob> top;  // params.logprobs entries, highest first
};

class Sampler {
 public:
  // default_seed is used when params.seed is empty (e.g. from a random device per request).
  Sampler(const SamplingParams& params, uint64_t default_seed);

  // prompt: the prompt ids (for repetition_penalty); output: ids generated so far.
  SampledToken sample(std::span<const float> logits, std::span<const int32_t> prompt,
                      std::span<const int32_t> output);

 private:
  SamplingParams params_;
  uint64_t rng_state_;
};

}  // namespace slipway::engine
