#pragma once
// One answer as the response log receives it from the HTTP layer: who asked what of which
// route and version, what each choice said, and how long it took. The log turns it into a
// metadata row per choice (always) and a body row (sampled, redacted, size-capped).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "feedback/json.h"

namespace slipway::feedback {

enum class AnswerKind {
  Chat,        // /v1/chat/completions: the request has "messages", choices are messages
  Completion,  // /v1/completions: the request has "prompt", choices are text
};

// One choice (index 0..n-1 of a request with n > 1).
struct LoggedChoice {
  int index = 0;
  // Chat: the assistant message {"role": "assistant", "content": ..., ["tool_calls": [...]]}.
  // Completion: {"text": "..."}.
  Json output = Json::object();
  std::string finish_reason;                 // stop, length, tool_calls, abort, ...; may be empty
  std::optional<int64_t> completion_tokens;  // when known for this choice
};

struct LoggedAnswer {
  std::string id;  // the OpenAI "id" the client got ("chatcmpl-…", "cmpl-…")
  AnswerKind kind = AnswerKind::Chat;
  std::string route;                  // the model name the client asked for
  std::string version;                // the version (backend) that answered
  std::string arm = "stable";         // stable, canary or shadow (traffic issue)
  std::string primary_id;             // shadow answers: the id of the primary answer they mirror
  std::string user;                   // the "user" field or X-User-Id; may be empty
  Json request = Json::object();      // the client's body as sent (messages/prompt and parameters)
  std::vector<LoggedChoice> choices;  // at least one
  int status = 200;                   // 200, or 499 when the client left mid-stream
  int64_t prompt_tokens = 0;
  std::optional<double> ttft_seconds;  // request start to first token, when known
  double latency_seconds = 0;          // request start to the last byte
  int64_t created_ms = 0;              // when the request arrived (ms since the Unix epoch)
};

const char* answer_kind_name(AnswerKind kind);  // "chat" / "completion"

}  // namespace slipway::feedback
