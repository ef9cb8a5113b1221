#include "backends/backend.h"

namespace slipway::backends {
namespace {

ApiError make(int status, std::string message, std::string type, std::string param = {},
              std::string code = {}) {
  return ApiError{status,           std::move(message), std::move(type),
                  std::move(param), std::move(code),    std::nullopt};
}

Json optional_string(const std::string& value) {
  return value.empty() ? Json() : Json(value);
}

}  // namespace

Json ApiError::to_json() const {
  Json error = Json::object();
  error["message"] = message;
  error["type"] = type;
  error["param"] = optional_string(param);
  error["code"] = code.empty() ? Json(status) : Json(code);
  return Json{{"error", error}};
}

ApiError ApiError::bad_request(std::string message, std::string param) {
  return make(400, std::move(message), "invalid_request_error", std::move(param));
}
ApiError ApiError::invalid_field(std::string message, std::string param) {
  return make(422, std::move(message), "invalid_request_error", std::move(param));
}
ApiError ApiError::unauthorized(std::string message) {
  return make(401, std::move(message), "authentication_error", {}, "invalid_api_key");
}
ApiError ApiError::not_found(std::string message, std::string code) {
  return make(404, std::move(message), "not_found_error", {}, std::move(code));
}
ApiError ApiError::too_large(std::string message) {
  return make(413, std::move(message), "invalid_request_error", {}, "request_too_large");
}
ApiError ApiError::too_many_requests(std::string message) {
  return make(429, std::move(message), "rate_limit_error", {}, "rate_limit_exceeded");
}
ApiError ApiError::internal(std::string message) {
  return make(500, std::move(message), "server_error");
}
ApiError ApiError::bad_gateway(std::string message) {
  return make(502, std::move(message), "upstream_error", {}, "bad_gateway");
}
ApiError ApiError::unavailable(std::string message) {
  return make(503, std::move(message), "server_error", {}, "service_unavailable");
}
ApiError ApiError::gateway_timeout(std::string message) {
  return make(504, std::move(message), "upstream_error", {}, "timeout");
}

}  // namespace slipway::backends
