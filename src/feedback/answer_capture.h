#pragma once
// Rebuilds what each choice of an answer said, from the whole JSON response or from the SSE
// chunks of a stream, for chat completions (content, refusal and tool-call deltas merged by
// index) and legacy completions (text). Feeding is cheap; choices() may be called at any time
// (a stream cut short yields what arrived).
#include <map>
#include <vector>

#include "feedback/logged_answer.h"

namespace slipway::feedback {

class AnswerCapture {
 public:
  explicit AnswerCapture(AnswerKind kind) : kind_(kind) {}

  void add_chunk(const Json& chunk);        // one "data:" event of a stream
  void set_response(const Json& response);  // a whole non-streamed answer
  // The choices seen so far, by index; choices that never appeared are absent. Per-choice
  // completion_tokens are filled when the answer says them (n == 1: usage.completion_tokens).
  std::vector<LoggedChoice> choices() const;
  bool empty() const { return choices_.empty(); }

 private:
  struct ToolCall {
    std::string id, type, name, arguments;
  };
  struct Partial {
    std::string role, content, refusal, text, finish_reason;
    bool has_content = false, has_refusal = false;
    std::map<int, ToolCall> tool_calls;
    Json whole_message;  // set_response: the message as the backend built it
  };

  void read_usage(const Json& body);
  static void read_finish_reason(Partial& partial, const Json& choice);
  static void add_delta(Partial& partial, const Json& delta);
  static Json chat_output(const Partial& partial);

  AnswerKind kind_;
  std::map<int, Partial> choices_;
  std::optional<int64_t> usage_completion_tokens_;
};

}  // namespace slipway::feedback
