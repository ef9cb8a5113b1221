#include "engine/lora/lora_fit.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace slipway::engine {

LoraShape lora_target_shape(const ModelConfig& c, LoraTarget target) {
  const int64_t q_width = c.num_attention_heads * c.head_dim;
  const int64_t kv_width = c.num_key_value_heads * c.head_dim;
  switch (target) {
    case LoraTarget::Q:
      return {c.hidden_size, q_width};
    case LoraTarget::K:
    case LoraTarget::V:
      return {c.hidden_size, kv_width};
    case LoraTarget::O:
      return {q_width, c.hidden_size};
    case LoraTarget::Gate:
    case LoraTarget::Up:
      return {c.hidden_size, c.intermediate_size};
    case LoraTarget::Down:
      return {c.intermediate_size, c.hidden_size};
  }
  return {};
}

void check_adapter_fits(const LoraAdapter& adapter, const ModelConfig& config) {
  // Messages are built only on failure: the forward pass checks every request of every step.
  const auto who = [&] { return "LoRA adapter '" + adapter.name() + "'"; };
  const auto layers = static_cast<int64_t>(adapter.layers().size());
  if (layers != config.num_hidden_layers)
    throw std::invalid_argument(who() + " has " + std::to_string(layers) +
                                " layers, the model has " +
                                std::to_string(config.num_hidden_layers));
  for (int64_t l = 0; l < layers; ++l) {
    const LoraLayer& layer = adapter.layers()[static_cast<std::size_t>(l)];
    for (std::size_t t = 0; t < kLoraTargetCount; ++t) {
      const auto target = static_cast<LoraTarget>(t);
      const LoraModule& m = layer[target];
      if (!m.present()) continue;
      const LoraShape want = lora_target_shape(config, target);
      const auto where = [&] {
        return who() + " layer " + std::to_string(l) + " " + lora_target_name(target) + ": ";
      };
      if (m.b.data == nullptr) throw std::invalid_argument(where() + "lora_B is missing");
      if (m.a.rows <= 0 || m.a.cols != want.in || m.b.rows != want.out || m.b.cols != m.a.rows)
        throw std::invalid_argument(where() + "lora_A is [" + std::to_string(m.a.rows) + ", " +
                                    std::to_string(m.a.cols) + "] and lora_B [" +
                                    std::to_string(m.b.rows) + ", " + std::to_string(m.b.cols) +
                                    "], the model needs [r, " + std::to_string(want.in) +
                                    "] and [" + std::to_string(want.out) + ", r]");
      if (!std::isfinite(m.scale)) throw std::invalid_argument(where() + "the scale is not finite");
    }
  }
}

}  // namespace slipway::engine
