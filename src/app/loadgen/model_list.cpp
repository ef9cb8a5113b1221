#include "app/loadgen/model_list.h"

#include <algorithm>
#include <stdexcept>

namespace slipway::app::loadgen {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::vector<std::string> parse_model_list(const std::string& text) {
  std::vector<std::string> models;
  if (trimmed(text).empty()) return models;
  std::size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    const auto name =
        trimmed(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (name.empty()) {
      throw std::invalid_argument("--model " + text +
                                  ": an empty model name in the comma-separated list");
    }
    models.push_back(name);
    if (comma == std::string::npos) return models;
    start = comma + 1;
  }
}

const std::string& model_for_request(const std::vector<std::string>& models, std::size_t index) {
  if (models.empty()) throw std::logic_error("model_for_request: no models");
  return models[index % models.size()];
}

std::vector<std::string> distinct_models(const std::vector<std::string>& models) {
  std::vector<std::string> out;
  for (const auto& model : models) {
    if (std::find(out.begin(), out.end(), model) == out.end()) out.push_back(model);
  }
  return out;
}

}  // namespace slipway::app::loadgen
