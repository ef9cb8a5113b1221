#include "backends/embedded/json_fields.h"

#include <cmath>
#include <limits>

namespace slipway::backends {

void fail_type(const std::string& field, const std::string& expected) {
  throw RequestError(ApiError::invalid_field("'" + field + "' must be " + expected, field));
}

void fail_value(const std::string& message, const std::string& field) {
  throw RequestError(ApiError::bad_request(message, field));
}

const Json* find_field(const Json& body, const std::string& name) {
  if (!body.is_object()) return nullptr;
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

bool is_integral(const Json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  const double v = value.get<double>();
  return std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9.2e18;
}

int64_t to_integer(const Json& value, const std::string& field) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail_value("'" + field + "' is out of range", field);
    }
    return static_cast<int64_t>(v);
  }
  if (!is_integral(value)) fail_type(field, "an integer");
  if (value.is_number_integer()) return value.get<int64_t>();
  return static_cast<int64_t>(value.get<double>());
}

std::optional<double> get_number(const Json& body, const std::string& name) {
  const Json* v = find_field(body, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) fail_type(name, "a number");
  return v->get<double>();
}

std::optional<int64_t> get_integer(const Json& body, const std::string& name) {
  const Json* v = find_field(body, name);
  if (v == nullptr) return std::nullopt;
  return to_integer(*v, name);
}

std::optional<bool> get_bool(const Json& body, const std::string& name) {
  const Json* v = find_field(body, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) fail_type(name, "a boolean");
  return v->get<bool>();
}

std::optional<std::string> get_string(const Json& body, const std::string& name) {
  const Json* v = find_field(body, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) fail_type(name, "a string");
  return v->get<std::string>();
}

}  // namespace slipway::backends
