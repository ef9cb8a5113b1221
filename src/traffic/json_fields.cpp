#include "traffic/json_fields.h"

#include <algorithm>
#include <cmath>

#include "traffic/route.h"
#include "traffic/time_text.h"
#include "traffic/traffic_error.h"

namespace slipway::traffic {

namespace {

// Integers beyond 2^53 lose precision as doubles; no count or duration needs them.
constexpr double kLargestWhole = 9007199254740992.0;

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

}  // namespace

void throw_invalid(const std::string& message) {
  throw TrafficError(TrafficError::Code::Invalid, message);
}

void require_object(const Json& value, const std::string& what) {
  if (!value.is_object()) throw_invalid(what + " must be a JSON object, got " + value.dump() + ".");
}

void refuse_unknown_fields(const Json& object, std::initializer_list<std::string_view> known,
                           const std::string& what) {
  std::string unknown;
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    unknown += (unknown.empty() ? "" : ", ") + quoted(key);
  }
  if (unknown.empty()) return;
  std::string allowed;
  for (std::string_view name : known) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  throw_invalid("Unknown field" + std::string(unknown.find(',') == std::string::npos ? "" : "s") +
                " " + unknown + " in " + what + " (known: " + allowed + ").");
}

std::string optional_text_field(const Json& object, const std::string& name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw_invalid("\"" + name + "\" must be a string.");
  return it->get<std::string>();
}

bool optional_flag_field(const Json& object, const std::string& name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw_invalid("\"" + name + "\" must be true or false.");
  return it->get<bool>();
}

std::vector<std::string> text_list_field(const Json& value, const std::string& name) {
  if (!value.is_array()) throw_invalid("\"" + name + "\" must be a list of versions.");
  std::vector<std::string> out;
  for (const Json& item : value) {
    if (!item.is_string()) throw_invalid("\"" + name + "\" must be a list of versions.");
    out.push_back(item.get<std::string>());
  }
  return out;
}

double number_field(const Json& value, const std::string& name) {
  if (!value.is_number() || !std::isfinite(value.get<double>()))
    throw_invalid(quoted(name) + " must be a number, got " + value.dump() + ".");
  return value.get<double>();
}

int64_t count_field(const Json& value, const std::string& name) {
  const bool whole = value.is_number() && std::isfinite(value.get<double>()) &&
                     std::trunc(value.get<double>()) == value.get<double>();
  if (!whole || value.get<double>() < 0 || value.get<double>() > kLargestWhole)
    throw_invalid(quoted(name) + " must be a whole number >= 0, got " + value.dump() + ".");
  return value.is_number_integer() ? value.get<int64_t>()
                                   : static_cast<int64_t>(value.get<double>());
}

int64_t duration_field(const Json& value, const std::string& name) {
  if (value.is_string()) {
    try {
      return parse_duration_ms(value.get<std::string>());
    } catch (const TrafficError& e) {
      throw_invalid(quoted(name) + ": " + e.what());
    }
  }
  const double seconds = number_field(value, name);
  try {
    return seconds_to_duration_ms(seconds, value.dump());
  } catch (const TrafficError& e) {
    throw_invalid(quoted(name) + ": " + e.what());
  }
}

Json number_json(double value) {
  if (std::trunc(value) == value && std::fabs(value) <= kLargestWhole)
    return static_cast<int64_t>(value);
  return value;
}

}  // namespace slipway::traffic
