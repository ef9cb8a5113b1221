#pragma once
// Generates one sequence from a prompt: prefill, then sample and decode token by token until
// an EOS or stop token, a stop string, max_tokens or the context end. Streams text as it goes.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compute_pool.h"
#include "engine/finish_reason.h"
#include "engine/model_package.h"
#include "engine/sampler.h"
#include "engine/sampling_params.h"

namespace slipway::engine {

struct GenerationResult {
  std::string text;
  std::vector<int32_t> tokens;        // generated ids (a stop token is included, as OpenAI counts)
  std::vector<SampledToken> samples;  // per generated token, with logprobs when asked
  FinishReason finish_reason = FinishReason::Length;
  int64_t prompt_tokens = 0;
  double prefill_seconds = 0;  // prompt processing up to the first sampled token
  double decode_seconds = 0;   // the remaining tokens
};

using TextSink = std::function<void(std::string_view)>;

// Throws std::invalid_argument when the prompt is empty or does not fit the context.
GenerationResult generate(const ModelPackage& package, ComputePool& pool,
                          std::span<const int32_t> prompt, const SamplingParams& params,
                          const TextSink& on_text = {});

}  // namespace slipway::engine
