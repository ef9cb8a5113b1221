#include "http/admin/admin_body.h"

#include <charconv>
#include <vector>

namespace slipway::http {

using backends::ApiError;

namespace {

std::string backticked(std::string_view name) {
  return "`" + std::string(name) + "`";
}

ApiError wrong_type(std::string_view name, std::string_view what) {
  return ApiError::invalid_field(backticked(name) + " must be " + std::string(what) + ".",
                                 std::string(name));
}

const Json* member(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += backticked(name);
  }
  return out;
}

std::optional<int64_t> parse_digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

const Json& body_object(const Json& body, bool optional) {
  static const Json kEmpty = Json::object();
  if (body.is_null()) {
    if (optional) return kEmpty;
    throw ApiError::bad_request("This request needs a JSON object body.");
  }
  if (!body.is_object()) throw ApiError::invalid_field("The request body must be a JSON object.");
  return body;
}

void reject_unknown_fields(const Json& object, std::initializer_list<std::string_view> allowed,
                           std::string_view prefix) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const auto name : allowed) known = known || name == key;
    if (!known) unknown.push_back(std::string(prefix) + key);
  }
  if (unknown.empty()) return;
  std::string known_list;
  for (const auto name : allowed) {
    if (!known_list.empty()) known_list += ", ";
    known_list += std::string(prefix) + std::string(name);
  }
  throw ApiError::bad_request((unknown.size() == 1 ? "Unknown field " : "Unknown fields ") +
                                  joined(unknown) + "; the known fields are: " + known_list + ".",
                              unknown.front());
}

void reject_unknown_query(const std::map<std::string, std::string>& query,
                          std::initializer_list<std::string_view> allowed) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : query) {
    bool known = false;
    for (const auto name : allowed) known = known || name == key;
    if (!known) unknown.push_back(key);
  }
  if (unknown.empty()) return;
  std::string known_list;
  for (const auto name : allowed) {
    if (!known_list.empty()) known_list += ", ";
    known_list += std::string(name);
  }
  throw ApiError::bad_request(
      (unknown.size() == 1 ? "Unknown query parameter " : "Unknown query parameters ") +
          joined(unknown) +
          "; this path takes: " + (known_list.empty() ? std::string("none") : known_list) + ".",
      unknown.front());
}

std::optional<std::string> optional_string(const Json& object, std::string_view key,
                                           std::string_view name) {
  const Json* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) throw wrong_type(name, "a string");
  return value->get<std::string>();
}

std::string required_string(const Json& object, std::string_view key, std::string_view name) {
  auto value = optional_string(object, key, name);
  if (!value) {
    throw ApiError::bad_request("Missing required field " + backticked(name) + ".",
                                std::string(name));
  }
  if (value->empty()) {
    throw ApiError::bad_request(backticked(name) + " must not be empty.", std::string(name));
  }
  return std::move(*value);
}

std::optional<bool> optional_bool(const Json& object, std::string_view key, std::string_view name) {
  const Json* value = member(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) throw wrong_type(name, "a boolean");
  return value->get<bool>();
}

Json optional_object(const Json& object, std::string_view key, std::string_view name) {
  const Json* value = member(object, key);
  if (value == nullptr) return Json::object();
  if (!value->is_object()) throw wrong_type(name, "an object");
  return *value;
}

Json optional_string_map(const Json& object, std::string_view key, std::string_view name) {
  Json map = optional_object(object, key, name);
  for (const auto& [entry, value] : map.items()) {
    if (!value.is_string()) {
      throw wrong_type(std::string(name) + "." + entry, "a string");
    }
  }
  return map;
}

int64_t version_number(const Json& value, std::string_view name) {
  std::optional<int64_t> number;
  if (value.is_number_integer()) {
    number = value.get<int64_t>();
  } else if (value.is_string()) {
    number = parse_digits(value.get_ref<const std::string&>());
  } else {
    throw wrong_type(name, "a version number (an integer, or a string of digits)");
  }
  if (!number || *number < 1) {
    throw ApiError::bad_request(backticked(name) + " must be a version number of 1 or more.",
                                std::string(name));
  }
  return *number;
}

std::optional<int64_t> query_integer(const std::map<std::string, std::string>& query,
                                     std::string_view name) {
  const auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  auto number = parse_digits(it->second);
  if (!number) {
    throw ApiError::bad_request("Query parameter " + backticked(name) + " must be a number.",
                                std::string(name));
  }
  return number;
}

}  // namespace slipway::http
