#include "engine/sampling_defaults.h"

#include <gtest/gtest.h>

namespace slipway::engine {
namespace {

TEST(SamplingDefaults, GreedyWhenModelDoesNotSample) {
  engine::GenerationDefaults defaults;
  defaults.temperature = 0.6;
  auto params = sampling_params_for(defaults, {});
  EXPECT_EQ(params.temperature, 0.0);
}

TEST(SamplingDefaults, ModelSamplingDefaultsApply) {
  engine::GenerationDefaults defaults;
  defaults.do_sample = true;
  defaults.temperature = 0.6;
  defaults.top_p = 0.9;
  auto params = sampling_params_for(defaults, {});
  EXPECT_DOUBLE_EQ(params.temperature, 0.6);
  EXPECT_DOUBLE_EQ(params.top_p, 0.9);
  EXPECT_FALSE(params.seed.has_value());
}

TEST(SamplingDefaults, UserOverridesWin) {
  engine::GenerationDefaults defaults;
  defaults.do_sample = true;
  defaults.temperature = 0.6;
  SamplingOverrides overrides;
  overrides.temperature = 0.0;
  overrides.seed = 7;
  auto params = sampling_params_for(defaults, overrides);
  EXPECT_EQ(params.temperature, 0.0);
  EXPECT_EQ(params.seed, 7u);
}

}  // namespace
}  // namespace slipway::engine
