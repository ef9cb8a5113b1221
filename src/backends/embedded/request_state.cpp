#include "backends/embedded/request_state.h"

#include <cstdio>

#include "backends/embedded/chat_response.h"
#include "backends/embedded/completion_response.h"

namespace slipway::backends {
namespace {

using engine::FinishReason;

double seconds(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

bool answered(FinishReason reason) {
  return reason == FinishReason::Stop || reason == FinishReason::Length;
}

}  // namespace

RequestState::RequestState(RequestPlan plan, TokenTextFn text_of,
                           std::shared_ptr<ResponseSink> sink)
    : plan_(std::move(plan)), text_of_(std::move(text_of)), sink_(std::move(sink)) {
  choices_.resize(plan_.prompt_tokens.size() * static_cast<std::size_t>(plan_.n));
}

void RequestState::on_output(int64_t choice, engine::SequenceOutput&& output, TimePoint now) {
  std::lock_guard lock(mutex_);
  if (done_ || choice < 0 || choice >= choice_count()) return;
  if (!ready_) {
    held_.push_back(Held{choice, std::move(output), now});
    return;
  }
  process(choice, output, now);
  finish_if_complete(now);
}

void RequestState::submitted(int64_t submitted, std::optional<ApiError> error, TimePoint now) {
  std::lock_guard lock(mutex_);
  ready_ = true;
  expected_finals_ = submitted;
  submit_error_ = std::move(error);
  for (auto& held : held_) process(held.choice, held.output, held.time);
  held_.clear();
  finish_if_complete(now);
}

void RequestState::process(int64_t index, engine::SequenceOutput& output, TimePoint now) {
  Choice& choice = choices_[static_cast<std::size_t>(index)];
  if (choice.finished) return;  // the scheduler promises one final; be safe anyway
  choice.tokens += static_cast<int64_t>(output.tokens.size());
  if (!output.tokens.empty()) {
    if (index == 0 && choice.last_token_time) {
      inter_token_seconds_.push_back(seconds(*choice.last_token_time, now));
    }
    choice.last_token_time = now;
  }
  if (!submit_error_ && output.finish_reason != FinishReason::Abort) {
    if (plan_.stream) {
      if (!output.finished || answered(output.finish_reason)) stream_step(index, choice, output);
    } else {
      choice.text += output.text;
      if (plan_.logprobs) {
        if (plan_.kind == ResponseKind::Chat) {
          append_chat_logprobs(choice.chat_logprobs, output.tokens, text_of_);
        } else {
          choice.completion_logprobs.append(output.tokens, text_of_);
        }
      }
    }
  }
  if (output.finished) {
    choice.finished = true;
    choice.reason = output.finish_reason;
    choice.error = output.error;
    choice.stats = output.stats;
    ++finals_;
  }
}

Json RequestState::step_logprobs(Choice& choice, const engine::SequenceOutput& output) {
  if (!plan_.logprobs || output.tokens.empty()) return nullptr;
  if (plan_.kind == ResponseKind::Chat) {
    Json content = Json::array();
    append_chat_logprobs(content, output.tokens, text_of_);
    return Json{{"content", std::move(content)}};
  }
  choice.completion_logprobs.append(output.tokens, text_of_);
  Json step = choice.completion_logprobs.to_json();
  choice.completion_logprobs.clear_entries();
  return step;
}

void RequestState::ensure_roles_sent() {
  if (roles_sent_ || plan_.kind != ResponseKind::Chat) return;
  roles_sent_ = true;
  // Every choice opens with its role, as vLLM sends them all at the first step.
  for (int64_t i = 0; i < choice_count(); ++i) {
    sink_->on_chunk(chat_role_chunk(plan_.meta, i, plan_.include_usage));
  }
}

void RequestState::stream_step(int64_t index, Choice& choice,
                               const engine::SequenceOutput& output) {
  Json logprobs = step_logprobs(choice, output);
  // A step that sampled a token streams a chunk even when the token has no text yet (part of a
  // UTF-8 character, a possible stop string, a special token): clients see every token's
  // timing. The final step's chunk carries the finish reason instead.
  const bool sampled = !output.tokens.empty() && !output.finished;
  const bool has_content = !output.text.empty() || !logprobs.is_null() || sampled;
  if (has_content || output.finished) ensure_roles_sent();
  const bool chat = plan_.kind == ResponseKind::Chat;
  if (has_content) {
    sink_->on_chunk(chat ? chat_content_chunk(plan_.meta, index, output.text, std::move(logprobs),
                                              plan_.include_usage)
                         : completion_chunk(plan_.meta, index, output.text, std::move(logprobs),
                                            nullptr, plan_.include_usage));
  }
  if (output.finished) {
    const std::string reason(engine::finish_reason_name(output.finish_reason));
    sink_->on_chunk(
        chat ? chat_finish_chunk(plan_.meta, index, reason, plan_.include_usage)
             : completion_chunk(plan_.meta, index, "", nullptr, reason, plan_.include_usage));
  }
}

std::optional<ApiError> RequestState::failure(TimePoint now) const {
  if (submit_error_) return submit_error_;
  bool aborted = false;
  for (const Choice& choice : choices_) {
    if (choice.reason == FinishReason::Timeout) {
      char text[64];
      std::snprintf(text, sizeof text, "request timed out after %.1f s", seconds(plan_.start, now));
      return ApiError::gateway_timeout(text);
    }
  }
  for (const Choice& choice : choices_) {
    if (choice.reason == FinishReason::Error) {
      return ApiError::internal("the engine failed: " + (choice.error.empty()
                                                             ? std::string("unknown error")
                                                             : choice.error));
    }
    aborted = aborted || choice.reason == FinishReason::Abort;
  }
  // An abort nobody asked for: the engine is shutting down.
  if (aborted && !cancelled_) {
    return ApiError::unavailable("the engine stopped before the request finished");
  }
  return std::nullopt;
}

Usage RequestState::usage() const {
  Usage usage;
  for (std::size_t p = 0; p < plan_.prompt_tokens.size(); ++p) {
    usage.prompt_tokens += plan_.prompt_tokens[p];
    // Each prompt is counted once: its first choice's cache hits stand for it.
    usage.cached_tokens +=
        choices_[p * static_cast<std::size_t>(plan_.n)].stats.cached_prompt_tokens;
  }
  for (const Choice& choice : choices_) usage.completion_tokens += choice.tokens;
  return usage;
}

CompletionStats RequestState::completion_stats(TimePoint now) const {
  const Usage u = usage();
  CompletionStats stats;
  stats.prompt_tokens = u.prompt_tokens;
  stats.completion_tokens = u.completion_tokens;
  stats.cached_prompt_tokens = u.cached_tokens;
  const Choice& first = choices_.front();
  if (first.finished) {
    stats.finish_reason = std::string(engine::finish_reason_name(first.reason));
    stats.queue_seconds = first.stats.queue_seconds;
    if (first.tokens > 0) stats.first_token_seconds = first.stats.first_token_seconds;
  } else {
    stats.finish_reason = "error";  // never submitted
  }
  stats.total_seconds = seconds(plan_.start, now);
  stats.inter_token_seconds = inter_token_seconds_;
  stats.served_by = plan_.served_by;
  return stats;
}

void RequestState::finish_if_complete(TimePoint now) {
  if (done_ || !ready_ || finals_ < expected_finals_) return;
  done_ = true;
  bool aborted = false;
  for (const Choice& choice : choices_) aborted = aborted || choice.reason == FinishReason::Abort;
  if (auto error = failure(now)) {
    sink_->on_error(std::move(*error));
  } else if (aborted) {
    // The client cancelled: nobody reads a partial answer, on_done() alone ends it.
  } else if (plan_.stream) {
    if (plan_.include_usage) {
      sink_->on_chunk(usage_chunk(
          plan_.meta, plan_.kind == ResponseKind::Chat ? kChatChunkObject : kCompletionObject,
          usage()));
    }
  } else {
    std::vector<ChoiceOutput> outputs;
    for (int64_t i = 0; i < choice_count(); ++i) {
      Choice& choice = choices_[static_cast<std::size_t>(i)];
      ChoiceOutput out;
      out.index = i;
      out.text = std::move(choice.text);
      out.finish_reason = std::string(engine::finish_reason_name(choice.reason));
      if (plan_.logprobs) {
        out.logprobs = plan_.kind == ResponseKind::Chat
                           ? Json{{"content", std::move(choice.chat_logprobs)}}
                           : choice.completion_logprobs.to_json();
      }
      outputs.push_back(std::move(out));
    }
    sink_->on_response(plan_.kind == ResponseKind::Chat
                           ? chat_completion_body(plan_.meta, outputs, usage())
                           : completion_body(plan_.meta, outputs, usage()));
  }
  sink_->on_done(completion_stats(now));
}

}  // namespace slipway::backends
