#pragma once
// Sampling parameters from a model's generation_config.json, overridden by what the user asks.
#include <cstdint>
#include <optional>

#include "engine/format/model_config.h"
#include "engine/sampling_params.h"

namespace slipway::engine {

struct SamplingOverrides {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int64_t> top_k;
  std::optional<uint64_t> seed;
};

// Like Hugging Face generate(): the model's temperature/top_p/top_k apply when its
// generation_config.json says do_sample; otherwise decoding is greedy unless overridden.
SamplingParams sampling_params_for(const GenerationDefaults& defaults,
                                   const SamplingOverrides& overrides);

}  // namespace slipway::engine
