#pragma once
// How an upstream's error answers become our OpenAI-style errors: its 4xx are the client's
// mistakes and pass through with their status and message; anything else is a bad gateway.
#include <string>
#include <string_view>

#include "backends/backend.h"

namespace slipway::backends {

// The message of an error body as vLLM, TGI, llama.cpp, Ollama or FastAPI write it (or the
// start of the raw body when it is none of those).
std::string upstream_error_message(std::string_view body);

// The error for an upstream answer with a status other than 200.
ApiError upstream_status_error(const std::string& upstream_name, int status, std::string_view body);

}  // namespace slipway::backends
