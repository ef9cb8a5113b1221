#include "engine/sampling_defaults.h"

namespace slipway::engine {

SamplingParams sampling_params_for(const GenerationDefaults& defaults,
                                   const SamplingOverrides& overrides) {
  SamplingParams params;
  const bool sample = defaults.do_sample.value_or(false);
  params.temperature = sample ? defaults.temperature.value_or(1.0) : 0.0;
  if (sample) {
    params.top_p = defaults.top_p.value_or(1.0);
    params.top_k = defaults.top_k.value_or(0);
    params.min_p = defaults.min_p.value_or(0.0);
  }
  params.repetition_penalty = defaults.repetition_penalty.value_or(1.0);
  if (overrides.temperature) params.temperature = *overrides.temperature;
  if (overrides.top_p) params.top_p = *overrides.top_p;
  if (overrides.top_k) params.top_k = *overrides.top_k;
  params.seed = overrides.seed;
  return params;
}

}  // namespace slipway::engine
