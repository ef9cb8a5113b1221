#pragma once
// A LoRA adapter bound to a base model's shapes: for each layer and each adapted linear module,
// A [rank][in_features], B [out_features][rank] (views into the memory-mapped
// adapter_model.safetensors, F32/F16/BF16 as stored) and the scale. The update of a row x is
// y += scale * (x A^T) B^T. Immutable and shared by every sequence that uses it; a sequence
// keeps its adapter alive until it finishes, so unloading never disturbs running streams.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kernels/matmul.h"

namespace slipway::engine {

// The linear modules of a Llama-family layer an adapter may target, in forward order.
enum class LoraTarget { Q, K, V, O, Gate, Up, Down };
constexpr std::size_t kLoraTargetCount = 7;
// "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj".
const char* lora_target_name(LoraTarget target);
// The target called `name` (as lora_target_name spells it), if any.
std::optional<LoraTarget> lora_target_named(std::string_view name);
// The module's full name in the base model, as PEFT and transformers call it:
// "model.layers.3.self_attn.q_proj", "model.layers.3.mlp.down_proj".
std::string lora_module_name(int64_t layer, LoraTarget target);

struct LoraModule {
  kernels::WeightMatrix a;  // [rank][in_features]
  kernels::WeightMatrix b;  // [out_features][rank]
  float scale = 0;          // alpha / rank (or alpha / sqrt(rank) with use_rslora)
  bool present() const { return a.data != nullptr; }
  int64_t rank() const { return a.rows; }
};

struct LoraLayer {
  std::array<LoraModule, kLoraTargetCount> modules;
  const LoraModule& operator[](LoraTarget t) const { return modules[static_cast<std::size_t>(t)]; }
  LoraModule& operator[](LoraTarget t) { return modules[static_cast<std::size_t>(t)]; }
};

class LoraAdapter {
 public:
  // `layers` has one entry per base layer (modules without an update are absent); their views
  // point into `storage`, which the adapter keeps alive (a WeightSet, or vectors in tests).
  // `resident_bytes` is what the adapter holds in memory (its mapped tensor bytes).
  LoraAdapter(std::string name, std::filesystem::path folder, std::vector<LoraLayer> layers,
              std::shared_ptr<const void> storage, int64_t resident_bytes);

  // Process-unique and non-zero: the prefix-cache namespace of sequences using this adapter,
  // so a reloaded adapter never reuses blocks computed with another one.
  uint64_t id() const { return id_; }
  const std::string& name() const { return name_; }
  const std::filesystem::path& folder() const { return folder_; }
  const std::vector<LoraLayer>& layers() const { return layers_; }
  int64_t max_rank() const;
  int64_t resident_bytes() const { return resident_bytes_; }

 private:
  uint64_t id_;
  std::string name_;
  std::filesystem::path folder_;
  std::vector<LoraLayer> layers_;
  std::shared_ptr<const void> storage_;
  int64_t resident_bytes_;
};

}  // namespace slipway::engine
