#pragma once
// A read-only view of one tensor inside a memory-mapped safetensors file (no copy).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/format/dtype.h"

namespace slipway::engine {

struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  const std::byte* data = nullptr;  // points into the mapping; valid while the file is open
  std::size_t nbytes = 0;

  int64_t numel() const;
  // Bytes as the dtype's element type; the caller checks dtype first.
  template <typename T>
  std::span<const T> as() const {
    return {reinterpret_cast<const T*>(data), nbytes / sizeof(T)};
  }
};

}  // namespace slipway::engine
