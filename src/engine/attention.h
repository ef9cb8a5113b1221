#pragma once
// Causal softmax attention of the query heads that share one KV head (grouped-query
// attention) over a sequence's cached keys and values.
#include <cstdint>

#include "engine/kv_cache.h"

namespace slipway::engine {

struct AttentionHead {
  int64_t layer = 0;
  int64_t kv_offset = 0;  // kv_head * head_dim inside a cached position
  int64_t head_dim = 0;
  float scale = 1.0f;  // 1 / sqrt(head_dim)
};

// For each of the `group` query heads g (q and out hold them one after another, head_dim apart):
// out_g = softmax(scale * q_g . K[j]) . V[j] over positions j in [first_key, n_keys)
// (first_key > 0 under a sliding window). Each cached key and value is read once for the whole
// group; each head is still reduced in position order on its own, so a query gives the same bits
// whatever its group size, and whether it came from a prefill chunk or a decode step.
// scores needs group * n_keys floats.
void attend(const KvCache& cache, const SequenceKv& seq, const AttentionHead& head, int64_t group,
            const float* q, int64_t first_key, int64_t n_keys, float* scores, float* out);

}  // namespace slipway::engine
