#pragma once
// One forward step over a batch of sequences, each adding a chunk of new tokens (a prompt
// chunk or one decode token) to its KV cache, each with its own LoRA adapter or none. Results
// are batch-invariant: a sequence's logits are bitwise the same whatever else is in the batch
// (other adapters included) and however its prompt was chunked.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/compute_pool.h"
#include "engine/kv_cache.h"
#include "engine/lora/lora_adapter.h"
#include "engine/model.h"

namespace slipway::engine {

struct ForwardRequest {
  SequenceKv* kv = nullptr;         // blocks reserved by the caller for kv->num_tokens + n
  std::span<const int32_t> tokens;  // new tokens at positions kv->num_tokens ...
  bool all_logits = false;          // logits of every new position, not only the last
  // Applied on top of the base weights for this request's rows only (none: the bare base).
  // Its layers must match the model's; a batch may mix any adapters.
  const LoraAdapter* adapter = nullptr;
};

class ForwardPass {
 public:
  ForwardPass(std::shared_ptr<const Model> model, KvCache& cache, ComputePool& pool);
  ~ForwardPass();

  // For each request i, logits[i] holds vocab_size floats (the last new position) or
  // tokens.size() * vocab_size (all_logits). Advances each kv->num_tokens by tokens.size().
  void run(std::span<ForwardRequest> batch, std::vector<std::vector<float>>& logits);

 private:
  struct Scratch;
  std::shared_ptr<const Model> model_;
  KvCache& cache_;
  ComputePool& pool_;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace slipway::engine
