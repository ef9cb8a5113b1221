#include "engine/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/kernels/matmul.h"
#include "engine/kernels/ops.h"

namespace slipway::engine {

void attend(const KvCache& cache, const SequenceKv& seq, const AttentionHead& head, const float* q,
            int64_t first_key, int64_t n_keys, float* scores, float* out) {
  const int32_t block_size = cache.block_size();
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t j = first_key; j < n_keys; ++j) {
    const int32_t block = seq.block_table[static_cast<std::size_t>(j / block_size)];
    const float* k =
        cache.key(block, head.layer, static_cast<int32_t>(j % block_size)) + head.kv_offset;
    scores[j] = kernels::dot(q, k, head.head_dim) * head.scale;
    max = std::max(max, scores[j]);
  }
  float sum = 0;
  for (int64_t j = first_key; j < n_keys; ++j) {
    scores[j] = std::exp(scores[j] - max);
    sum += scores[j];
  }
  const float inv_sum = 1.0f / sum;
  std::fill(out, out + head.head_dim, 0.0f);
  for (int64_t j = first_key; j < n_keys; ++j) {
    const int32_t block = seq.block_table[static_cast<std::size_t>(j / block_size)];
    const float* v =
        cache.value(block, head.layer, static_cast<int32_t>(j % block_size)) + head.kv_offset;
    kernels::scaled_add(out, scores[j] * inv_sum, v, head.head_dim);
  }
}

}  // namespace slipway::engine
