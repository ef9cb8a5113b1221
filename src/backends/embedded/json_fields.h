#pragma once
// Typed reads of request fields. A field that is absent or null counts as unset (OpenAI
// clients send null for "default"); a value of the wrong JSON type is a 422, a value out of
// range is a 400. Errors travel as RequestError until the backend turns them into on_error().
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "backends/backend.h"

namespace slipway::backends {

class RequestError : public std::runtime_error {
 public:
  explicit RequestError(ApiError error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

// 422: the field has the wrong JSON type ("expected" reads like "a number").
[[noreturn]] void fail_type(const std::string& field, const std::string& expected);
// 400: the value is not acceptable.
[[noreturn]] void fail_value(const std::string& message, const std::string& field);

// The field's value, or nullptr when it is absent or null.
const Json* find_field(const Json& body, const std::string& name);

// An integer, or a float with an integral value (as pydantic accepts 5.0 for an int).
bool is_integral(const Json& value);
int64_t to_integer(const Json& value, const std::string& field);  // 422 unless is_integral

std::optional<double> get_number(const Json& body, const std::string& name);
std::optional<int64_t> get_integer(const Json& body, const std::string& name);
std::optional<bool> get_bool(const Json& body, const std::string& name);
std::optional<std::string> get_string(const Json& body, const std::string& name);

}  // namespace slipway::backends
