#pragma once
// The canonical form of "the same prompt": answers to equal canonical prompts are candidates
// for a preference pair. Chat: the messages (role, content, name, tool_calls, tool_call_id;
// text content parts joined into one string; nulls and other fields dropped) and the tools
// offered; key order never matters. Completion: the prompt text. Sampling parameters are not
// part of it: the same question at another temperature is the same question.
#include <string>
#include <string_view>

#include "feedback/logged_answer.h"

namespace slipway::feedback {

// Chat: {"messages": [...], ["tools": [...]]}; completion: {"prompt": "..."}. Throws
// std::invalid_argument when the request lacks its messages/prompt.
Json canonical_prompt(AnswerKind kind, const Json& request);
// Lowercase hex SHA-256 of the canonical prompt serialized with sorted keys, prefixed with the
// kind ("chat:" / "completion:") so the two never pair.
std::string prompt_hash(AnswerKind kind, const Json& canonical);
// Lowercase hex SHA-256 of arbitrary bytes (exports' content hashes, output dedup).
std::string sha256_hex(std::string_view bytes);

}  // namespace slipway::feedback
