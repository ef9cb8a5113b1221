#include "engine/generation.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <stdexcept>

#include "engine/forward_pass.h"
#include "engine/kv_cache.h"
#include "engine/stop_matcher.h"
#include "text/stream_detokenizer.h"

namespace slipway::engine {
namespace {

constexpr int32_t kBlockSize = 16;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool ends_generation(const ModelPackage& package, const SamplingParams& params, int32_t token) {
  const auto& stops = params.stop_token_ids;
  if (std::find(stops.begin(), stops.end(), token) != stops.end()) return true;
  if (params.ignore_eos) return false;
  const auto& eos = package.eos_token_ids();
  return std::find(eos.begin(), eos.end(), token) != eos.end();
}

}  // namespace

GenerationResult generate(const ModelPackage& package, ComputePool& pool,
                          std::span<const int32_t> prompt, const SamplingParams& params,
                          const TextSink& on_text) {
  const ModelConfig& config = package.model().config();
  const auto context = config.max_position_embeddings;
  const auto prompt_size = static_cast<int64_t>(prompt.size());
  if (prompt.empty()) throw std::invalid_argument("the prompt is empty");
  if (prompt_size >= context) {
    throw std::invalid_argument("the prompt has " + std::to_string(prompt_size) +
                                " tokens; the model's context is " + std::to_string(context));
  }
  for (int32_t id : prompt) {
    if (id < 0 || id >= config.vocab_size) {
      throw std::invalid_argument("token id " + std::to_string(id) + " is outside the vocabulary");
    }
  }
  const int64_t max_new = std::min(params.max_tokens, context - prompt_size);

  GenerationResult result;
  result.prompt_tokens = prompt_size;
  const int64_t capacity = prompt_size + max_new;
  KvCache cache(config, kBlockSize, (capacity + kBlockSize - 1) / kBlockSize);
  SequenceKv sequence;
  cache.reserve(sequence, capacity);
  ForwardPass forward(package.model_ptr(), cache, pool);
  Sampler sampler(params, std::random_device{}() * 0x9E3779B97F4A7C15ull + std::random_device{}());
  text::StreamDetokenizer detokenizer(package.tokenizer_ptr(),
                                      std::vector<int32_t>(prompt.begin(), prompt.end()),
                                      /*skip_special_tokens=*/true);
  StopMatcher stop_matcher(params.stop);
  auto emit = [&](const std::string& text) {
    if (text.empty()) return;
    result.text += text;
    if (on_text) on_text(text);
  };

  std::vector<std::vector<float>> logits;
  std::vector<int32_t> step_tokens(prompt.begin(), prompt.end());
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point first_token_time;
  while (static_cast<int64_t>(result.tokens.size()) < max_new) {
    ForwardRequest request{&sequence, step_tokens, false};
    forward.run(std::span<ForwardRequest>(&request, 1), logits);
    SampledToken sampled = sampler.sample(logits[0], prompt, result.tokens);
    if (result.tokens.empty()) first_token_time = std::chrono::steady_clock::now();
    result.tokens.push_back(sampled.token);
    result.samples.push_back(std::move(sampled));
    const int32_t token = result.tokens.back();
    if (ends_generation(package, params, token)) {
      result.finish_reason = FinishReason::Stop;
      break;
    }
    emit(stop_matcher.push(detokenizer.push(token)));
    if (stop_matcher.stopped()) {
      result.finish_reason = FinishReason::Stop;
      break;
    }
    step_tokens.assign(1, token);
  }
  if (!stop_matcher.stopped()) {
    emit(stop_matcher.push(detokenizer.flush()));
    emit(stop_matcher.flush());
    if (stop_matcher.stopped()) result.finish_reason = FinishReason::Stop;
  }
  if (!result.tokens.empty()) {
    result.prefill_seconds = std::chrono::duration<double>(first_token_time - start).count();
    result.decode_seconds = seconds_since(first_token_time);
  }
  return result;
}

}  // namespace slipway::engine
