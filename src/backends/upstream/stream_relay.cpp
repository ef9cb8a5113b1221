#include "backends/upstream/stream_relay.h"

#include "backends/upstream/upstream_errors.h"

namespace slipway::backends {
namespace {

bool non_empty_string(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

// Whether choice 0 of a chunk carries generated output (text, content, reasoning, tools).
bool has_output(const Json& choice) {
  if (non_empty_string(choice, "text")) return true;
  const auto delta = choice.find("delta");
  if (delta == choice.end() || !delta->is_object()) return false;
  if (non_empty_string(*delta, "content") || non_empty_string(*delta, "reasoning_content")) {
    return true;
  }
  const auto tools = delta->find("tool_calls");
  return tools != delta->end() && tools->is_array() && !tools->empty();
}

const Json* choice_zero(const Json& body) {
  const auto choices = body.find("choices");
  if (choices == body.end() || !choices->is_array()) return nullptr;
  for (const auto& choice : *choices) {
    if (!choice.is_object()) continue;
    const auto index = choice.find("index");
    if (index == choice.end() || (index->is_number_integer() && index->get<int64_t>() == 0)) {
      return &choice;
    }
  }
  return nullptr;
}

void read_usage(const Json& usage, std::optional<int64_t>& prompt,
                std::optional<int64_t>& completion, int64_t& cached) {
  if (!usage.is_object()) return;
  if (const auto it = usage.find("prompt_tokens"); it != usage.end() && it->is_number_integer()) {
    prompt = it->get<int64_t>();
  }
  if (const auto it = usage.find("completion_tokens");
      it != usage.end() && it->is_number_integer()) {
    completion = it->get<int64_t>();
  }
  if (const auto details = usage.find("prompt_tokens_details");
      details != usage.end() && details->is_object()) {
    if (const auto it = details->find("cached_tokens");
        it != details->end() && it->is_number_integer()) {
      cached = it->get<int64_t>();
    }
  }
}

}  // namespace

StreamRelay::StreamRelay(std::string upstream_name, std::string client_model, bool hide_usage,
                         Clock::time_point start)
    : upstream_name_(std::move(upstream_name)),
      client_model_(std::move(client_model)),
      hide_usage_(hide_usage),
      start_(start) {}

StreamRelay::Step StreamRelay::on_event(const SseEvent& event, Clock::time_point now) {
  Step step;
  if (done_) return step;  // anything after [DONE] is not part of the answer
  if (event.data == "[DONE]") {
    done_ = true;
    step.done = true;
    return step;
  }
  auto chunk = Json::parse(event.data, nullptr, false);
  if (chunk.is_discarded() || !chunk.is_object()) {
    step.error = ApiError::bad_gateway("upstream '" + upstream_name_ +
                                       "' sent a stream event that is not JSON");
    return step;
  }
  if (event.event == "error" || chunk.contains("error")) {  // vLLM reports failures in-band
    step.error = ApiError::bad_gateway("upstream '" + upstream_name_ + "' failed mid-stream: " +
                                       upstream_error_message(event.data));
    return step;
  }

  if (const auto usage = chunk.find("usage"); usage != chunk.end()) {
    read_usage(*usage, prompt_tokens_, completion_tokens_, cached_tokens_);
  }
  if (const Json* choice = choice_zero(chunk)) {
    if (has_output(*choice)) {
      const double since_start = std::chrono::duration<double>(now - start_).count();
      if (!first_token_seconds_) first_token_seconds_ = since_start;
      if (last_token_) gaps_.push_back(std::chrono::duration<double>(now - *last_token_).count());
      last_token_ = now;
      ++content_chunks_;
    }
    if (const auto reason = choice->find("finish_reason");
        reason != choice->end() && reason->is_string()) {
      finish_reason_ = reason->get<std::string>();
      finished_ = true;
    }
  }

  if (hide_usage_) {
    const auto choices = chunk.find("choices");
    const bool usage_only = choices != chunk.end() && choices->is_array() && choices->empty();
    if (usage_only) return step;  // the final usage chunk only we asked for
    chunk.erase("usage");
  }
  if (chunk.contains("model")) chunk["model"] = client_model_;
  step.chunk = std::move(chunk);
  return step;
}

void StreamRelay::fill(CompletionStats& stats) const {
  stats.prompt_tokens = prompt_tokens_.value_or(0);
  // Without usage (an upstream that ignores include_usage), one chunk is about one token.
  stats.completion_tokens = completion_tokens_.value_or(content_chunks_);
  stats.cached_prompt_tokens = cached_tokens_;
  stats.finish_reason = finish_reason_;
  stats.first_token_seconds = first_token_seconds_;
  stats.inter_token_seconds = gaps_;
}

void fill_stats_from_response(const Json& body, CompletionStats& stats) {
  std::optional<int64_t> prompt;
  std::optional<int64_t> completion;
  int64_t cached = 0;
  if (const auto usage = body.find("usage"); usage != body.end()) {
    read_usage(*usage, prompt, completion, cached);
  }
  stats.prompt_tokens = prompt.value_or(0);
  stats.completion_tokens = completion.value_or(0);
  stats.cached_prompt_tokens = cached;
  if (const Json* choice = choice_zero(body)) {
    if (const auto reason = choice->find("finish_reason");
        reason != choice->end() && reason->is_string()) {
      stats.finish_reason = reason->get<std::string>();
    }
  }
}

}  // namespace slipway::backends
