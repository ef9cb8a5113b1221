#pragma once
// One request's choices while they run: gathers each sequence's outputs, streams chunks or
// builds the whole body, and ends with exactly one on_done() once every sequence finished.
// Independent of the Scheduler, so the protocol can be tested with made-up outputs.
//
// Sink calls are serialized by a mutex (several sequences report from the scheduler thread;
// the submitting thread reports too). Outputs that arrive before all sequences of the request
// were submitted are held back, so that a failed submit (429) can still answer with a plain
// error status instead of a broken stream.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/embedded/logprobs_format.h"
#include "backends/embedded/usage.h"
#include "engine/scheduler.h"

namespace slipway::backends {

using TimePoint = std::chrono::steady_clock::time_point;

enum class ResponseKind { Chat, Completion };

struct RequestPlan {
  ResponseKind kind = ResponseKind::Chat;
  ResponseMeta meta;
  bool stream = false;
  bool include_usage = false;
  bool logprobs = false;
  int64_t n = 1;                       // choices per prompt
  std::vector<int64_t> prompt_tokens;  // per prompt; choices = prompts × n
  std::string served_by;
  TimePoint start;
};

class RequestState {
 public:
  RequestState(RequestPlan plan, TokenTextFn text_of, std::shared_ptr<ResponseSink> sink);

  int64_t choice_count() const { return static_cast<int64_t>(choices_.size()); }
  // One output of the sequence of choice `choice` (index = prompt_index * n + j).
  void on_output(int64_t choice, engine::SequenceOutput&& output, TimePoint now);
  // The submitting thread is done: `submitted` sequences (choices 0..submitted-1) will each
  // deliver a final output; `error` is set when the others could not be submitted (their
  // siblings are aborted by the caller and the request answers with the error).
  void submitted(int64_t submitted, std::optional<ApiError> error, TimePoint now);
  // The client is gone: aborted sequences end the request with on_done() only.
  void mark_cancelled() { cancelled_ = true; }

 private:
  struct Choice {
    std::string text;
    Json chat_logprobs = Json::array();
    CompletionLogprobs completion_logprobs;
    int64_t tokens = 0;
    bool finished = false;
    engine::FinishReason reason = engine::FinishReason::Length;
    std::string error;
    engine::SequenceStats stats;
    std::optional<TimePoint> last_token_time;
  };
  struct Held {
    int64_t choice;
    engine::SequenceOutput output;
    TimePoint time;
  };

  void process(int64_t choice, engine::SequenceOutput& output, TimePoint now);
  void stream_step(int64_t index, Choice& choice, const engine::SequenceOutput& output);
  void ensure_roles_sent();
  Json step_logprobs(Choice& choice, const engine::SequenceOutput& output);
  void finish_if_complete(TimePoint now);
  std::optional<ApiError> failure(TimePoint now) const;
  Usage usage() const;
  CompletionStats completion_stats(TimePoint now) const;

  RequestPlan plan_;
  TokenTextFn text_of_;
  std::shared_ptr<ResponseSink> sink_;
  std::atomic<bool> cancelled_{false};

  std::mutex mutex_;
  std::vector<Choice> choices_;
  bool ready_ = false;
  int64_t expected_finals_ = 0;
  int64_t finals_ = 0;
  std::optional<ApiError> submit_error_;
  std::vector<Held> held_;
  bool roles_sent_ = false;
  bool done_ = false;
  std::vector<double> inter_token_seconds_;  // choice 0
};

}  // namespace slipway::backends
