#pragma once
// Helpers of the LoRA tests: random in-memory adapters for a model (the engine reads them as
// views of vectors, as it would views of a mapped file), the merged weights W + scale * B A
// computed in double, and a model folder written from them.
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../tiny_model.h"
#include "engine/format/safetensors_writer.h"
#include "engine/lora/lora_adapter.h"
#include "engine/lora/lora_fit.h"

namespace slipway::engine::test {

inline constexpr std::array<LoraTarget, kLoraTargetCount> kAllTargets = {
    LoraTarget::Q,    LoraTarget::K,  LoraTarget::V,   LoraTarget::O,
    LoraTarget::Gate, LoraTarget::Up, LoraTarget::Down};
inline const std::vector<LoraTarget> kAttention = {LoraTarget::Q, LoraTarget::K, LoraTarget::V,
                                                   LoraTarget::O};

struct RandomAdapterSpec {
  std::string name = "adapter";
  int64_t rank = 8;
  std::vector<LoraTarget> targets = kAttention;
  std::vector<int64_t> layers;  // empty: every layer
  double alpha = 16;            // scale = alpha / rank
  DType dtype = DType::F32;
  bool zero_b = false;
  uint64_t seed = 1;
  int64_t layer_count = -1;  // -1: the model's (another value builds a misfit adapter)
};

// The adapter and the values its matrices hold, as the engine reads them (rounded to dtype).
struct RandomAdapter {
  struct Values {
    std::vector<float> a, b;  // [rank][in], [out][rank]; empty when the module is absent
    double scale = 0;
  };
  std::shared_ptr<const LoraAdapter> adapter;
  std::vector<std::array<Values, kLoraTargetCount>> values;  // [layer][target]
  int64_t tensor_bytes = 0;
};

inline RandomAdapter make_random_adapter(const ModelConfig& config, const RandomAdapterSpec& s) {
  const int64_t layer_count = s.layer_count < 0 ? config.num_hidden_layers : s.layer_count;
  auto storage = std::make_shared<std::vector<OwnedTensor>>();
  storage->reserve(static_cast<std::size_t>(layer_count * 2 * kLoraTargetCount));
  std::vector<LoraLayer> layers(static_cast<std::size_t>(layer_count));
  RandomAdapter out;
  out.values.resize(static_cast<std::size_t>(layer_count));
  std::mt19937_64 rng(s.seed);
  auto matrix = [&](int64_t rows, int64_t cols, double spread, std::vector<float>& values) {
    std::uniform_real_distribution<double> dist(-spread, spread);
    values.resize(static_cast<std::size_t>(rows * cols));
    for (float& v : values) v = static_cast<float>(dist(rng));
    storage->push_back(make_tensor(s.dtype, {rows, cols}, values));
    const OwnedTensor& t = storage->back();
    for (std::size_t i = 0; i < values.size(); ++i) {  // what the engine reads back
      uint16_t bits;
      if (s.dtype == DType::F32) break;
      std::memcpy(&bits, &t.bytes[i * 2], 2);
      values[i] = s.dtype == DType::BF16 ? bf16_to_float(bits) : f16_to_float(bits);
    }
    out.tensor_bytes += static_cast<int64_t>(t.bytes.size());
    return kernels::WeightMatrix{s.dtype, t.bytes.data(), rows, cols};
  };
  for (int64_t l = 0; l < layer_count; ++l) {
    if (!s.layers.empty() && std::find(s.layers.begin(), s.layers.end(), l) == s.layers.end())
      continue;
    for (LoraTarget target : s.targets) {
      const LoraShape shape = lora_target_shape(config, target);
      auto& values = out.values[static_cast<std::size_t>(l)][static_cast<std::size_t>(target)];
      LoraModule& module = layers[static_cast<std::size_t>(l)][target];
      module.a = matrix(s.rank, shape.in, 1.0 / std::sqrt(static_cast<double>(shape.in)), values.a);
      module.b = matrix(shape.out, s.rank,
                        s.zero_b ? 0.0 : 1.0 / std::sqrt(static_cast<double>(s.rank)), values.b);
      module.scale = static_cast<float>(s.alpha / static_cast<double>(s.rank));
      values.scale = module.scale;
    }
  }
  out.adapter = std::make_shared<LoraAdapter>(s.name, std::filesystem::path(), std::move(layers),
                                              storage, out.tensor_bytes);
  return out;
}

inline std::string lora_weight_name(int64_t layer, LoraTarget target) {
  const bool attention = target == LoraTarget::Q || target == LoraTarget::K ||
                         target == LoraTarget::V || target == LoraTarget::O;
  return "model.layers." + std::to_string(layer) + (attention ? ".self_attn." : ".mlp.") +
         lora_target_name(target) + ".weight";
}

// W + scale * B A for every adapted module, summed in double and rounded to F32.
inline std::map<std::string, std::vector<float>> merged_weights(
    const ModelConfig& config, std::map<std::string, std::vector<float>> weights,
    const RandomAdapter& adapter) {
  for (std::size_t l = 0; l < adapter.values.size(); ++l) {
    for (LoraTarget target : kAllTargets) {
      const auto& v = adapter.values[l][static_cast<std::size_t>(target)];
      if (v.a.empty()) continue;
      const LoraShape shape = lora_target_shape(config, target);
      const int64_t rank = static_cast<int64_t>(v.a.size()) / shape.in;
      auto& w = weights.at(lora_weight_name(static_cast<int64_t>(l), target));
      for (int64_t o = 0; o < shape.out; ++o) {
        for (int64_t i = 0; i < shape.in; ++i) {
          double delta = 0;
          for (int64_t k = 0; k < rank; ++k)
            delta += static_cast<double>(v.b[o * rank + k]) * v.a[k * shape.in + i];
          w[o * shape.in + i] = static_cast<float>(w[o * shape.in + i] + v.scale * delta);
        }
      }
    }
  }
  return weights;
}

// Writes an F32 model folder holding `weights` (as write_tiny_model returns them), with
// base_folder's config.json.
inline void write_weights_folder(const std::filesystem::path& base_folder,
                                 const std::filesystem::path& folder,
                                 const std::map<std::string, std::vector<float>>& weights,
                                 const ModelConfig& config) {
  std::filesystem::create_directories(folder);
  std::filesystem::copy_file(base_folder / "config.json", folder / "config.json",
                             std::filesystem::copy_options::overwrite_existing);
  std::map<std::string, OwnedTensor> tensors;
  for (const auto& [name, values] : weights) {
    const auto size = static_cast<int64_t>(values.size());
    int64_t cols = config.hidden_size;  // embeddings, lm_head and projections from hidden
    if (name.find("norm") != std::string::npos || name.find("bias") != std::string::npos)
      cols = size;
    if (name.find("o_proj") != std::string::npos)
      cols = lora_target_shape(config, LoraTarget::O).in;
    if (name.find("down_proj") != std::string::npos)
      cols = lora_target_shape(config, LoraTarget::Down).in;
    tensors[name] = cols == size ? make_tensor(DType::F32, {size}, values)
                                 : make_tensor(DType::F32, {size / cols, cols}, values);
  }
  write_safetensors(folder / "model.safetensors", tensors);
}

}  // namespace slipway::engine::test
