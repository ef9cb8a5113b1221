#include "app/tiny_model/random_weights.h"

#include <cstring>

#include "engine/format/safetensors_writer.h"

namespace slipway::app {
namespace {

constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ull;

// splitmix64's finalizer: a strong 64-bit mix, cheap enough for a billion calls.
inline uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Approximately standard normal: the sum of four 16-bit uniforms (Irwin-Hall), centred and
// scaled to unit variance. Bounded at about +-3.5, which suits weights well.
inline float unit_normal(uint64_t bits) {
  auto sum = static_cast<float>((bits & 0xffff) + ((bits >> 16) & 0xffff) +
                                ((bits >> 32) & 0xffff) + (bits >> 48));
  constexpr float kMean = 4 * 32767.5f;
  constexpr float kInvStd = 1.0f / 37837.23f;  // sqrt(4 * (65536^2 - 1) / 12)
  return (sum - kMean) * kInvStd;
}

template <typename Encode>
void fill(uint64_t seed, const TensorInit& init, std::size_t first, std::size_t n, std::byte* out,
          std::size_t element_size, Encode encode) {
  float offset = init.kind == TensorInit::Kind::NearOne ? 1.0f : 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    float value = offset + init.std * unit_normal(mix(seed + (first + i + 1) * kGamma));
    encode(value, out + i * element_size);
  }
}

}  // namespace

uint64_t tensor_seed(uint64_t seed, std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a of the name
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ull;
  return mix(mix(seed + kGamma) ^ h);
}

void fill_random(uint64_t seed, const TensorInit& init, engine::DType dtype, std::size_t first,
                 std::span<std::byte> out) {
  switch (dtype) {
    case engine::DType::F32:
      fill(seed, init, first, out.size() / 4, out.data(), 4,
           [](float v, std::byte* p) { std::memcpy(p, &v, 4); });
      break;
    case engine::DType::F16:
      fill(seed, init, first, out.size() / 2, out.data(), 2, [](float v, std::byte* p) {
        uint16_t h = engine::float_to_f16(v);
        std::memcpy(p, &h, 2);
      });
      break;
    case engine::DType::BF16:
      fill(seed, init, first, out.size() / 2, out.data(), 2, [](float v, std::byte* p) {
        uint16_t h = engine::float_to_bf16(v);
        std::memcpy(p, &h, 2);
      });
      break;
  }
}

}  // namespace slipway::app
