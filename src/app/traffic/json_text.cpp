#include "app/traffic/json_text.h"

#include <algorithm>

#include "app/models/format.h"

namespace slipway::app::traffic {

std::string field_text(const Json& object, const std::string& key, const std::string& none) {
  if (!object.is_object()) return none;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return none;
  if (it->is_string()) return it->get<std::string>().empty() ? none : it->get<std::string>();
  return it->dump();
}

std::optional<double> field_number(const Json& object, const std::string& key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string field_time(const Json& object, const std::string& key) {
  if (auto ms = field_number(object, key + "_ms"))
    return models::format_time(static_cast<int64_t>(*ms));
  if (auto ms = field_number(object, key)) return models::format_time(static_cast<int64_t>(*ms));
  return field_text(object, key);
}

std::string field_list(const Json& object, const std::string& key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_array() ||
      object[key].empty())
    return "-";
  std::string out;
  for (const Json& item : object[key]) {
    if (!out.empty()) out += ", ";
    out += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return out;
}

const Json& list_rows(const Json& answer) {
  static const Json empty = Json::array();
  if (answer.is_array()) return answer;
  if (answer.is_object() && answer.contains("data") && answer["data"].is_array())
    return answer["data"];
  return empty;
}

std::string format_span(int64_t ms) {
  const int64_t seconds = std::max<int64_t>(ms, 0) / 1000;
  const int64_t days = seconds / 86'400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60;
  if (days > 0) return std::to_string(days) + "d " + std::to_string(hours) + "h";
  if (hours > 0) return std::to_string(hours) + "h " + std::to_string(minutes) + "m";
  if (minutes > 0) return std::to_string(minutes) + "m " + std::to_string(seconds % 60) + "s";
  return std::to_string(seconds) + "s";
}

}  // namespace slipway::app::traffic
