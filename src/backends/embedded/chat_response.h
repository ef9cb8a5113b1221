#pragma once
// /v1/chat/completions bodies and stream chunks in OpenAI's exact shape.
#include <cstdint>
#include <string>
#include <vector>

#include "backends/embedded/usage.h"

namespace slipway::backends {

inline constexpr const char* kChatObject = "chat.completion";
inline constexpr const char* kChatChunkObject = "chat.completion.chunk";

// {"id", "object": "chat.completion", ..., "choices": [{"index", "message": {"role":
// "assistant", "content"}, "logprobs", "finish_reason"}], "usage"}.
Json chat_completion_body(const ResponseMeta& meta, const std::vector<ChoiceOutput>& choices,
                          const Usage& usage);

// One chunk of one choice: {"index", "delta", "logprobs", "finish_reason"}; with
// include_usage every chunk carries "usage": null (the usage comes in the last chunk).
Json chat_chunk(const ResponseMeta& meta, int64_t index, Json delta, Json logprobs,
                Json finish_reason, bool include_usage);
// The first chunk of a choice: delta {"role": "assistant", "content": ""}.
Json chat_role_chunk(const ResponseMeta& meta, int64_t index, bool include_usage);
// Text as it arrives; logprobs: null or {"content": [entries of this step's tokens]}.
Json chat_content_chunk(const ResponseMeta& meta, int64_t index, const std::string& text,
                        Json logprobs, bool include_usage);
// The last chunk of a choice: empty delta and the finish_reason.
Json chat_finish_chunk(const ResponseMeta& meta, int64_t index, const std::string& finish_reason,
                       bool include_usage);

}  // namespace slipway::backends
