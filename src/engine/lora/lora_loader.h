#pragma once
// Loads a PEFT adapter folder (adapter_config.json + adapter_model.safetensors) against a base
// model: tensor names with or without ".default" and with the "base_model.model." prefix, every
// A/B pair complete, shapes matching the base ([r][in] and [out][r], r from the config and its
// rank_pattern), dtypes F32/F16/BF16, rank within the limit. Every problem is a FormatError
// whose message starts with the adapter's folder.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/format/model_config.h"
#include "engine/lora/lora_adapter.h"

namespace slipway::engine {

struct LoraLimits {
  int64_t max_rank = 64;  // the largest r (after rank_pattern) an adapter may have
};

// `name` is how messages and stats call the adapter (e.g. its served name).
std::shared_ptr<const LoraAdapter> load_lora_adapter(const std::filesystem::path& folder,
                                                     const ModelConfig& base,
                                                     const LoraLimits& limits,
                                                     const std::string& name);

}  // namespace slipway::engine
