#pragma once
// All weights of a model folder: model.safetensors, or the shards that
// model.safetensors.index.json lists. Views stay valid while the WeightSet lives.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/format/safetensors_file.h"

namespace slipway::engine {

class WeightSet {
 public:
  static WeightSet open_folder(const std::filesystem::path& folder);
  // Any single file or an explicit list (used for adapters and tests).
  static WeightSet open_files(const std::vector<std::filesystem::path>& files);

  const TensorView* find(const std::string& name) const;
  // Throws FormatError "<folder>: missing tensor NAME" when absent.
  const TensorView& get(const std::string& name) const;
  // Throws FormatError when absent or shaped otherwise than expected.
  const TensorView& get(const std::string& name, const std::vector<int64_t>& expected_shape) const;
  std::vector<std::string> names() const;
  const std::filesystem::path& origin() const { return origin_; }

 private:
  static std::filesystem::path first_holder(const WeightSet& set, const std::string& name);

  std::filesystem::path origin_;
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::map<std::string, const TensorView*> index_;
};

}  // namespace slipway::engine
