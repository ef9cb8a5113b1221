#include "http/request_limits.h"

#include "http/server.h"

namespace slipway::http {

using backends::ApiError;
using backends::Endpoint;
using backends::Json;

namespace {

ApiError over_limit(const std::string& field, const std::string& what, int64_t limit,
                    const std::string& setting) {
  ApiError error =
      ApiError::bad_request("`" + field + "` " + what + "; this server allows at most " +
                                std::to_string(limit) + " (server." + setting + ").",
                            field);
  error.code = "limit_exceeded";
  return error;
}

}  // namespace

std::optional<ApiError> check_request_limits(const Json& body, Endpoint endpoint,
                                             const ServerOptions& options) {
  if (endpoint != Endpoint::ChatCompletions && endpoint != Endpoint::Completions) {
    return std::nullopt;
  }
  const int64_t max_items = static_cast<int64_t>(options.max_messages);
  const char* list = endpoint == Endpoint::ChatCompletions ? "messages" : "prompt";
  // A completion's prompt may be a list of token ids: that is one prompt, not a list of them.
  const auto items = body.find(list);
  const bool is_list =
      items != body.end() && items->is_array() && !(items->size() > 0 && (*items)[0].is_number());
  if (max_items > 0 && is_list && static_cast<int64_t>(items->size()) > max_items) {
    return over_limit(list, "has " + std::to_string(items->size()) + " entries", max_items,
                      "max_messages");
  }
  if (options.max_tokens <= 0) return std::nullopt;
  for (const char* field : {"max_tokens", "max_completion_tokens"}) {
    const auto value = body.find(field);
    if (value == body.end() || !value->is_number_integer()) continue;
    if (value->get<double>() > static_cast<double>(options.max_tokens)) {
      return over_limit(field, "is " + value->dump(), options.max_tokens, "max_tokens");
    }
  }
  return std::nullopt;
}

}  // namespace slipway::http
