#pragma once
// Writes a .safetensors file (used by tiny-model, and later by LoRA merge).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/format/dtype.h"

namespace slipway::engine {

struct OwnedTensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<std::byte> bytes;  // already in dtype's little-endian encoding
};

// Tensors are written in name order; metadata goes under "__metadata__".
void write_safetensors(const std::filesystem::path& path,
                       const std::map<std::string, OwnedTensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Conversions for writers and tests.
uint16_t float_to_bf16(float value);  // round to nearest even
uint16_t float_to_f16(float value);
float bf16_to_float(uint16_t value);
float f16_to_float(uint16_t value);
OwnedTensor make_tensor(DType dtype, std::vector<int64_t> shape, const std::vector<float>& values);

}  // namespace slipway::engine
