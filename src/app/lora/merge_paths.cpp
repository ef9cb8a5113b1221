#include "app/lora/merge_paths.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace slipway::app {
namespace {

namespace fs = std::filesystem;

// Absolute, with symlinks of the existing part resolved and no trailing separator, so two
// spellings of one folder compare equal.
fs::path resolved(const fs::path& path) {
  fs::path out = fs::weakly_canonical(fs::absolute(path)).lexically_normal();
  if (out.filename().empty() && out.has_parent_path()) out = out.parent_path();
  return out;
}

bool is_same_or_inside(const fs::path& inner, const fs::path& outer) {
  auto [outer_end, inner_it] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return outer_end == outer.end();
}

void require_folder(const fs::path& path, const char* what) {
  if (!fs::is_directory(path))
    throw std::runtime_error(std::string(what) + " " + path.string() + " is not a folder");
}

}  // namespace

MergePaths check_merge_paths(const fs::path& base, const fs::path& adapter, const fs::path& out) {
  require_folder(base, "base");
  require_folder(adapter, "adapter");
  const fs::path out_path = resolved(out);
  if (is_same_or_inside(out_path, resolved(base)))
    throw std::runtime_error("output " + out.string() + " is the base folder or inside it");
  if (is_same_or_inside(out_path, resolved(adapter)))
    throw std::runtime_error("output " + out.string() + " is the adapter folder or inside it");
  if (fs::exists(out_path)) {
    if (!fs::is_directory(out_path))
      throw std::runtime_error("output " + out.string() + " exists and is not a folder");
    if (!fs::is_empty(out_path))
      throw std::runtime_error("output " + out.string() + " exists and is not empty");
  }
  return {out_path};
}

}  // namespace slipway::app
