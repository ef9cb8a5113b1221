#pragma once
// adapter_config.json of a PEFT LoRA adapter: rank and alpha (with per-module rank_pattern and
// alpha_pattern), rsLoRA scaling, which modules are targeted (a list of suffixes, a regex or
// "all-linear", optionally limited to some layers), and what this engine refuses (DoRA,
// trained biases, fan_in_fan_out, modules_to_save, embedding adapters), each with a clear
// FormatError naming the file.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace slipway::engine {

struct AdapterConfig {
  std::string source;  // the file, for messages
  int64_t r = 8;
  double lora_alpha = 8;
  bool use_rslora = false;  // scale alpha / sqrt(r) instead of alpha / r
  // target_modules: a list (a module whose name is an entry or ends with "." + entry), a regex
  // (Python re.fullmatch over the module's full name, e.g. "model.layers.3.self_attn.q_proj"),
  // or "all-linear" (every linear layer but the output head).
  std::vector<std::string> target_list;
  std::optional<std::string> target_regex;
  bool all_linear = false;
  std::optional<std::vector<int64_t>> layers_to_transform;
  // Keys are regexes matched as PEFT does: a module matches key k when its full name matches
  // "(.*\.)?(k)$"; the first matching key in file order wins.
  std::vector<std::pair<std::string, int64_t>> rank_pattern;
  std::vector<std::pair<std::string, double>> alpha_pattern;
  std::string base_model_name_or_path;  // informational: the base is checked by shapes

  // Rank and alpha of one module (full name such as "model.layers.3.self_attn.q_proj").
  int64_t rank_for(const std::string& module) const;
  double alpha_for(const std::string& module) const;
  // lora_alpha / r, or lora_alpha / sqrt(r) with use_rslora, with the module's own r and alpha.
  float scale_for(const std::string& module) const;
  // Whether target_modules (and layers_to_transform) select this module.
  bool targets(const std::string& module, int64_t layer) const;
};

// Parses the JSON of adapter_config.json; `source` names it in errors. nlohmann::json keeps
// object keys sorted, so here rank_pattern/alpha_pattern keys apply in sorted order;
// load_adapter_config reads the file itself and keeps its order, as PEFT does. Throws FormatError
// for peft_type other than LORA, use_dora, bias other than "none", fan_in_fan_out, modules_to_save,
// r or lora_alpha not positive, a target_modules of the wrong type.
AdapterConfig parse_adapter_config(const nlohmann::json& json, const std::string& source);
// Reads FOLDER/adapter_config.json (FormatError when missing or not JSON).
AdapterConfig load_adapter_config(const std::filesystem::path& folder);

}  // namespace slipway::engine
