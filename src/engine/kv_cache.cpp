#include "engine/kv_cache.h"

#include <stdexcept>

namespace slipway::engine {

// Layout: block -> layer -> {K of every slot, V of every slot}, each slot kv_width floats, so
// the keys one attention head reads inside a block are close together.
KvCache::KvCache(const ModelConfig& config, int32_t block_size, int64_t num_blocks)
    : block_size_(block_size),
      num_blocks_(num_blocks),
      num_layers_(config.num_hidden_layers),
      kv_width_(config.num_key_value_heads * config.head_dim) {
  if (block_size <= 0 || num_blocks < 0)
    throw std::invalid_argument("KvCache: block_size must be positive, num_blocks >= 0");
  storage_.resize(static_cast<std::size_t>(num_blocks) * bytes_per_block(config, block_size) /
                  sizeof(float));
  free_list_.reserve(static_cast<std::size_t>(num_blocks));
  // Popped from the back: lowest ids are handed out first.
  for (int64_t b = num_blocks - 1; b >= 0; --b) free_list_.push_back(static_cast<int32_t>(b));
}

std::size_t KvCache::bytes_per_block(const ModelConfig& config, int32_t block_size) {
  return static_cast<std::size_t>(2 * config.num_hidden_layers * config.num_key_value_heads *
                                  config.head_dim * block_size) *
         sizeof(float);
}

bool KvCache::reserve(SequenceKv& seq, int64_t total_tokens) {
  const int64_t needed = (total_tokens + block_size_ - 1) / block_size_;
  const int64_t have = static_cast<int64_t>(seq.block_table.size());
  if (needed <= have) return true;
  if (needed - have > free_blocks()) return false;
  for (int64_t i = have; i < needed; ++i) {
    seq.block_table.push_back(free_list_.back());
    free_list_.pop_back();
  }
  return true;
}

void KvCache::release(SequenceKv& seq) {
  for (auto it = seq.block_table.rbegin(); it != seq.block_table.rend(); ++it)
    free_list_.push_back(*it);
  seq.block_table.clear();
  seq.num_tokens = 0;
}

float* KvCache::key(int32_t block, int64_t layer, int32_t slot) {
  return storage_.data() + ((block * num_layers_ + layer) * 2 * block_size_ + slot) * kv_width_;
}

float* KvCache::value(int32_t block, int64_t layer, int32_t slot) {
  return key(block, layer, slot) + block_size_ * kv_width_;
}

const float* KvCache::key(int32_t block, int64_t layer, int32_t slot) const {
  return const_cast<KvCache*>(this)->key(block, layer, slot);
}

const float* KvCache::value(int32_t block, int64_t layer, int32_t slot) const {
  return const_cast<KvCache*>(this)->value(block, layer, slot);
}

}  // namespace slipway::engine
