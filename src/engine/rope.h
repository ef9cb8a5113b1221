#pragma once
// Rotary position angles of a model: inv_freq = 1 / theta^(2i/d), rescaled for rope_scaling
// "linear" (positions / factor) or "llama3" (frequency-dependent, as Hugging Face does).
#include <cstdint>
#include <vector>

#include "engine/format/model_config.h"

namespace slipway::engine {

class RopeTable {
 public:
  explicit RopeTable(const ModelConfig& config);

  int64_t half() const { return static_cast<int64_t>(inv_freq_.size()); }
  // cos and sin of position * inv_freq[i] for i < half(), computed in double.
  void angles(int64_t position, float* cos, float* sin) const;

 private:
  std::vector<double> inv_freq_;
};

}  // namespace slipway::engine
