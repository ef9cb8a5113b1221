#pragma once
// Builds the server's non-streaming answers (JSON, errors, text) and the SSE event frames.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "backends/backend.h"

namespace slipway::http {

using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Compact JSON; invalid UTF-8 from a backend is replaced rather than thrown on mid-answer.
std::string dump_json(const backends::Json& value);

Response json_response(int status, const backends::Json& body);
Response error_response(const backends::ApiError& error);
Response text_response(int status, std::string_view content_type, std::string body);

// Errors the HTTP layer itself raises, which backends::ApiError has no shorthand for.
backends::ApiError request_timeout_error(std::string message);     // 408
backends::ApiError method_not_allowed_error(std::string message);  // 405
backends::ApiError header_too_large_error(std::string message);    // 431

// SSE frames: "data: <json>\n\n" and the final "data: [DONE]\n\n".
std::string sse_event(const backends::Json& value);
std::string_view sse_done();

}  // namespace slipway::http
