#include "engine/lora/lora_loader.h"

#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/format/format_text.h"
#include "engine/format/weight_set.h"
#include "engine/lora/adapter_config.h"
#include "engine/lora/lora_fit.h"

namespace slipway::engine {
namespace {

using format_text::fail;
using format_text::quote_name;
using format_text::shape_text;

constexpr std::string_view kPeftPrefix = "base_model.model.";

enum class Matrix { A, B };

// One tensor of the file, read from its name: the module it adapts and which matrix it is.
struct LoraTensorName {
  std::string module;  // e.g. "model.layers.3.self_attn.q_proj"
  Matrix matrix;
};

// A module of a base layer that LoRA may adapt.
struct ModuleSlot {
  int64_t layer;
  LoraTarget target;
  bool operator<(const ModuleSlot& other) const {
    return std::pair(layer, target) < std::pair(other.layer, other.target);
  }
};

struct TensorPair {
  std::string module;
  const TensorView* a = nullptr;
  const TensorView* b = nullptr;
};

std::vector<std::string> split_dots(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = text.find('.', start);
    parts.emplace_back(text.substr(start, dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

std::string join_dots(const std::vector<std::string>& parts, std::size_t end) {
  std::string out;
  for (std::size_t i = 0; i < end; ++i) out += (i > 0 ? "." : "") + parts[i];
  return out;
}

// "...<module>.lora_A.weight" or "...<module>.lora_A.default.weight" (older PEFT keeps the
// adapter name), with or without the "base_model.model." prefix. Everything else is refused
// with the reason.
LoraTensorName parse_tensor_name(const std::filesystem::path& folder, const std::string& name) {
  std::string_view bare = name;
  if (bare.starts_with(kPeftPrefix)) bare.remove_prefix(kPeftPrefix.size());
  const auto parts = split_dots(bare);
  const std::string quoted = quote_name(name);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part == "lora_embedding_A" || part == "lora_embedding_B") {
      fail(folder, "tensor " + quoted + ": adapters on embeddings are not supported");
    }
    if (part == "lora_magnitude_vector") {
      fail(folder, "tensor " + quoted + ": DoRA (lora_magnitude_vector) is not supported");
    }
    if (part != "lora_A" && part != "lora_B") continue;
    const std::size_t rest = parts.size() - i - 1;
    const bool weight = (rest == 1 && parts[i + 1] == "weight") ||
                        (rest == 2 && parts[i + 1] == "default" && parts[i + 2] == "weight");
    if (!weight && parts.back() == "bias") {
      fail(folder, "tensor " + quoted + ": trained LoRA biases are not supported");
    }
    if (!weight || i == 0) break;
    return {join_dots(parts, i), part == "lora_A" ? Matrix::A : Matrix::B};
  }
  fail(folder, "tensor " + quoted +
                   " is not a LoRA matrix (expected <module>.lora_A.weight or "
                   "<module>.lora_B.weight); fully trained weights are not supported");
}

std::optional<int64_t> parse_index(const std::string& text) {
  // Module names spell indices plainly: no sign, no leading zero.
  if (text.empty() || text.size() > 9 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<LoraTarget> target_named(const std::string& group, const std::string& name) {
  const auto target = lora_target_named(name);
  const bool attention = target && *target <= LoraTarget::O;
  if (target && group == (attention ? "self_attn" : "mlp")) return target;
  return std::nullopt;
}

// "model.layers.N.self_attn.{q,k,v,o}_proj" or "model.layers.N.mlp.{gate,up,down}_proj".
ModuleSlot parse_module(const std::filesystem::path& folder, const ModelConfig& base,
                        const std::string& module, const std::string& tensor) {
  const auto parts = split_dots(module);
  const std::string quoted = quote_name(tensor);
  if (module == "lm_head" || module == "model.embed_tokens") {
    fail(folder, "tensor " + quoted + ": adapters on " + module + " are not supported");
  }
  std::optional<int64_t> layer;
  std::optional<LoraTarget> target;
  if (parts.size() == 5 && parts[0] == "model" && parts[1] == "layers") {
    layer = parse_index(parts[2]);
    target = target_named(parts[3], parts[4]);
  }
  if (!layer || !target) {
    fail(folder, "tensor " + quoted + ": module " + quote_name(module) +
                     " is not supported (only the q/k/v/o, gate, up and down projections of "
                     "model.layers.N)");
  }
  if (*layer >= base.num_hidden_layers) {
    fail(folder, "tensor " + quoted + ": layer " + std::to_string(*layer) +
                     " does not exist, the base model has " +
                     std::to_string(base.num_hidden_layers) + " layers");
  }
  return {*layer, *target};
}

void expect_shape(const std::filesystem::path& folder, const TensorView& tensor,
                  const std::vector<int64_t>& expected) {
  if (tensor.shape != expected) {
    fail(folder, "tensor " + quote_name(tensor.name) + " has shape " + shape_text(tensor.shape) +
                     ", expected " + shape_text(expected) +
                     " (is the adapter made for another base model?)");
  }
}

// Checks one A/B pair against the config, the limits and the base, and binds its views.
LoraModule bind_module(const std::filesystem::path& folder, const AdapterConfig& config,
                       const ModelConfig& base, const LoraLimits& limits, LoraTarget target,
                       const TensorPair& pair) {
  const TensorView& a = *pair.a;
  const TensorView& b = *pair.b;
  if (a.shape.size() != 2 || b.shape.size() != 2 || b.shape[1] != a.shape[0]) {
    fail(folder, "tensors " + quote_name(a.name) + " " + shape_text(a.shape) + " and " +
                     quote_name(b.name) + " " + shape_text(b.shape) +
                     " are not matrices [r,in] and [out,r] of one rank");
  }
  const int64_t rank = a.shape[0];
  const int64_t configured = config.rank_for(pair.module);
  if (rank != configured) {
    fail(folder, pair.module + " has rank " + std::to_string(rank) +
                     " in adapter_model.safetensors but rank " + std::to_string(configured) +
                     " in adapter_config.json");
  }
  if (rank > limits.max_rank) {
    fail(folder, "rank " + std::to_string(rank) + " of " + pair.module +
                     " exceeds the maximum LoRA rank " + std::to_string(limits.max_rank) +
                     " (engine.max_lora_rank)");
  }
  const auto [in, out] = lora_target_shape(base, target);
  expect_shape(folder, a, {rank, in});
  expect_shape(folder, b, {out, rank});
  LoraModule module;
  module.a = {a.dtype, a.data, rank, in};
  module.b = {b.dtype, b.data, out, rank};
  module.scale = config.scale_for(pair.module);
  return module;
}

// Every A and B of the file by module, each pair complete.
std::map<ModuleSlot, TensorPair> collect_pairs(const std::filesystem::path& folder,
                                               const ModelConfig& base, const WeightSet& weights) {
  std::map<ModuleSlot, TensorPair> pairs;
  for (const auto& name : weights.names()) {
    LoraTensorName parsed = parse_tensor_name(folder, name);
    ModuleSlot slot = parse_module(folder, base, parsed.module, name);
    TensorPair& pair = pairs[slot];
    pair.module = parsed.module;
    const TensorView*& place = parsed.matrix == Matrix::A ? pair.a : pair.b;
    if (place != nullptr) {
      fail(folder, "tensors " + quote_name(place->name) + " and " + quote_name(name) +
                       " are the same matrix");
    }
    place = weights.find(name);
  }
  for (const auto& [slot, pair] : pairs) {
    if (pair.a == nullptr || pair.b == nullptr) {
      const TensorView& present = pair.a != nullptr ? *pair.a : *pair.b;
      fail(folder, "tensor " + quote_name(present.name) + " has no matching " +
                       (pair.a == nullptr ? "lora_A" : "lora_B") + " tensor");
    }
  }
  return pairs;
}

void require_files(const std::filesystem::path& folder) {
  if (!std::filesystem::is_directory(folder)) {
    fail(folder,
         "is not a folder (an adapter folder holds adapter_config.json and "
         "adapter_model.safetensors)");
  }
  if (!std::filesystem::is_regular_file(folder / "adapter_config.json")) {
    fail(folder, "adapter_config.json is missing");
  }
  if (!std::filesystem::is_regular_file(folder / "adapter_model.safetensors")) {
    if (std::filesystem::exists(folder / "adapter_model.bin")) {
      fail(folder,
           "adapter_model.safetensors is missing; adapter_model.bin (a Python pickle) is "
           "not loaded, convert it to safetensors (save_pretrained with "
           "safe_serialization=True)");
    }
    fail(folder, "adapter_model.safetensors is missing");
  }
}

}  // namespace

std::shared_ptr<const LoraAdapter> load_lora_adapter(const std::filesystem::path& folder,
                                                     const ModelConfig& base,
                                                     const LoraLimits& limits,
                                                     const std::string& name) {
  require_files(folder);
  const AdapterConfig config = load_adapter_config(folder);
  const auto file = folder / "adapter_model.safetensors";
  auto weights = std::make_shared<const WeightSet>(WeightSet::open_files({file}));
  if (weights->names().empty()) fail(folder, "adapter_model.safetensors holds no tensors");

  std::vector<LoraLayer> layers(static_cast<std::size_t>(base.num_hidden_layers));
  for (const auto& [slot, pair] : collect_pairs(folder, base, *weights)) {
    if (!config.targets(pair.module, slot.layer)) {
      fail(folder, "adapter_model.safetensors adapts " + pair.module +
                       ", which adapter_config.json does not target");
    }
    layers[static_cast<std::size_t>(slot.layer)][slot.target] =
        bind_module(folder, config, base, limits, slot.target, pair);
  }
  // The mapping is what the adapter costs: every view points into it, nothing is copied.
  const auto resident_bytes = static_cast<int64_t>(std::filesystem::file_size(file));
  return std::make_shared<LoraAdapter>(name, folder, std::move(layers), std::move(weights),
                                       resident_bytes);
}

}  // namespace slipway::engine
