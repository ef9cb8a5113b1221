#pragma once
// The 8-lane float vector every kernel reduces with, on AVX2/FMA/F16C or portable C++. Both
// give each lane the same sequence of fused multiply-adds and the same final horizontal sum,
// so one output's value never depends on which kernel shape computed it.
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#define SLIPWAY_SIMD_AVX2 1
#include <immintrin.h>
#else
#define SLIPWAY_SIMD_AVX2 0
#endif

namespace slipway::engine::kernels::simd {

// Scalar conversions, exact (used for tails and the portable path).
inline float bf16_to_f32(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof value);
  return value;
}

inline float f16_to_f32(uint16_t bits) {
#if SLIPWAY_SIMD_AVX2
  return _cvtsh_ss(bits);
#else
  const uint32_t sign = (bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1fu;
  const uint32_t mantissa = bits & 0x3ffu;
  float magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // zero or subnormal
  } else if (exponent == 31) {
    magnitude = mantissa ? NAN : INFINITY;
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
  }
  uint32_t out;
  std::memcpy(&out, &magnitude, sizeof out);
  out |= sign;
  float value;
  std::memcpy(&value, &out, sizeof value);
  return value;
#endif
}

#if SLIPWAY_SIMD_AVX2
using Vec = __m256;
inline Vec zero() {
  return _mm256_setzero_ps();
}
inline Vec load_f32(const float* p) {
  return _mm256_loadu_ps(p);
}
inline Vec load_bf16(const uint16_t* p) {
  const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(raw), 16));
}
inline Vec load_f16(const uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline Vec broadcast(float x) {
  return _mm256_set1_ps(x);
}
inline void store_f32(float* p, Vec v) {
  _mm256_storeu_ps(p, v);
}
inline Vec fmadd(Vec a, Vec b, Vec acc) {
  return _mm256_fmadd_ps(a, b, acc);
}
// Keeps v in a register: stops the compiler from folding one load into every FMA that uses
// it (loads, not FMAs, would then bound the tiled kernel).
inline Vec in_register(Vec v) {
  __asm__("" : "+x"(v));
  return v;
}
// ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7))
inline float hsum(Vec v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}
#else
struct Vec {
  float lane[8];
};
inline Vec zero() {
  return Vec{};
}
inline Vec load_f32(const float* p) {
  Vec v;
  std::memcpy(v.lane, p, sizeof v.lane);
  return v;
}
inline Vec load_bf16(const uint16_t* p) {
  Vec v;
  for (int i = 0; i < 8; ++i) v.lane[i] = bf16_to_f32(p[i]);
  return v;
}
inline Vec load_f16(const uint16_t* p) {
  Vec v;
  for (int i = 0; i < 8; ++i) v.lane[i] = f16_to_f32(p[i]);
  return v;
}
inline Vec broadcast(float x) {
  Vec v;
  for (float& lane : v.lane) lane = x;
  return v;
}
inline void store_f32(float* p, Vec v) {
  std::memcpy(p, v.lane, sizeof v.lane);
}
inline Vec in_register(Vec v) {
  return v;
}
inline Vec fmadd(Vec a, Vec b, Vec acc) {
  for (int i = 0; i < 8; ++i) acc.lane[i] = std::fma(a.lane[i], b.lane[i], acc.lane[i]);
  return acc;
}
inline float hsum(Vec v) {
  const float* l = v.lane;
  const float s0 = l[0] + l[4], s1 = l[1] + l[5], s2 = l[2] + l[6], s3 = l[3] + l[7];
  return (s0 + s2) + (s1 + s3);
}
#endif

}  // namespace slipway::engine::kernels::simd
