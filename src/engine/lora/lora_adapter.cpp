#include "engine/lora/lora_adapter.h"

#include <algorithm>
#include <atomic>

namespace slipway::engine {
namespace {

std::atomic<uint64_t> next_adapter_id{1};

}  // namespace

const char* lora_target_name(LoraTarget target) {
  switch (target) {
    case LoraTarget::Q:
      return "q_proj";
    case LoraTarget::K:
      return "k_proj";
    case LoraTarget::V:
      return "v_proj";
    case LoraTarget::O:
      return "o_proj";
    case LoraTarget::Gate:
      return "gate_proj";
    case LoraTarget::Up:
      return "up_proj";
    case LoraTarget::Down:
      return "down_proj";
  }
  return "?";
}

std::optional<LoraTarget> lora_target_named(std::string_view name) {
  for (std::size_t i = 0; i < kLoraTargetCount; ++i) {
    const auto target = static_cast<LoraTarget>(i);
    if (name == lora_target_name(target)) return target;
  }
  return std::nullopt;
}

std::string lora_module_name(int64_t layer, LoraTarget target) {
  const bool attention = target <= LoraTarget::O;
  return "model.layers." + std::to_string(layer) + (attention ? ".self_attn." : ".mlp.") +
         lora_target_name(target);
}

LoraAdapter::LoraAdapter(std::string name, std::filesystem::path folder,
                         std::vector<LoraLayer> layers, std::shared_ptr<const void> storage,
                         int64_t resident_bytes)
    : id_(next_adapter_id.fetch_add(1)),
      name_(std::move(name)),
      folder_(std::move(folder)),
      layers_(std::move(layers)),
      storage_(std::move(storage)),
      resident_bytes_(resident_bytes) {}

int64_t LoraAdapter::max_rank() const {
  int64_t rank = 0;
  for (const auto& layer : layers_)
    for (const auto& module : layer.modules) rank = std::max(rank, module.rank());
  return rank;
}

}  // namespace slipway::engine
