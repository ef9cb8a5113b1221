#include "engine/format/weight_set.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "engine/format/format_text.h"

namespace slipway::engine {
namespace {

using format_text::fail;
using format_text::quote_name;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// weight_map of model.safetensors.index.json: tensor name -> shard file name.
std::map<std::string, std::string> read_weight_map(const std::filesystem::path& index_path) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(read_text(index_path));
  } catch (const nlohmann::json::exception& e) {
    fail(index_path, std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_object()) fail(index_path, "not a JSON object");
  auto it = root.find("weight_map");
  if (it == root.end() || !it->is_object()) fail(index_path, "missing weight_map object");
  std::map<std::string, std::string> weight_map;
  for (const auto& [name, shard] : it->items()) {
    if (!shard.is_string())
      fail(index_path, "weight_map entry " + quote_name(name) + " is not a string");
    const auto& file = shard.get_ref<const std::string&>();
    // Shards sit next to the index; a path elsewhere is a mistake or an attack.
    std::filesystem::path shard_path(file);
    if (file.empty() || shard_path.has_parent_path() || shard_path.is_absolute() || file == "." ||
        file == "..") {
      fail(index_path,
           "weight_map entry " + quote_name(name) + " names an invalid shard " + quote_name(file));
    }
    weight_map.emplace(name, file);
  }
  if (weight_map.empty()) fail(index_path, "weight_map is empty");
  return weight_map;
}

}  // namespace

// The file that first contributed a tensor name, for duplicate errors.
std::filesystem::path WeightSet::first_holder(const WeightSet& set, const std::string& name) {
  for (const auto& file : set.files_) {
    if (file->find(name) != nullptr) return file->path();
  }
  return {};
}

WeightSet WeightSet::open_folder(const std::filesystem::path& folder) {
  auto single = folder / "model.safetensors";
  auto index_path = folder / "model.safetensors.index.json";
  if (std::filesystem::is_regular_file(single)) {
    WeightSet set = open_files({single});
    set.origin_ = folder;
    return set;
  }
  if (!std::filesystem::is_regular_file(index_path)) {
    fail(folder, "no model.safetensors or model.safetensors.index.json");
  }

  auto weight_map = read_weight_map(index_path);
  std::set<std::string> shard_names;
  for (const auto& [name, shard] : weight_map) shard_names.insert(shard);
  std::vector<std::filesystem::path> shards;
  for (const auto& shard : shard_names) {
    auto path = folder / shard;
    if (!std::filesystem::is_regular_file(path)) {
      fail(index_path, "shard " + quote_name(shard) + " does not exist");
    }
    shards.push_back(path);
  }
  WeightSet set = open_files(shards);
  set.origin_ = folder;
  for (const auto& [name, shard] : weight_map) {
    bool in_shard = false;
    for (const auto& file : set.files_) {
      if (file->path().filename() == shard && file->find(name) != nullptr) in_shard = true;
    }
    if (!in_shard) {
      fail(index_path, "tensor " + quote_name(name) + " is not in its shard " + quote_name(shard));
    }
  }
  return set;
}

WeightSet WeightSet::open_files(const std::vector<std::filesystem::path>& files) {
  WeightSet set;
  if (files.size() == 1) {
    set.origin_ = files.front();
  } else if (!files.empty()) {
    set.origin_ = files.front().parent_path();
  }
  for (const auto& path : files) {
    set.files_.push_back(SafetensorsFile::open(path));
    const auto& file = *set.files_.back();
    for (const auto& [name, view] : file.tensors()) {
      auto [it, inserted] = set.index_.emplace(name, &view);
      if (!inserted) {
        fail(path,
             "tensor " + quote_name(name) + " is also in " + first_holder(set, name).string());
      }
    }
  }
  return set;
}

const TensorView* WeightSet::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second;
}

const TensorView& WeightSet::get(const std::string& name) const {
  const TensorView* view = find(name);
  if (view == nullptr) fail(origin_, "missing tensor " + name);
  return *view;
}

const TensorView& WeightSet::get(const std::string& name,
                                 const std::vector<int64_t>& expected_shape) const {
  const TensorView& view = get(name);
  if (view.shape != expected_shape) {
    fail(origin_, "tensor " + name + " has shape " + format_text::shape_text(view.shape) +
                      ", expected " + format_text::shape_text(expected_shape));
  }
  return view;
}

std::vector<std::string> WeightSet::names() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& [name, view] : index_) out.push_back(name);
  return out;
}

}  // namespace slipway::engine
