#include "engine/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "engine/kernels/simd.h"

namespace slipway::engine {
namespace {

namespace simd = kernels::simd;
constexpr int64_t kLanes = 8;
constexpr int64_t kBlockVecs = 8;  // output vectors kept in registers while positions stream by

// q . k: one fused multiply-add chain per lane, the lane sum, then the tail (dim % 8) in order.
float dot(const float* q, const float* k, int64_t dim) {
  const int64_t body = dim - dim % kLanes;
  simd::Vec acc = simd::zero();
  for (int64_t c = 0; c < body; c += kLanes)
    acc = simd::fmadd(simd::load_f32(q + c), simd::load_f32(k + c), acc);
  float sum = simd::hsum(acc);
  for (int64_t c = body; c < dim; ++c) sum = std::fma(q[c], k[c], sum);
  return sum;
}

// Calls visit(j, key_or_value_row) for positions j in [first, n) in order, one cache block at
// a time: the rows of one block are `stride` floats apart, so no per-position table lookup.
template <bool kValues, class Visit>
void for_each_row(const KvCache& cache, const SequenceKv& seq, const AttentionHead& head,
                  int64_t first, int64_t n, Visit&& visit) {
  const int64_t block_size = cache.block_size();
  for (int64_t j0 = first; j0 < n;) {
    const int32_t block = seq.block_table[static_cast<std::size_t>(j0 / block_size)];
    const auto slot = static_cast<int32_t>(j0 % block_size);
    const int64_t count = std::min(block_size - slot, n - j0);
    const float* row =
        (kValues ? cache.value(block, head.layer, slot) : cache.key(block, head.layer, slot)) +
        head.kv_offset;
    const int64_t stride = count > 1 ? (kValues ? cache.value(block, head.layer, slot + 1)
                                                : cache.key(block, head.layer, slot + 1)) +
                                           head.kv_offset - row
                                     : 0;
    for (int64_t t = 0; t < count; ++t) visit(j0 + t, row + t * stride);
    j0 += count;
  }
}

}  // namespace

void attend(const KvCache& cache, const SequenceKv& seq, const AttentionHead& head, int64_t group,
            const float* q, int64_t first_key, int64_t n_keys, float* scores, float* out) {
  const int64_t dim = head.head_dim;

  // Scores of every head of the group, each cached key read once.
  std::vector<float> max(static_cast<std::size_t>(group), -std::numeric_limits<float>::infinity());
  for_each_row<false>(cache, seq, head, first_key, n_keys, [&](int64_t j, const float* k) {
    for (int64_t g = 0; g < group; ++g) {
      float& score = scores[g * n_keys + j];
      score = dot(q + g * dim, k, dim) * head.scale;
      max[g] = std::max(max[g], score);
    }
  });
  // Softmax weights, summed in position order.
  for (int64_t g = 0; g < group; ++g) {
    float* row = scores + g * n_keys;
    float sum = 0;
    for (int64_t j = first_key; j < n_keys; ++j) {
      row[j] = std::exp(row[j] - max[g]);
      sum += row[j];
    }
    const float inv_sum = 1.0f / sum;
    for (int64_t j = first_key; j < n_keys; ++j) row[j] *= inv_sum;
  }
  // out_g = sum_j p_g[j] * V[j]: each output lane is one FMA chain in position order, kept in
  // registers (up to kBlockVecs vectors) while the positions stream by.
  const int64_t body = dim - dim % kLanes;
  for (int64_t g = 0; g < group; ++g) {
    const float* p = scores + g * n_keys;
    float* o = out + g * dim;
    for (int64_t c0 = 0; c0 < body; c0 += kLanes * kBlockVecs) {
      const int64_t vecs = std::min(kBlockVecs, (body - c0) / kLanes);
      simd::Vec acc[kBlockVecs];
      for (auto& a : acc) a = simd::zero();
      for_each_row<true>(cache, seq, head, first_key, n_keys, [&](int64_t j, const float* v) {
        const simd::Vec weight = simd::broadcast(p[j]);
        for (int64_t i = 0; i < vecs; ++i)
          acc[i] = simd::fmadd(weight, simd::load_f32(v + c0 + i * kLanes), acc[i]);
      });
      for (int64_t i = 0; i < vecs; ++i) simd::store_f32(o + c0 + i * kLanes, acc[i]);
    }
    for (int64_t c = body; c < dim; ++c) {
      float acc = 0;
      for_each_row<true>(cache, seq, head, first_key, n_keys,
                         [&](int64_t j, const float* v) { acc = std::fma(p[j], v[c], acc); });
      o[c] = acc;
    }
  }
}

}  // namespace slipway::engine
