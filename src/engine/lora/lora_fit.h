#pragma once
// Whether an adapter can run on a model: one layer per base layer, and every present module's
// A [rank][in] and B [out][rank] shaped like the base product it updates.
#include <cstdint>

#include "engine/format/model_config.h"
#include "engine/lora/lora_adapter.h"

namespace slipway::engine {

// Input and output widths of a target's base product in this model.
struct LoraShape {
  int64_t in = 0;
  int64_t out = 0;
};
LoraShape lora_target_shape(const ModelConfig& config, LoraTarget target);

// Throws std::invalid_argument naming the adapter, layer and module that does not fit.
void check_adapter_fits(const LoraAdapter& adapter, const ModelConfig& config);

}  // namespace slipway::engine
