#include "engine/rope.h"

#include <cmath>
#include <numbers>

namespace slipway::engine {

RopeTable::RopeTable(const ModelConfig& config) {
  const int64_t dim = config.head_dim;
  const RopeScaling& s = config.rope_scaling;
  inv_freq_.resize(static_cast<std::size_t>(dim / 2));
  for (int64_t i = 0; i < dim / 2; ++i) {
    double f =
        1.0 / std::pow(config.rope_theta, static_cast<double>(2 * i) / static_cast<double>(dim));
    if (s.type == RopeScaling::Type::Linear) {
      f /= s.factor;  // same as dividing positions by the factor
    } else if (s.type == RopeScaling::Type::Llama3) {
      const double old_len = static_cast<double>(s.original_max_position_embeddings);
      const double low_freq_wavelen = old_len / s.low_freq_factor;
      const double high_freq_wavelen = old_len / s.high_freq_factor;
      const double wavelen = 2 * std::numbers::pi / f;
      if (wavelen > low_freq_wavelen) {
        f /= s.factor;
      } else if (wavelen >= high_freq_wavelen) {
        const double smooth =
            (old_len / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
        f = (1 - smooth) * f / s.factor + smooth * f;
      }
    }
    inv_freq_[static_cast<std::size_t>(i)] = f;
  }
}

void RopeTable::angles(int64_t position, float* cos, float* sin) const {
  for (std::size_t i = 0; i < inv_freq_.size(); ++i) {
    const double angle = static_cast<double>(position) * inv_freq_[i];
    cos[i] = static_cast<float>(std::cos(angle));
    sin[i] = static_cast<float>(std::sin(angle));
  }
}

}  // namespace slipway::engine
