#pragma once
// /v1/completions bodies and stream chunks ("text_completion") in OpenAI's exact shape.
#include <cstdint>
#include <string>
#include <vector>

#include "backends/embedded/usage.h"

namespace slipway::backends {

inline constexpr const char* kCompletionObject = "text_completion";

// {"id", "object": "text_completion", ..., "choices": [{"index", "text", "logprobs",
// "finish_reason"}], "usage"}.
Json completion_body(const ResponseMeta& meta, const std::vector<ChoiceOutput>& choices,
                     const Usage& usage);

// A stream chunk: the same object with one choice and no usage ("usage": null with
// include_usage). finish_reason is null until the choice's last chunk.
Json completion_chunk(const ResponseMeta& meta, int64_t index, const std::string& text,
                      Json logprobs, Json finish_reason, bool include_usage);

}  // namespace slipway::backends
