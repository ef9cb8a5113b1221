#include "http/json_request.h"

namespace slipway::http {

using backends::ApiError;
using backends::Json;

std::variant<ModelRequestBody, ApiError> parse_model_body(std::string_view text) {
  ModelRequestBody out;
  try {
    out.body = Json::parse(text);  // also rejects ill-formed UTF-8 inside strings
  } catch (const Json::exception& e) {
    // parse_error, and out_of_range for a number beyond double's range (1e400).
    return ApiError::bad_request(std::string("Invalid JSON body: ") + e.what());
  }
  if (!out.body.is_object()) {
    return ApiError::invalid_field("The request body must be a JSON object.");
  }
  const auto model = out.body.find("model");
  if (model == out.body.end() || model->is_null()) {
    return ApiError::invalid_field("You must provide a model parameter.", "model");
  }
  if (!model->is_string()) {
    return ApiError::invalid_field("`model` must be a string.", "model");
  }
  out.model = model->get<std::string>();
  // OpenAI clients send "stream": null for "not streaming"; anything else must be a bool.
  if (const auto stream = out.body.find("stream"); stream != out.body.end() && !stream->is_null()) {
    if (!stream->is_boolean()) {
      return ApiError::invalid_field("`stream` must be a boolean.", "stream");
    }
    out.stream = stream->get<bool>();
  }
  if (const auto user = out.body.find("user"); user != out.body.end() && user->is_string()) {
    out.user = user->get<std::string>();
  }
  return out;
}

}  // namespace slipway::http
