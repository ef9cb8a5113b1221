#pragma once
// `slipway lora merge`: folds a LoRA adapter into its base, W' = W + scale * B A for every
// adapted module, and writes a complete Hugging Face folder (the base's config, generation
// config, tokenizer and other files copied; the weights in the base's dtype and shard layout)
// that vLLM, Ollama or `slipway serve` load as a plain model. The sum is computed in FP32 (or
// wider) and rounded once to the stored dtype.
#include <cstdint>
#include <filesystem>

#include "engine/lora/lora_loader.h"

namespace slipway::app {

struct MergeReport {
  int64_t modules_merged = 0;  // (layer, module) pairs the adapter changed
  int64_t tensors_written = 0;
  int64_t bytes_written = 0;  // of the safetensors files
};

// Refuses (std::runtime_error / engine::FormatError naming the problem) an adapter that does
// not load against the base, an `out` that is the base or adapter folder, or an `out` that
// exists and is not empty. Writes into a temporary sibling folder renamed into place at the end,
// so a failed merge never leaves a half-written model at `out`.
MergeReport merge_adapter(const std::filesystem::path& base, const std::filesystem::path& adapter,
                          const std::filesystem::path& out, const engine::LoraLimits& limits);

}  // namespace slipway::app
