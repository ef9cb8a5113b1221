#pragma once
// Deterministic pseudo-random tensor contents: element i of a tensor depends only on the seed,
// the tensor's name and i, so chunked and whole generation give the same bytes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "app/tiny_model/tiny_tensors.h"

namespace slipway::app {

uint64_t tensor_seed(uint64_t seed, std::string_view name);

// Writes elements [first, first + n) of the tensor, encoded as `dtype`, into out
// (n = out.size() / dtype_size).
void fill_random(uint64_t tensor_seed, const TensorInit& init, engine::DType dtype,
                 std::size_t first, std::span<std::byte> out);

}  // namespace slipway::app
