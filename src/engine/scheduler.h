#pragma once
// Continuous batching for one loaded model. Sequences join and leave the running batch at every
// step; each step is one ForwardPass over the decode tokens of the running sequences plus
// prompt chunks under a token budget (chunked prefill). The KV cache is paged, full prompt
// blocks are shared between sequences with the same prefix (prefix caching), and when blocks
// run out the newest running sequence of the lowest priority is preempted and later recomputed.
//
// Priorities keep background work (shadow copies, judge calls) from delaying users: waiting
// sequences are admitted by priority, prompt chunks are budgeted by priority, and a waiting
// sequence preempts running ones of a lower priority when they hold the room it needs.
//
// Threads: the scheduler runs its own loop thread; forward passes use the shared ComputePool.
// submit/abort/ping/stats are thread-safe. Output sinks are called on the loop thread and must
// not block.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/compute_pool.h"
#include "engine/finish_reason.h"
#include "engine/lora/lora_adapter.h"
#include "engine/model_package.h"
#include "engine/sampler.h"
#include "engine/sampling_params.h"

namespace slipway::engine {

using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

// Lower values go first. Everything but User is background work.
enum class Priority : int { User = 0, Shadow = 1, Judge = 2 };

struct SchedulerConfig {
  int32_t block_size = 16;
  // KV cache memory budget; 0 picks enough for max_num_seqs sequences of 2,048 tokens (capped
  // by the context length), at most 2 GiB.
  int64_t kv_cache_bytes = 0;
  int64_t max_num_seqs = 64;       // sequences in the running batch
  int64_t max_batch_tokens = 128;  // tokens per step: decode tokens first, then prompt chunks
  // Waiting queue bound; submit beyond it throws QueueFull. A user sequence counts only the
  // waiting user sequences (background work can never fill the queue against users), a
  // background one counts them all.
  int64_t max_waiting = 1024;
  bool prefix_caching = true;
  SteadyClock clock;  // empty: std::chrono::steady_clock::now
};

// What one sequence asks for. The caller has validated it against the model (see
// ModelPackage); the scheduler still checks ids and lengths and throws std::invalid_argument.
struct SequenceRequest {
  std::vector<int32_t> prompt;  // not empty; prompt.size() + params.max_tokens <= context
  SamplingParams params;        // max_tokens >= 1
  uint64_t seed = 0;            // used when params.seed is empty
  std::optional<std::chrono::steady_clock::time_point> deadline;  // finishes with Timeout
  bool skip_special_tokens = true;                                // in the text output
  uint64_t cache_salt = 0;  // prefix-cache namespace of the caller's own; 0: none
  // A LoRA adapter bound to this scheduler's model (none: the bare base). The sequence holds
  // it until it finishes; prefix-cache blocks are shared only between sequences with the same
  // adapter (its id is mixed into the block keys).
  std::shared_ptr<const LoraAdapter> adapter;
  Priority priority = Priority::User;
};

// Times and counts of one sequence, complete in its final output.
struct SequenceStats {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;     // sampled tokens, a final EOS/stop token included
  int64_t cached_prompt_tokens = 0;  // prompt tokens taken from the prefix cache
  int32_t preemptions = 0;
  double queue_seconds = 0;        // submit to first scheduled
  double first_token_seconds = 0;  // submit to first sampled token (TTFT)
  double total_seconds = 0;        // submit to finish
};

// What one step produced for one sequence. Every sequence gets exactly one output with
// finished == true, and none after it.
struct SequenceOutput {
  std::vector<SampledToken> tokens;  // sampled this step (logprobs filled when asked)
  std::string text;                  // text released this step (stop strings never appear)
  bool finished = false;
  FinishReason finish_reason = FinishReason::Length;
  std::string error;    // when finish_reason == Error
  SequenceStats stats;  // filled in the final output
};

using SequenceId = uint64_t;
using OutputSink = std::function<void(SequenceOutput&&)>;

// submit() when the waiting queue is full (HTTP 429).
class QueueFull : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SchedulerStats {
  int64_t running = 0;
  int64_t waiting = 0;
  int64_t running_background = 0;  // of running: sequences with a priority other than User
  int64_t waiting_background = 0;  // of waiting: the same
  int64_t kv_blocks_total = 0;
  int64_t kv_blocks_used = 0;  // held by sequences (cached free blocks are not used)
  int64_t kv_blocks_cached = 0;
  int64_t block_size = 0;
  uint64_t preemptions_total = 0;
  uint64_t prefix_cache_queries_total = 0;  // prompt tokens looked up
  uint64_t prefix_cache_hits_total = 0;     // prompt tokens found
  uint64_t steps_total = 0;
  double last_step_seconds = 0;
  bool loop_alive = true;  // false once the loop thread died on an engine error
};

class Scheduler {
 public:
  Scheduler(std::shared_ptr<const ModelPackage> package, ComputePool& pool, SchedulerConfig config);
  // Stops the loop; every unfinished sequence gets a final Abort output first.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues a sequence. Throws QueueFull when the waiting queue is full, std::invalid_argument
  // when the request can never run (bad ids, longer than the context or the whole KV cache).
  SequenceId submit(SequenceRequest request, OutputSink sink);
  // Ends a sequence at the next step boundary: its blocks are freed and its sink gets a final
  // Abort output. Unknown or finished ids are ignored.
  void abort(SequenceId id);
  // Calls done() from the loop thread at its next iteration: proof that the engine is alive.
  void ping(std::function<void()> done);
  SchedulerStats stats() const;
  const SchedulerConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slipway::engine
