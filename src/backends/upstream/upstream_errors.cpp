#include "backends/upstream/upstream_errors.h"

namespace slipway::backends {
namespace {

constexpr std::size_t kMaxRawMessage = 300;

std::string raw_excerpt(std::string_view body) {
  std::string out(body.substr(0, kMaxRawMessage));
  if (body.size() > kMaxRawMessage) out += "…";
  return out.empty() ? "(empty body)" : out;
}

std::string string_field(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string upstream_error_message(std::string_view body) {
  const auto json = Json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return raw_excerpt(body);
  if (const auto it = json.find("error"); it != json.end()) {
    if (it->is_object()) {
      auto message = string_field(*it, "message");
      if (!message.empty()) return message;
    } else if (it->is_string()) {
      return it->get<std::string>();  // TGI, llama.cpp's older format
    }
  }
  if (auto message = string_field(json, "message"); !message.empty()) return message;  // vLLM
  if (const auto it = json.find("detail"); it != json.end()) {                         // FastAPI
    return it->is_string() ? it->get<std::string>() : it->dump();
  }
  return raw_excerpt(body);
}

ApiError upstream_status_error(const std::string& upstream_name, int status,
                               std::string_view body) {
  const auto message = upstream_error_message(body);
  if (status >= 400 && status < 500) {
    ApiError error;
    error.status = status;
    error.message = message;
    const auto json = Json::parse(body, nullptr, false);
    const Json* fields = nullptr;
    if (json.is_object()) {
      const auto it = json.find("error");
      fields = it != json.end() && it->is_object() ? &*it : &json;
    }
    if (fields != nullptr) {
      if (auto type = string_field(*fields, "type"); !type.empty()) error.type = type;
      error.param = string_field(*fields, "param");
      error.code = string_field(*fields, "code");
    }
    return error;
  }
  return ApiError::bad_gateway("upstream '" + upstream_name + "' answered HTTP " +
                               std::to_string(status) + ": " + message);
}

}  // namespace slipway::backends
