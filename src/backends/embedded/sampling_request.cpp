#include "backends/embedded/sampling_request.h"

#include <algorithm>

#include "backends/embedded/json_fields.h"
#include "engine/sampling_defaults.h"

namespace slipway::backends {
namespace {

std::string format_number(double v) {
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::optional<double> number_in(const Json& body, const std::string& name, double low, double high,
                                bool low_open = false) {
  auto v = get_number(body, name);
  if (v && (*v < low || *v > high || (low_open && *v == low))) {
    fail_value(name + " must be in " + (low_open ? "(" : "[") + format_number(low) + ", " +
                   format_number(high) + "], got " + format_number(*v),
               name);
  }
  return v;
}

std::vector<std::string> parse_stop(const Json& body) {
  const Json* v = find_field(body, "stop");
  std::vector<std::string> stops;
  if (v == nullptr) return stops;
  if (v->is_string()) {
    if (!v->get<std::string>().empty()) stops.push_back(v->get<std::string>());
    return stops;
  }
  if (!v->is_array()) fail_type("stop", "a string or an array of strings");
  for (const Json& item : *v) {
    if (!item.is_string()) fail_type("stop", "a string or an array of strings");
    if (!item.get<std::string>().empty()) stops.push_back(item.get<std::string>());
  }
  return stops;
}

std::vector<int32_t> parse_stop_token_ids(const Json& body, int64_t vocab_size) {
  const Json* v = find_field(body, "stop_token_ids");
  std::vector<int32_t> ids;
  if (v == nullptr) return ids;
  if (!v->is_array()) fail_type("stop_token_ids", "an array of integers");
  for (const Json& item : *v) {
    if (!is_integral(item)) fail_type("stop_token_ids", "an array of integers");
    const int64_t id = to_integer(item, "stop_token_ids");
    if (id < 0 || id >= vocab_size) {
      fail_value("stop_token_ids: token id " + std::to_string(id) + " is outside the vocabulary",
                 "stop_token_ids");
    }
    ids.push_back(static_cast<int32_t>(id));
  }
  return ids;
}

void parse_logprobs(const Json& body, Endpoint endpoint, const ModelLimits& limits,
                    SamplingRequest& out) {
  const std::string limit = std::to_string(limits.max_logprobs);
  if (endpoint == Endpoint::ChatCompletions) {
    const bool on = get_bool(body, "logprobs").value_or(false);
    const auto top = get_integer(body, "top_logprobs");
    if (top && (*top < 0 || *top > limits.max_logprobs)) {
      fail_value("top_logprobs must be in [0, " + limit + "]", "top_logprobs");
    }
    if (top && *top > 0 && !on) {
      fail_value("logprobs must be true when top_logprobs is set", "top_logprobs");
    }
    if (on) out.logprobs = static_cast<int32_t>(top.value_or(0));
    return;
  }
  const Json* v = find_field(body, "logprobs");
  if (v == nullptr) return;
  if (v->is_boolean()) fail_type("logprobs", "an integer");
  const int64_t n = to_integer(*v, "logprobs");
  if (n < 0 || n > limits.max_logprobs) {
    fail_value("logprobs must be in [0, " + limit + "]", "logprobs");
  }
  out.logprobs = static_cast<int32_t>(n);
}

void parse_stream(const Json& body, SamplingRequest& out) {
  out.stream = get_bool(body, "stream").value_or(false);
  const Json* options = find_field(body, "stream_options");
  if (options == nullptr) return;
  if (!options->is_object()) fail_type("stream_options", "an object");
  if (!out.stream)
    fail_value("stream_options is only allowed when stream is true", "stream_options");
  for (const auto& [key, value] : options->items()) {
    if (key == "include_usage") {
      if (!value.is_null() && !value.is_boolean()) {
        fail_type("stream_options.include_usage", "a boolean");
      }
      out.include_usage = value.is_boolean() && value.get<bool>();
    } else {
      fail_value("stream_options." + key + " is not supported by the embedded engine",
                 "stream_options");
    }
  }
}

}  // namespace

SamplingRequest parse_sampling_request(const Json& body, Endpoint endpoint,
                                       const ModelLimits& limits) {
  SamplingRequest out;
  out.temperature = number_in(body, "temperature", 0.0, 2.0);
  out.top_p = number_in(body, "top_p", 0.0, 1.0, /*low_open=*/true);
  out.top_k = get_integer(body, "top_k");
  if (out.top_k && *out.top_k < -1) fail_value("top_k must be -1 (off) or >= 0", "top_k");
  out.min_p = number_in(body, "min_p", 0.0, 1.0);
  out.presence_penalty = number_in(body, "presence_penalty", -2.0, 2.0);
  out.frequency_penalty = number_in(body, "frequency_penalty", -2.0, 2.0);
  out.repetition_penalty = get_number(body, "repetition_penalty");
  if (out.repetition_penalty && *out.repetition_penalty <= 0) {
    fail_value("repetition_penalty must be > 0", "repetition_penalty");
  }
  out.seed = get_integer(body, "seed");

  // Chat: max_completion_tokens replaces the deprecated max_tokens when both are sent.
  for (const char* name : {"max_completion_tokens", "max_tokens"}) {
    if (endpoint != Endpoint::ChatCompletions && std::string(name) == "max_completion_tokens") {
      continue;
    }
    if (auto v = get_integer(body, name)) {
      if (*v < 1) fail_value(std::string(name) + " must be at least 1", name);
      out.max_tokens = v;
      out.max_tokens_field = name;
      break;
    }
  }

  if (auto n = get_integer(body, "n")) {
    if (*n < 1 || *n > limits.max_n) {
      fail_value("n must be in [1, " + std::to_string(limits.max_n) + "]", "n");
    }
    out.n = *n;
  }
  out.stop = parse_stop(body);
  out.stop_token_ids = parse_stop_token_ids(body, limits.vocab_size);
  out.ignore_eos = get_bool(body, "ignore_eos").value_or(false);
  out.skip_special_tokens = get_bool(body, "skip_special_tokens").value_or(true);
  parse_logprobs(body, endpoint, limits, out);
  parse_stream(body, out);
  out.user = get_string(body, "user").value_or("");
  return out;
}

void check_prompt_limit(int64_t prompt_tokens, int64_t max_prompt_tokens,
                        const std::string& prompt_param) {
  if (max_prompt_tokens <= 0 || prompt_tokens <= max_prompt_tokens) return;
  std::string message = "Your prompt has ";
  message.append(std::to_string(prompt_tokens))
      .append(" tokens; this server accepts at most ")
      .append(std::to_string(max_prompt_tokens))
      .append(" prompt tokens per request (server.max_prompt_tokens).");
  fail_value(message, prompt_param);
}

int64_t resolve_max_tokens(const SamplingRequest& request,
                           const engine::GenerationDefaults& defaults, int64_t prompt_tokens,
                           int64_t context, const std::string& prompt_param) {
  const std::string head =
      "This model's maximum context length is " + std::to_string(context) + " tokens. ";
  if (prompt_tokens >= context) {
    fail_value(head + "However, your request has " + std::to_string(prompt_tokens) +
                   " input tokens. Please reduce the length of the input.",
               prompt_param);
  }
  const int64_t room = context - prompt_tokens;
  if (!request.max_tokens) {
    if (defaults.max_new_tokens && *defaults.max_new_tokens >= 1) {
      return std::min(*defaults.max_new_tokens, room);
    }
    return room;
  }
  if (*request.max_tokens > room) {
    fail_value(head + "However, you requested " +
                   std::to_string(prompt_tokens + *request.max_tokens) + " tokens (" +
                   std::to_string(prompt_tokens) + " in the input, " +
                   std::to_string(*request.max_tokens) +
                   " in the completion). Please reduce the length of the input or completion.",
               request.max_tokens_field);
  }
  return *request.max_tokens;
}

engine::SamplingParams build_sampling_params(const SamplingRequest& request,
                                             const engine::GenerationDefaults& defaults,
                                             int64_t max_tokens) {
  engine::SamplingOverrides overrides;
  overrides.temperature = request.temperature;
  overrides.top_p = request.top_p;
  overrides.top_k = request.top_k;
  engine::SamplingParams params = engine::sampling_params_for(defaults, overrides);
  if (request.min_p) params.min_p = *request.min_p;
  if (request.repetition_penalty) params.repetition_penalty = *request.repetition_penalty;
  params.presence_penalty = request.presence_penalty.value_or(0.0);
  params.frequency_penalty = request.frequency_penalty.value_or(0.0);
  params.max_tokens = max_tokens;
  params.stop = request.stop;
  params.stop_token_ids = request.stop_token_ids;
  params.ignore_eos = request.ignore_eos;
  params.logprobs = request.logprobs;
  params.seed.reset();
  return params;
}

std::optional<uint64_t> choice_seed(const SamplingRequest& request, int64_t choice) {
  if (!request.seed) return std::nullopt;
  // Unsigned arithmetic: wraps instead of overflowing for seeds near the int64 limits.
  return static_cast<uint64_t>(*request.seed) + static_cast<uint64_t>(choice);
}

}  // namespace slipway::backends
