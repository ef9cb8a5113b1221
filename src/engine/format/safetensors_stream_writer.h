#pragma once
// Writes a .safetensors file whose tensor bytes are produced piece by piece, so that large
// generated models (tiny-model's llama1b preset) never sit in memory whole.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/format/dtype.h"

namespace slipway::engine {

struct TensorSpec {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
};

// Fills `out` with the encoded bytes of elements [first_element, first_element + n) of `spec`,
// n = out.size() / dtype_size. Called in order, chunk after chunk, one tensor at a time.
using TensorFiller = std::function<void(const TensorSpec& spec, std::size_t first_element,
                                        std::span<std::byte> out)>;

// Data is laid out by element size (largest first) then name, so every tensor stays aligned
// and the data section is contiguous, as Hugging Face's safetensors expects. The file is
// written next to `path` and renamed into place; errors are FormatError naming the path.
void write_safetensors_streamed(const std::filesystem::path& path, std::vector<TensorSpec> specs,
                                const std::map<std::string, std::string>& metadata,
                                const TensorFiller& fill, std::size_t chunk_bytes = 16u << 20);

}  // namespace slipway::engine
