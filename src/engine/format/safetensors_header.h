#pragma once
// The JSON header of a .safetensors file, validated against the size of its data section
// (private to engine/format; SafetensorsFile maps the file and turns entries into views).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/format/dtype.h"

namespace slipway::engine {

struct SafetensorsEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::size_t begin = 0;  // byte offsets into the data section
  std::size_t end = 0;
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;
  std::map<std::string, std::string> metadata;
};

// data_start is the file offset of the data section, for alignment checks.
// Throws FormatError naming source.
SafetensorsHeader parse_safetensors_header(std::string_view json_text, std::size_t data_start,
                                           std::size_t data_size,
                                           const std::filesystem::path& source);

}  // namespace slipway::engine
