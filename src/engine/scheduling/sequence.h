#pragma once
// One sequence inside the scheduler: its tokens (prompt, then generated), its KV blocks, and
// the per-sequence generation logic of generation.cpp (sampler, streaming detokenizer, stop
// matcher, EOS and length limits), kept across preemptions.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/kv_cache.h"
#include "engine/model_package.h"
#include "engine/scheduler.h"
#include "engine/stop_matcher.h"
#include "text/stream_detokenizer.h"

namespace slipway::engine::scheduling {

using TimePoint = std::chrono::steady_clock::time_point;

class Sequence {
 public:
  Sequence(SequenceId id, const ModelPackage& package, SequenceRequest request, OutputSink sink,
           TimePoint submitted);

  SequenceId id() const { return id_; }
  void set_id(SequenceId id) { id_ = id; }
  const SequenceRequest& request() const { return request_; }
  int64_t prompt_size() const { return static_cast<int64_t>(request_.prompt.size()); }
  // Prompt then generated ids: the positions this sequence needs in its KV cache.
  const std::vector<int32_t>& tokens() const { return tokens_; }
  int64_t size() const { return static_cast<int64_t>(tokens_.size()); }
  // Positions still to compute before the next token can be sampled.
  int64_t pending() const { return size() - kv.num_tokens; }
  bool decoding() const { return !generated_.empty() && pending() == 1; }
  SequenceStats& stats() { return stats_; }

  // Samples from the logits of the last position, then streams the token. The output is final
  // when the sequence stopped (EOS or stop token, stop string, max_tokens, context end).
  SequenceOutput accept(std::span<const float> logits, const std::vector<int32_t>& eos_ids,
                        TimePoint now);
  // The final output of a sequence ended from outside (Abort, Timeout, Error).
  SequenceOutput end(FinishReason reason, std::string error, TimePoint now);

  // Delivers an output to the caller's sink; a throwing sink must not kill the loop.
  void deliver(SequenceOutput&& output);

  void mark_scheduled(TimePoint now);

  SequenceKv kv;
  int64_t registered_blocks = 0;       // full prompt blocks already in the prefix cache (or hit)
  std::vector<uint64_t> block_hashes;  // chain hashes of the full prompt blocks
  uint64_t admit_order = 0;            // later admissions are preempted first
  int64_t starved_steps = 0;           // steps a prefill waited without a chunk
  bool ever_admitted = false;

 private:
  std::string finish_text();
  void close(SequenceOutput& output, FinishReason reason, TimePoint now);

  SequenceId id_;
  SequenceRequest request_;
  OutputSink sink_;
  Sampler sampler_;
  text::StreamDetokenizer detokenizer_;
  StopMatcher stop_matcher_;
  std::vector<int32_t> tokens_;
  std::vector<int32_t> generated_;
  int64_t max_new_ = 0;
  TimePoint submitted_;
  bool scheduled_ = false;
  SequenceStats stats_;
};

}  // namespace slipway::engine::scheduling
