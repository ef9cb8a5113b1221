#pragma once
// Parses a model request's body and checks the few fields the server itself relies on
// ("model", "stream", "user"); backends validate the rest of the schema.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "backends/backend.h"

namespace slipway::http {

struct ModelRequestBody {
  backends::Json body;
  std::string model;
  bool stream = false;
  std::optional<std::string> user;  // body "user" when it is a string
};

// 400 for malformed JSON or invalid UTF-8, 422 for a non-object or a mistyped field.
std::variant<ModelRequestBody, backends::ApiError> parse_model_body(std::string_view text);

}  // namespace slipway::http
