#include "engine/scheduling/sequence.h"

#include <algorithm>

namespace slipway::engine::scheduling {
namespace {

double seconds(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

uint64_t seed_of(const SequenceRequest& request) {
  return request.params.seed ? *request.params.seed : request.seed;
}

bool contains(const std::vector<int32_t>& ids, int32_t token) {
  return std::find(ids.begin(), ids.end(), token) != ids.end();
}

}  // namespace

Sequence::Sequence(SequenceId id, const ModelPackage& package, SequenceRequest request,
                   OutputSink sink, TimePoint submitted)
    : id_(id),
      request_(std::move(request)),
      sink_(std::move(sink)),
      sampler_(request_.params, seed_of(request_)),
      detokenizer_(package.tokenizer_ptr(), request_.prompt, request_.skip_special_tokens),
      stop_matcher_(request_.params.stop),
      tokens_(request_.prompt),
      submitted_(submitted) {
  const int64_t context = package.model().config().max_position_embeddings;
  max_new_ = std::min(request_.params.max_tokens, context - prompt_size());
  stats_.prompt_tokens = prompt_size();
}

void Sequence::mark_scheduled(TimePoint now) {
  if (scheduled_) return;
  scheduled_ = true;
  stats_.queue_seconds = seconds(submitted_, now);
}

SequenceOutput Sequence::accept(std::span<const float> logits, const std::vector<int32_t>& eos_ids,
                                TimePoint now) {
  SequenceOutput out;
  SampledToken sampled = sampler_.sample(logits, request_.prompt, generated_);
  const int32_t token = sampled.token;
  if (generated_.empty()) stats_.first_token_seconds = seconds(submitted_, now);
  generated_.push_back(token);
  tokens_.push_back(token);
  stats_.completion_tokens = static_cast<int64_t>(generated_.size());
  out.tokens.push_back(std::move(sampled));

  const auto& params = request_.params;
  // The same order as generation.cpp: a stop/EOS token ends before its text is streamed.
  if (contains(params.stop_token_ids, token) || (!params.ignore_eos && contains(eos_ids, token))) {
    close(out, FinishReason::Stop, now);
    return out;
  }
  out.text = stop_matcher_.push(detokenizer_.push(token));
  if (stop_matcher_.stopped()) {
    close(out, FinishReason::Stop, now);
  } else if (static_cast<int64_t>(generated_.size()) >= max_new_) {
    close(out, FinishReason::Length, now);
  }
  return out;
}

SequenceOutput Sequence::end(FinishReason reason, std::string error, TimePoint now) {
  SequenceOutput out;
  out.error = std::move(error);
  close(out, reason, now);
  return out;
}

void Sequence::close(SequenceOutput& out, FinishReason reason, TimePoint now) {
  // Text held back (an incomplete character, a possible stop prefix) is released unless a stop
  // string was found or the caller is gone.
  if (!stop_matcher_.stopped() && reason != FinishReason::Abort && reason != FinishReason::Error) {
    out.text += stop_matcher_.push(detokenizer_.flush());
    out.text += stop_matcher_.flush();
    if (stop_matcher_.stopped()) reason = FinishReason::Stop;
  }
  out.finished = true;
  out.finish_reason = reason;
  stats_.total_seconds = seconds(submitted_, now);
  out.stats = stats_;
}

void Sequence::deliver(SequenceOutput&& output) {
  if (!sink_) return;
  try {
    sink_(std::move(output));
  } catch (...) {
    // The sink's owner is responsible for its errors; the other sequences keep running.
  }
}

}  // namespace slipway::engine::scheduling
