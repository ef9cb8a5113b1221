#pragma once
// Why a sequence stopped generating.
#include <string_view>

namespace slipway::engine {

enum class FinishReason {
  Stop,     // an EOS or stop token, or a stop string
  Length,   // max_tokens or the end of the context
  Abort,    // the caller aborted it (e.g. the client disconnected)
  Timeout,  // its deadline passed
  Error,    // the engine failed while running it
};

// "stop", "length", "abort", "timeout", "error" ("stop" and "length" as OpenAI says).
std::string_view finish_reason_name(FinishReason reason);

}  // namespace slipway::engine
