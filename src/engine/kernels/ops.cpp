#include "engine/kernels/ops.h"

#include <cmath>

#include "engine/kernels/matmul.h"
#include "engine/kernels/simd.h"

namespace slipway::engine::kernels {

void rms_norm(const float* x, const float* weight, float eps, int64_t n, float* out) {
  const float mean = dot(x, x, n) / static_cast<float>(n);
  const float inv = 1.0f / std::sqrt(mean + eps);
  for (int64_t i = 0; i < n; ++i) out[i] = (x[i] * inv) * weight[i];
}

void silu_mul(float* gate, const float* up, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    gate[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

void add_in_place(float* x, const float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] += y[i];
}

void scaled_add(float* acc, float scale, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] = std::fma(scale, x[i], acc[i]);
}

void apply_rope(float* head, const float* cos, const float* sin, int64_t half) {
  for (int64_t i = 0; i < half; ++i) {
    const float a = head[i];
    const float b = head[i + half];
    head[i] = a * cos[i] - b * sin[i];
    head[i + half] = b * cos[i] + a * sin[i];
  }
}

}  // namespace slipway::engine::kernels
