#pragma once
// A loaded Llama-family model: its config and its weights, memory-mapped from the folder and
// bound to each layer without copying (F32/F16/BF16 are all used as stored). Immutable and
// shareable by every sequence, scheduler and adapter that runs on it.
#include <filesystem>
#include <memory>

#include "engine/format/model_config.h"

namespace slipway::engine {

struct ModelWeights;  // per-layer views, defined by the forward-pass implementation

class Model {
 public:
  // Reads config.json, generation_config.json and the safetensors weights; checks that every
  // tensor the architecture needs exists with the right shape (FormatError otherwise).
  static std::shared_ptr<const Model> load(const std::filesystem::path& folder);
  ~Model();

  const ModelConfig& config() const { return config_; }
  const GenerationDefaults& generation_defaults() const { return generation_defaults_; }
  const std::filesystem::path& folder() const { return folder_; }
  const ModelWeights& weights() const { return *weights_; }

 private:
  Model() = default;
  std::filesystem::path folder_;
  ModelConfig config_;
  GenerationDefaults generation_defaults_;
  std::unique_ptr<ModelWeights> weights_;
};

}  // namespace slipway::engine
