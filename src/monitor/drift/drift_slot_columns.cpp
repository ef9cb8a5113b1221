#include "monitor/drift/drift_slot_columns.h"

#include <charconv>
#include <functional>
#include <nlohmann/json.hpp>

namespace slipway::monitor {

namespace {

// Terms and finish reasons come from model output and clients: bytes that are not UTF-8 are
// written as U+FFFD rather than failing the flush.
std::string dump(const nlohmann::json& object) {
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Calls `visit(key, count)` for each entry of a JSON object whose count is a positive integer.
void for_each_count(const std::string& text,
                    const std::function<void(const std::string&, int64_t)>& visit) {
  const auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return;
  for (const auto& [key, count] : parsed.items()) {
    if (!count.is_number_integer()) continue;
    const auto value = count.get<int64_t>();
    if (value > 0) visit(key, value);
  }
}

}  // namespace

std::string counts_to_json(const ValueCounts& counts) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [value, count] : counts) object[std::to_string(value)] = count;
  return dump(object);
}

std::string counts_to_json(const LabelCounts& counts) {
  return dump(nlohmann::json(counts));
}

ValueCounts value_counts_from_json(const std::string& text) {
  ValueCounts counts;
  for_each_count(text, [&](const std::string& key, int64_t count) {
    int64_t value = 0;
    const char* end = key.data() + key.size();
    const auto [stop, error] = std::from_chars(key.data(), end, value);
    if (error == std::errc() && stop == end) counts[value] += count;
  });
  return counts;
}

LabelCounts label_counts_from_json(const std::string& text) {
  LabelCounts counts;
  for_each_count(text, [&](const std::string& key, int64_t count) { counts[key] += count; });
  return counts;
}

}  // namespace slipway::monitor
