#pragma once
// Row-wise FP32 operations of the forward pass. Each works on one row, so its result cannot
// depend on the batch around it; reductions use the canonical dot order of matmul.h.
#include <cstdint>

namespace slipway::engine::kernels {

// out = x * rsqrt(mean(x^2) + eps) * weight, computed in FP32 (out may alias x).
void rms_norm(const float* x, const float* weight, float eps, int64_t n, float* out);

// gate[i] = silu(gate[i]) * up[i]
void silu_mul(float* gate, const float* up, int64_t n);

// x[i] += y[i]
void add_in_place(float* x, const float* y, int64_t n);

// acc[i] += scale * x[i], one fused multiply-add per element
void scaled_add(float* acc, float scale, const float* x, int64_t n);

// Hugging Face's rotate_half RoPE on one head: pairs (i, i + half) rotate by the angle whose
// cosine and sine are cos[i], sin[i] (half = head_dim / 2 entries each).
void apply_rope(float* head, const float* cos, const float* sin, int64_t half);

}  // namespace slipway::engine::kernels
