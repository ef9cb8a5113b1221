#include "http/responses.h"

namespace slipway::http {

namespace bhttp = boost::beast::http;
using backends::ApiError;
using backends::Json;

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Response text_response(int status, std::string_view content_type, std::string body) {
  Response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(int status, const Json& body) {
  return text_response(status, "application/json", dump_json(body));
}

Response error_response(const ApiError& error) {
  Response res = json_response(error.status, error.to_json());
  if (error.retry_after_seconds) {
    res.set(boost::beast::http::field::retry_after, std::to_string(*error.retry_after_seconds));
  }
  return res;
}

ApiError request_timeout_error(std::string message) {
  return ApiError{408, std::move(message), "invalid_request_error",
                  {},  "request_timeout",  std::nullopt};
}

ApiError method_not_allowed_error(std::string message) {
  return ApiError{405, std::move(message),   "invalid_request_error",
                  {},  "method_not_allowed", std::nullopt};
}

ApiError header_too_large_error(std::string message) {
  return ApiError{431, std::move(message),  "invalid_request_error",
                  {},  "headers_too_large", std::nullopt};
}

std::string sse_event(const Json& value) {
  return "data: " + dump_json(value) + "\n\n";
}

std::string_view sse_done() {
  return "data: [DONE]\n\n";
}

}  // namespace slipway::http
