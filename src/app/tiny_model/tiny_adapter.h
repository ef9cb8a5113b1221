#pragma once
// Random LoRA adapters in PEFT's layout (adapter_config.json + adapter_model.safetensors with
// names like base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight), shaped for a
// given base folder, for demos, tests and benchmarks. B is random too (PEFT starts it at zero,
// which would make the adapter a no-op), scaled so the update is of the order of the base.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/format/dtype.h"

namespace slipway::app {

struct TinyAdapterOptions {
  int64_t rank = 8;
  double alpha = 16;
  bool use_rslora = false;
  std::vector<std::string> targets{"q_proj", "k_proj", "v_proj", "o_proj"};
  engine::DType dtype = engine::DType::F32;
  uint64_t seed = 0;
  bool default_suffix = false;  // names with ".default" (older PEFT), else without
};

// Creates `out` if needed and (over)writes the adapter files, reading `base`'s config.json for
// the shapes and recording it as base_model_name_or_path. Same options, same bytes.
void write_tiny_adapter(const std::filesystem::path& out, const std::filesystem::path& base,
                        const TinyAdapterOptions& options);

}  // namespace slipway::app
