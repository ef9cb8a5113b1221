#pragma once
// Element types of weights as stored in safetensors files.
#include <cstddef>
#include <optional>
#include <string_view>

namespace slipway::engine {

enum class DType { F32, F16, BF16 };

std::size_t dtype_size(DType dtype);
std::string_view dtype_name(DType dtype);  // "F32", "F16", "BF16" as safetensors spells them
std::optional<DType> parse_dtype(std::string_view safetensors_name);

}  // namespace slipway::engine
