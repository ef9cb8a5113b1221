#include "engine/lora/adapter_config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "engine/format/format_text.h"
#include "engine/format/json_fields.h"
#include "engine/lora/lora_adapter.h"
#include "engine/lora/module_pattern.h"

namespace slipway::engine {
namespace {

using format_text::quote_name;

// What PEFT targets when target_modules is absent, for every Llama-family model type.
const std::vector<std::string> kDefaultTargets = {"q_proj", "v_proj"};

std::string last_component(const std::string& module) {
  auto dot = module.rfind('.');
  return dot == std::string::npos ? module : module.substr(dot + 1);
}

// The linear layers "all-linear" selects: every projection of a layer, never the output head
// (PEFT excludes it) nor the embeddings (not a linear layer).
bool is_layer_linear(const std::string& module) {
  const std::string last = last_component(module);
  for (std::size_t i = 0; i < kLoraTargetCount; ++i) {
    if (last == lora_target_name(static_cast<LoraTarget>(i))) return true;
  }
  return false;
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void refuse_unsupported(const JsonFields& fields) {
  if (auto type = fields.string("peft_type"); type && *type != "LORA") {
    fields.fail("peft_type", quote_name(*type) + " is not supported, only LORA adapters are");
  }
  if (fields.boolean("use_dora").value_or(false)) {
    fields.fail("use_dora", "DoRA adapters are not supported");
  }
  if (auto bias = fields.string("bias"); bias && *bias != "none") {
    fields.fail("bias", quote_name(*bias) + " is not supported: adapters with trained biases " +
                            "cannot be served, only bias \"none\"");
  }
  if (fields.boolean("lora_bias").value_or(false)) {
    fields.fail("lora_bias", "trained biases of lora_B are not supported");
  }
  if (fields.boolean("fan_in_fan_out").value_or(false)) {
    fields.fail("fan_in_fan_out", "true is not supported (transposed Conv1D weights)");
  }
  if (const auto* saved = fields.find("modules_to_save")) {
    if (!saved->is_array()) fields.fail("modules_to_save", "expected a list or null");
    if (!saved->empty()) {
      fields.fail("modules_to_save", "fully trained modules " + saved->dump() +
                                         " are not supported, only LoRA matrices");
    }
  }
}

int64_t positive_rank(const JsonFields& fields, std::string_view key, int64_t value) {
  if (value < 1) fields.fail(key, "must be a positive integer, got " + std::to_string(value));
  return value;
}

double positive_alpha(const JsonFields& fields, std::string_view key, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    fields.fail(key, "must be a positive number, got " + std::to_string(value));
  }
  return value;
}

void read_targets(const JsonFields& fields, AdapterConfig& config) {
  const auto* targets = fields.find("target_modules");
  if (targets == nullptr) {
    config.target_list = kDefaultTargets;
  } else if (targets->is_string()) {
    const auto& text = targets->get_ref<const std::string&>();
    if (lowercase(text) == "all-linear") {
      config.all_linear = true;
    } else {
      ModulePattern(text, config.source + ": target_modules");  // refuse a bad regex now
      config.target_regex = text;
    }
  } else if (targets->is_array()) {
    for (const auto& item : *targets) {
      if (!item.is_string()) fields.fail("target_modules", "expected a list of module names");
      config.target_list.push_back(item.get<std::string>());
    }
  } else {
    fields.fail("target_modules", "expected a list of module names or a regex string");
  }

  auto layers = fields.integer_or_list("layers_to_transform");
  if (layers.empty()) return;  // PEFT reads an empty list as every layer
  for (int64_t layer : layers) {
    if (layer < 0) fields.fail("layers_to_transform", "layer indices must not be negative");
  }
  if (config.target_regex) {
    fields.fail("layers_to_transform", "cannot be combined with a regex target_modules");
  }
  config.layers_to_transform = std::move(layers);
}

// rank_pattern / alpha_pattern in the order `ordered` gives its keys (file order when it was
// parsed as an ordered_json).
template <typename Json, typename Value, typename Read>
std::vector<std::pair<std::string, Value>> read_patterns(const JsonFields& fields,
                                                         const Json& ordered, const char* key,
                                                         Read read_value) {
  std::vector<std::pair<std::string, Value>> out;
  auto it = ordered.find(key);
  if (it == ordered.end() || it->is_null()) return out;
  if (!it->is_object()) fields.fail(key, "expected an object of regex keys and values");
  for (const auto& [pattern, value] : it->items()) {
    // Refuse a bad regex now, naming its key.
    ModulePattern(ModulePattern::pattern_key_regex(pattern),
                  fields.source().string() + ": " + key + " key " + quote_name(pattern));
    out.emplace_back(pattern, read_value(std::string(key) + "." + pattern, value));
  }
  return out;
}

template <typename Json>
AdapterConfig parse_config(const nlohmann::json& json, const Json& ordered,
                           const std::string& source) {
  if (!json.is_object()) format_text::fail(source, "not a JSON object");
  JsonFields fields(json, source);
  AdapterConfig config;
  config.source = source;
  refuse_unsupported(fields);
  config.r = positive_rank(fields, "r", fields.integer("r").value_or(8));
  config.lora_alpha = positive_alpha(fields, "lora_alpha", fields.number("lora_alpha").value_or(8));
  config.use_rslora = fields.boolean("use_rslora").value_or(false);
  read_targets(fields, config);
  config.rank_pattern = read_patterns<Json, int64_t>(
      fields, ordered, "rank_pattern", [&](const std::string& where, const auto& value) {
        if (!value.is_number_integer()) fields.fail(where, "expected a positive integer rank");
        return positive_rank(fields, where, value.template get<int64_t>());
      });
  config.alpha_pattern = read_patterns<Json, double>(
      fields, ordered, "alpha_pattern", [&](const std::string& where, const auto& value) {
        if (!value.is_number()) fields.fail(where, "expected a positive number");
        return positive_alpha(fields, where, value.template get<double>());
      });
  config.base_model_name_or_path = fields.string("base_model_name_or_path").value_or("");
  return config;
}

template <typename Value>
Value first_pattern_match(const std::vector<std::pair<std::string, Value>>& patterns,
                          const std::string& module, const std::string& where, Value fallback) {
  for (const auto& [key, value] : patterns) {
    if (ModulePattern(ModulePattern::pattern_key_regex(key), where).prefix_match(module)) {
      return value;
    }
  }
  return fallback;
}

}  // namespace

int64_t AdapterConfig::rank_for(const std::string& module) const {
  return first_pattern_match(rank_pattern, module, source + ": rank_pattern", r);
}

double AdapterConfig::alpha_for(const std::string& module) const {
  return first_pattern_match(alpha_pattern, module, source + ": alpha_pattern", lora_alpha);
}

float AdapterConfig::scale_for(const std::string& module) const {
  const double rank = static_cast<double>(rank_for(module));
  return static_cast<float>(alpha_for(module) / (use_rslora ? std::sqrt(rank) : rank));
}

bool AdapterConfig::targets(const std::string& module, int64_t layer) const {
  if (target_regex)
    return ModulePattern(*target_regex, source + ": target_modules").full_match(module);
  // As in PEFT, a list entry naming the module exactly selects it whatever the layer.
  if (std::find(target_list.begin(), target_list.end(), module) != target_list.end()) return true;
  bool selected =
      all_linear
          ? is_layer_linear(module)
          : std::any_of(target_list.begin(), target_list.end(),
                        [&](const std::string& entry) { return module.ends_with("." + entry); });
  if (!selected || !layers_to_transform) return selected;
  return std::find(layers_to_transform->begin(), layers_to_transform->end(), layer) !=
         layers_to_transform->end();
}

AdapterConfig parse_adapter_config(const nlohmann::json& json, const std::string& source) {
  // nlohmann::json keeps object keys sorted, so pattern precedence follows key order here;
  // load_adapter_config keeps the file's order.
  return parse_config(json, json, source);
}

AdapterConfig load_adapter_config(const std::filesystem::path& folder) {
  const auto path = folder / "adapter_config.json";
  if (!std::filesystem::is_regular_file(path)) {
    format_text::fail(folder, "adapter_config.json is missing");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) format_text::fail(path, "cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json json;
  nlohmann::ordered_json ordered;  // rank_pattern and alpha_pattern keys in file order
  try {
    json = nlohmann::json::parse(text.str());
    ordered = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    format_text::fail(path, std::string("not valid JSON: ") + e.what());
  }
  return parse_config(json, ordered, path.string());
}

}  // namespace slipway::engine
