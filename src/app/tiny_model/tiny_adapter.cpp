#include "app/tiny_model/tiny_adapter.h"

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "app/tiny_model/random_weights.h"
#include "engine/format/model_config.h"
#include "engine/format/safetensors_stream_writer.h"
#include "engine/lora/lora_adapter.h"
#include "engine/lora/lora_fit.h"

namespace slipway::app {
namespace {

engine::LoraTarget target_of(const std::string& name) {
  if (auto target = engine::lora_target_named(name)) return *target;
  throw std::runtime_error("unknown LoRA target \"" + name +
                           "\" (expected q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, "
                           "down_proj or all)");
}

// "all" stands for every linear module of a layer; the others must be distinct known names.
std::vector<std::string> resolve_targets(const std::vector<std::string>& requested) {
  if (requested.size() == 1 && requested[0] == "all") {
    std::vector<std::string> all;
    for (std::size_t t = 0; t < engine::kLoraTargetCount; ++t)
      all.emplace_back(engine::lora_target_name(static_cast<engine::LoraTarget>(t)));
    return all;
  }
  if (requested.empty()) throw std::runtime_error("no LoRA targets given");
  std::set<std::string> seen;
  for (const auto& target : requested) {
    if (target == "all") throw std::runtime_error("\"all\" cannot be combined with other targets");
    if (!seen.insert(target).second)
      throw std::runtime_error("LoRA target \"" + target + "\" given twice");
  }
  return requested;
}

nlohmann::json number_json(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) return static_cast<int64_t>(value);
  return value;
}

// The fields PEFT 0.13+ writes for a LoRA adapter, in its (alphabetical) order.
nlohmann::ordered_json config_json(const std::filesystem::path& base,
                                   const TinyAdapterOptions& options,
                                   const std::vector<std::string>& targets) {
  nlohmann::ordered_json j;
  j["alpha_pattern"] = nlohmann::ordered_json::object();
  j["auto_mapping"] = nullptr;
  j["base_model_name_or_path"] = base.string();
  j["bias"] = "none";
  j["fan_in_fan_out"] = false;
  j["inference_mode"] = true;
  j["init_lora_weights"] = true;
  j["layers_pattern"] = nullptr;
  j["layers_to_transform"] = nullptr;
  j["lora_alpha"] = number_json(options.alpha);
  j["lora_dropout"] = 0.0;
  j["modules_to_save"] = nullptr;
  j["peft_type"] = "LORA";
  j["r"] = options.rank;
  j["rank_pattern"] = nlohmann::ordered_json::object();
  j["revision"] = nullptr;
  j["target_modules"] = targets;
  j["task_type"] = "CAUSAL_LM";
  j["use_dora"] = false;
  j["use_rslora"] = options.use_rslora;
  return j;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text << '\n';
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

void write_tiny_adapter(const std::filesystem::path& out, const std::filesystem::path& base,
                        const TinyAdapterOptions& options) {
  if (options.rank < 1) throw std::runtime_error("LoRA rank must be at least 1");
  if (!(options.alpha > 0) || !std::isfinite(options.alpha))
    throw std::runtime_error("LoRA alpha must be a positive number");
  const std::vector<std::string> targets = resolve_targets(options.targets);
  const engine::ModelConfig config = engine::load_model_config(base);
  if (std::filesystem::exists(out) && !std::filesystem::is_directory(out))
    throw std::runtime_error(out.string() + " exists and is not a folder");

  const double rank = static_cast<double>(options.rank);
  const double scale = options.use_rslora ? options.alpha / std::sqrt(rank) : options.alpha / rank;
  // A ~ N(0, 1/in) and B ~ N(0, s^2) give scale * B A entries of RMS scale * sqrt(r) * s /
  // sqrt(in); s = 0.7 / (scale * sqrt(r)) makes that 0.7 / sqrt(in), the RMS of tiny-model's
  // base matrices, so the adapter clearly changes what the model says.
  const float b_std = static_cast<float>(0.7 / (scale * std::sqrt(rank)));

  std::vector<engine::TensorSpec> specs;
  std::map<std::string, std::pair<TensorInit, uint64_t>> inits;
  const std::string suffix = options.default_suffix ? ".default.weight" : ".weight";
  for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer) {
    for (const auto& target : targets) {
      const engine::LoraTarget target_id = target_of(target);
      const engine::LoraShape shape = engine::lora_target_shape(config, target_id);
      const std::string module = engine::lora_module_name(layer, target_id);
      const float a_std = static_cast<float>(1.0 / std::sqrt(static_cast<double>(shape.in)));
      // Seeded by the name without ".default", so both spellings hold the same values.
      for (const char* half : {"lora_A", "lora_B"}) {
        const bool is_a = half[5] == 'A';
        const std::string seed_name = module + "." + half;
        const std::string name = "base_model.model." + seed_name + suffix;
        std::vector<int64_t> dims = is_a ? std::vector<int64_t>{options.rank, shape.in}
                                         : std::vector<int64_t>{shape.out, options.rank};
        specs.push_back({name, options.dtype, std::move(dims)});
        inits.emplace(name,
                      std::make_pair(TensorInit{TensorInit::Kind::Normal, is_a ? a_std : b_std},
                                     tensor_seed(options.seed, seed_name)));
      }
    }
  }

  std::filesystem::create_directories(out);
  write_text(out / "adapter_config.json", config_json(base, options, targets).dump(2));
  engine::write_safetensors_streamed(
      out / "adapter_model.safetensors", std::move(specs), {{"format", "pt"}},
      [&](const engine::TensorSpec& spec, std::size_t first, std::span<std::byte> bytes) {
        const auto& [init, seed] = inits.at(spec.name);
        fill_random(seed, init, spec.dtype, first, bytes);
      });
}

}  // namespace slipway::app
