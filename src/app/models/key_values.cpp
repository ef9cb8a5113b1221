#include "app/models/key_values.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace slipway::app::models {

using registry::Json;

std::pair<std::string, std::string> split_key_value(const std::string& text,
                                                    const std::string& flag) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::invalid_argument(flag + " takes key=value, got '" + text + "'");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Json parse_param_value(const std::string& text) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Json(text);
  return value;
}

double parse_metric_value(const std::string& key, const std::string& text) {
  const Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_number() || !std::isfinite(value.get<double>())) {
    throw std::invalid_argument("--metric " + key + " must be a number, got '" + text + "'");
  }
  return value.get<double>();
}

Json read_json_object_file(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(flag + ": cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  Json value = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) throw std::invalid_argument(flag + ": " + path + " is not valid JSON");
  if (!value.is_object()) {
    throw std::invalid_argument(flag + ": " + path + " must hold a JSON object");
  }
  return value;
}

Json build_params(const std::string& file, const std::vector<std::string>& flags) {
  Json params = file.empty() ? Json::object() : read_json_object_file(file, "--params-file");
  for (const auto& flag : flags) {
    auto [key, value] = split_key_value(flag, "--param");
    params[key] = parse_param_value(value);
  }
  return params;
}

Json build_metrics(const std::string& file, const std::vector<std::string>& flags) {
  Json metrics = file.empty() ? Json::object() : read_json_object_file(file, "--metrics-file");
  for (const auto& [key, value] : metrics.items()) {
    if (!value.is_number()) {
      throw std::invalid_argument("--metrics-file: " + file + ": metric \"" + key +
                                  "\" must be a number, got " + value.dump());
    }
  }
  for (const auto& flag : flags) {
    auto [key, value] = split_key_value(flag, "--metric");
    parse_metric_value(key, value);
    metrics[key] = Json::parse(value);  // integers stay integers
  }
  return metrics;
}

Json build_tags(const std::vector<std::string>& flags) {
  Json tags = Json::object();
  for (const auto& flag : flags) {
    auto [key, value] = split_key_value(flag, "--tag");
    tags[key] = value;
  }
  return tags;
}

}  // namespace slipway::app::models
