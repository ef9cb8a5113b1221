#pragma once
// Where `slipway lora merge` may write: checked before any work so a typo never overwrites or
// nests into an input.
#include <filesystem>

namespace slipway::app {

struct MergePaths {
  std::filesystem::path out;  // absolute and normalized, without a trailing separator
};

// Throws std::runtime_error when base or adapter is not a folder, when `out` is the base or
// adapter folder or lies inside one of them, or when `out` exists and is not an empty folder.
MergePaths check_merge_paths(const std::filesystem::path& base,
                             const std::filesystem::path& adapter,
                             const std::filesystem::path& out);

}  // namespace slipway::app
