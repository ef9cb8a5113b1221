#include "engine/format/json_fields.h"

#include <limits>

#include "engine/format/format_text.h"

namespace slipway::engine {
namespace {

std::optional<int64_t> as_int64(const nlohmann::json& value) {
  if (!value.is_number_integer()) return std::nullopt;
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return value.get<int64_t>();
}

// The offending value for a message, kept short.
std::string brief(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

}  // namespace

JsonFields JsonFields::parse(const std::string& text, const std::filesystem::path& source) {
  auto root = std::make_shared<nlohmann::json>();
  try {
    *root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    format_text::fail(source, std::string("not valid JSON: ") + e.what());
  }
  if (!root->is_object()) format_text::fail(source, "not a JSON object");
  JsonFields fields(*root, source);
  fields.owned_ = root;
  return fields;
}

JsonFields::JsonFields(const nlohmann::json& object, const std::filesystem::path& source,
                       std::string key_prefix)
    : object_(&object), source_(source), key_prefix_(std::move(key_prefix)) {}

void JsonFields::fail(std::string_view key, std::string_view problem) const {
  format_text::fail(source_, key_prefix_ + std::string(key) + ": " + std::string(problem));
}

const nlohmann::json* JsonFields::find(std::string_view key) const {
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<int64_t> JsonFields::integer(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) return std::nullopt;
  auto result = as_int64(*value);
  if (!result) fail(key, "expected an integer, got " + brief(*value));
  return result;
}

std::optional<double> JsonFields::number(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) fail(key, "expected a number, got " + brief(*value));
  return value->get<double>();
}

std::optional<bool> JsonFields::boolean(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) fail(key, "expected true or false, got " + brief(*value));
  return value->get<bool>();
}

std::optional<std::string> JsonFields::string(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) fail(key, "expected a string, got " + brief(*value));
  return value->get<std::string>();
}

std::vector<int64_t> JsonFields::integer_or_list(std::string_view key) const {
  const auto* value = find(key);
  if (value == nullptr) return {};
  if (auto single = as_int64(*value)) return {*single};
  if (!value->is_array()) fail(key, "expected an integer or a list of integers");
  std::vector<int64_t> out;
  for (const auto& item : *value) {
    auto id = as_int64(item);
    if (!id) fail(key, "expected an integer or a list of integers");
    out.push_back(*id);
  }
  return out;
}

int64_t JsonFields::dimension(std::string_view key) const {
  auto value = integer(key);
  if (!value) fail(key, "missing");
  if (*value < 1 || *value > std::numeric_limits<int32_t>::max()) {
    fail(key, "must be between 1 and 2147483647, got " + std::to_string(*value));
  }
  return *value;
}

}  // namespace slipway::engine
