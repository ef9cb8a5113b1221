#include "app/lora/merge_adapter.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/lora/merge_paths.h"
#include "app/lora/merged_matrix.h"
#include "engine/format/model_config.h"
#include "engine/format/safetensors_file.h"
#include "engine/format/safetensors_stream_writer.h"
#include "engine/format/weight_set.h"

namespace slipway::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIndexName = "model.safetensors.index.json";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text << '\n';
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// The base's weight files in its own layout: model.safetensors, or the index's shards.
std::vector<std::string> weight_files(const fs::path& base, nlohmann::ordered_json* index) {
  if (fs::is_regular_file(base / "model.safetensors")) return {"model.safetensors"};
  *index = nlohmann::ordered_json::parse(read_text(base / kIndexName));
  std::vector<std::string> shards;
  for (const auto& [name, shard] : index->at("weight_map").items()) {
    const auto& file = shard.get_ref<const std::string&>();
    if (std::find(shards.begin(), shards.end(), file) == shards.end()) shards.push_back(file);
  }
  return shards;
}

// Files of an HF folder that hold weights in another format: copying them would hand out the
// unmerged base next to the merged one.
bool is_other_weight_file(const fs::path& file) {
  const std::string ext = file.extension().string();
  return ext == ".bin" || ext == ".pth" || ext == ".pt" || ext == ".gguf" || ext == ".ckpt" ||
         ext == ".h5" || ext == ".msgpack";
}

// config.json, generation_config.json, tokenizer files, chat templates, README, ...: every
// top-level file but the weights. Subfolders (e.g. Meta's original/ checkpoints) are skipped.
void copy_other_files(const fs::path& base, const fs::path& out) {
  for (const auto& entry : fs::directory_iterator(base)) {
    const fs::path& path = entry.path();
    if (!entry.is_regular_file()) continue;
    const std::string name = path.filename().string();
    if (path.extension() == ".safetensors" || name == kIndexName || is_other_weight_file(path))
      continue;
    fs::copy_file(path, out / name, fs::copy_options::overwrite_existing);
  }
}

std::string module_tensor_name(int64_t layer, engine::LoraTarget target) {
  return engine::lora_module_name(layer, target) + ".weight";
}

// The base tensor each adapted module replaces, checked against the base's stored shapes.
std::map<std::string, const engine::LoraModule*> adapted_tensors(const engine::LoraAdapter& adapter,
                                                                 const engine::WeightSet& weights) {
  std::map<std::string, const engine::LoraModule*> out;
  const auto& layers = adapter.layers();
  for (std::size_t layer = 0; layer < layers.size(); ++layer) {
    for (std::size_t t = 0; t < engine::kLoraTargetCount; ++t) {
      const engine::LoraModule& module = layers[layer].modules[t];
      if (!module.present()) continue;
      const std::string name =
          module_tensor_name(static_cast<int64_t>(layer), static_cast<engine::LoraTarget>(t));
      weights.get(name, {module.b.rows, module.a.cols});
      out.emplace(name, &module);
    }
  }
  return out;
}

// Writes one weight file of the merged model with the same tensors, dtypes and metadata as the
// base file; returns the bytes of tensor data written.
int64_t write_merged_file(const engine::SafetensorsFile& source, const fs::path& target,
                          const std::map<std::string, const engine::LoraModule*>& adapted,
                          MergeReport& report) {
  std::vector<engine::TensorSpec> specs;
  int64_t data_bytes = 0;
  for (const auto& [name, view] : source.tensors()) {
    specs.push_back({name, view.dtype, view.shape});
    data_bytes += static_cast<int64_t>(view.nbytes);
  }
  report.tensors_written += static_cast<int64_t>(specs.size());

  std::string current;  // the adapted tensor `merged` belongs to
  std::unique_ptr<MergedMatrix> merged;
  engine::write_safetensors_streamed(
      target, std::move(specs), source.metadata(),
      [&](const engine::TensorSpec& spec, std::size_t first, std::span<std::byte> out) {
        const engine::TensorView& view = source.tensors().at(spec.name);
        auto it = adapted.find(spec.name);
        if (it == adapted.end()) {
          std::memcpy(out.data(), view.data + first * engine::dtype_size(view.dtype), out.size());
          return;
        }
        if (current != spec.name) {
          merged = std::make_unique<MergedMatrix>(view, *it->second);
          current = spec.name;
        }
        merged->fill(first, out);
      });
  report.bytes_written += static_cast<int64_t>(fs::file_size(target));
  return data_bytes;
}

void write_merged(const fs::path& base, const engine::LoraAdapter& adapter, const fs::path& out,
                  MergeReport& report) {
  const engine::WeightSet weights = engine::WeightSet::open_folder(base);
  const auto adapted = adapted_tensors(adapter, weights);
  report.modules_merged = static_cast<int64_t>(adapted.size());

  copy_other_files(base, out);
  nlohmann::ordered_json index;
  int64_t total_size = 0;
  for (const auto& file : weight_files(base, &index)) {
    auto source = engine::SafetensorsFile::open(base / file);
    total_size += write_merged_file(*source, out / file, adapted, report);
  }
  if (!index.is_null()) {
    // Same weight_map (names and shards are unchanged); total_size is recomputed.
    index["metadata"]["total_size"] = total_size;
    write_text(out / kIndexName, index.dump(2));
  }
}

}  // namespace

MergeReport merge_adapter(const fs::path& base, const fs::path& adapter, const fs::path& out,
                          const engine::LoraLimits& limits) {
  const MergePaths paths = check_merge_paths(base, adapter, out);
  const engine::ModelConfig config = engine::load_model_config(base);
  const auto lora = engine::load_lora_adapter(adapter, config, limits, adapter.string());

  const fs::path temp = paths.out.parent_path() /
                        (paths.out.filename().string() + ".partial-" + std::to_string(::getpid()));
  MergeReport report;
  try {
    fs::remove_all(temp);
    fs::create_directories(temp);
    write_merged(base, *lora, temp, report);
    // rename(2) replaces an empty folder, which check_merge_paths allowed.
    fs::rename(temp, paths.out);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    throw;
  }
  return report;
}

}  // namespace slipway::app
