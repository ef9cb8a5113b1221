#pragma once
// The server's own limits on a model request's content, checked before any backend sees it:
// the number of messages (or prompts) and the max_tokens asked for. (Body and header sizes
// and read timeouts are the connection's; the prompt's tokens are counted by the engine.)
#include <optional>

#include "backends/backend.h"

namespace slipway::http {

struct ServerOptions;

// 400 naming the field and the limit, or nothing.
std::optional<backends::ApiError> check_request_limits(const backends::Json& body,
                                                       backends::Endpoint endpoint,
                                                       const ServerOptions& options);

}  // namespace slipway::http
